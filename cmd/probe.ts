/**
 * `tcpecho probe`: TCP connect probes with statistics; `--keepalive` watches an idle connection.
 * @module
 */
import { defineTcpechoCommand } from "./command.ts";
import { notBuilt } from "./not_built.ts";

/** The probe command. */
export const probe = defineTcpechoCommand({
  meta: {
    name: "probe",
    description: "TCP connect probes; --keepalive watches an idle connection (UNP §7.5)",
  },
  args: {
    host: { type: "positional", description: "host to probe", required: true },
    port: { type: "positional", description: "TCP port", default: "9877", required: false },
    count: {
      type: "string",
      alias: "c",
      description: "probes to send, 0 = until Ctrl-C",
      default: "4",
    },
    interval: { type: "string", alias: "i", description: "seconds between probes", default: "1" },
    timeout: {
      type: "string",
      alias: "W",
      description: "seconds to wait for each handshake",
      default: "2",
    },
    "4": { type: "boolean", description: "IPv4 only" },
    "6": { type: "boolean", description: "IPv6 only" },
    all: { type: "boolean", description: "probe every address the name resolves to" },
    format: {
      type: "enum",
      options: ["text", "json"],
      description: "output format",
      default: "text",
    },
    csv: { type: "boolean", description: "one CSV line per probe" },
    timestamps: { type: "boolean", alias: "D", description: "prefix each line with a timestamp" },
    keepalive: {
      type: "boolean",
      description: "connect once, go idle with SO_KEEPALIVE, report how the peer ends",
    },
    keepidle: {
      type: "string",
      description: "TCP_KEEPIDLE seconds (keepalive mode)",
      default: "10",
    },
    keepintvl: {
      type: "string",
      description: "TCP_KEEPINTVL seconds (keepalive mode)",
      default: "2",
    },
    keepcnt: { type: "string", description: "TCP_KEEPCNT probes (keepalive mode)", default: "3" },
    echo: { type: "boolean", description: "keepalive mode: verify an echo round trip first" },
    duration: { type: "string", description: "keepalive mode: stop watching after S seconds" },
    heartbeat: {
      type: "string",
      description: "application heartbeat: an echo round trip every S seconds",
    },
  },
  run: () => notBuilt("probe"),
});
