/**
 * `tcpecho serve`: the book's echo server (UNP §5.2), concurrent and bounded.
 * @module
 */
import { defineTcpechoCommand } from "./command.ts";
import { notBuilt } from "./not_built.ts";

/** The serve command. */
export const serve = defineTcpechoCommand({
  meta: {
    name: "serve",
    description: "TCP (and UDP) echo server, port 9877 by default (UNP §5.2)",
  },
  args: {
    port: { type: "string", alias: "p", description: "port to listen on", default: "9877" },
    host: {
      type: "string",
      description: "address to bind (repeatable); default: dual-stack wildcard",
    },
    "max-conns": {
      type: "string",
      description: "refuse connections beyond this many (default 10000)",
    },
    "idle-timeout": {
      type: "string",
      description: "close a connection idle for this many seconds",
    },
    "max-buffer": {
      type: "string",
      description: "bytes buffered per connection before reading pauses (default 65536)",
    },
    "close-after": {
      type: "string",
      description: "fault: close (FIN) after N echoed lines (UNP §5.12)",
    },
    "reset-after": {
      type: "string",
      description: "fault: reset (RST, linger 0) after N echoed lines (§7.5 abort)",
    },
    delay: { type: "string", description: "fault: delay each echo by MS milliseconds" },
    "drop-after": {
      type: "string",
      description: "fault: after N lines stop reading and answering, keep the socket",
    },
    udp: {
      type: "boolean",
      description: "also serve RFC 862 UDP echo (loopback unless --host is given)",
    },
    log: {
      type: "enum",
      options: ["text", "json"],
      description: "log format on stderr",
      default: "text",
    },
  },
  run: () => notBuilt("serve"),
});
