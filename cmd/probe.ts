/**
 * `tcpecho probe`: TCP connect probes with statistics; `--keepalive` watches an idle connection.
 * @module
 */
import { addTrace } from "./trace.ts";
import { defineTcpechoCommand } from "./command.ts";
import { probeConfig } from "./probe_options.ts";

const NOTES = `MODES
  probe HOST PORT             connect probes: one full handshake each, timed, then a clean close
  probe HOST PORT --keepalive connect once, go idle with SO_KEEPALIVE, report how the peer ends
  probe HOST PORT --heartbeat S   connect once, echo round trip every S s (an echo server is needed)

PROBE LINES AND EXIT CODES
  connected in X ms | refused (RST, ECONNREFUSED) | timed out (ETIMEDOUT) | unreachable (ICMP,
  EHOSTUNREACH/ENETUNREACH). Exit 0 if any probe connected; otherwise the most frequent failure
  (latest wins a tie): 5 refused, 6 timed out, 7 unreachable, 1 other.

KEEPALIVE / HEARTBEAT END (exit code)
  --duration reached or Ctrl-C, peer alive (0) · FIN: peer process ended (3, UNP §5.12) ·
  RST, ECONNRESET: peer host rebooted or aborted (4, §5.15) · ETIMEDOUT: keepalive probes
  unanswered, peer host silent (6, §5.14 §7.5) · heartbeat echo missed its --timeout deadline (6) ·
  ICMP unreachable (7) · connect failed: 5 / 6 / 7 as for probes.
  TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT are set by libc setsockopt through FFI (Deno needs
  --allow-ffi) and printed as read back; without FFI only SO_KEEPALIVE is set, and probe says so.

EXAMPLES
  tcpecho probe 198.18.0.2 9877 --count 10 --interval 0.5
  tcpecho probe localhost 22 --all --csv
  tcpecho probe 198.18.0.2 9877 --keepalive --keepidle 1 --keepintvl 1 --keepcnt 2 --duration 30
`;

/** The probe command. */
export const probe = defineTcpechoCommand({
  meta: {
    name: "probe",
    description: "TCP connect probes; --keepalive watches an idle connection (UNP §7.5)",
  },
  args: {
    host: { type: "positional", description: "host to probe (name or address)", required: true },
    port: { type: "positional", description: "TCP port", default: "9877", required: false },
    count: {
      type: "string",
      alias: "c",
      description: "probes to send, 0 = until Ctrl-C",
      default: "4",
    },
    interval: {
      type: "string",
      alias: "i",
      description: "seconds from one probe's start to the next",
      default: "1",
    },
    timeout: {
      type: "string",
      alias: "W",
      description: "seconds to wait for each handshake (and for each echo with --echo/--heartbeat)",
      default: "2",
    },
    "4": { type: "boolean", description: "-4: IPv4 addresses only" },
    "6": { type: "boolean", description: "-6: IPv6 addresses only" },
    all: { type: "boolean", description: "probe every address the name resolves to" },
    format: {
      type: "enum",
      options: ["text", "json"],
      description: "output format (json: one object at the end)",
      default: "text",
    },
    csv: { type: "boolean", description: "one CSV line per probe (summary on stderr)" },
    timestamps: {
      type: "boolean",
      alias: "D",
      description: "prefix each line with its ISO time",
    },
    keepalive: {
      type: "boolean",
      description: "connect once, go idle with SO_KEEPALIVE, report how the peer ends",
    },
    keepidle: {
      type: "string",
      description: "TCP_KEEPIDLE seconds, 1-32767 (keepalive mode)",
      default: "10",
    },
    keepintvl: {
      type: "string",
      description: "TCP_KEEPINTVL seconds, 1-32767 (keepalive mode)",
      default: "2",
    },
    keepcnt: {
      type: "string",
      description: "TCP_KEEPCNT unanswered probes, 1-127 (keepalive mode)",
      default: "3",
    },
    echo: { type: "boolean", description: "keepalive mode: verify an echo round trip first" },
    duration: {
      type: "string",
      description: "keepalive/heartbeat mode: stop watching after S seconds (exit 0)",
    },
    heartbeat: {
      type: "string",
      description: "application heartbeat: an echo round trip every S seconds",
    },
  },
  notes: NOTES,
  async run(args, ctx, rawArgs) {
    const config = probeConfig(args, rawArgs);
    if (config.watch) {
      const { runWatch } = await import("./probe_watch.ts");
      return await runWatch(config, ctx);
    }
    const { runProbeMode } = await import("./probe_run.ts");
    return await runProbeMode(config, ctx);
  },
});

/** --trace and --trace-file FILE (cmd/trace.ts). */
addTrace(probe, (a) => Number(a.port ?? 9877));
