/**
 * `tcpecho watch`: capture live (libpcap by FFI, or tcpdump) and explain each
 * TCP connection as it ends, like `explain` on a capture file.
 * @module
 */
import { numberOption } from "./cli.ts";
import { defineTcpechoCommand } from "./command.ts";
import { DEFAULT_IDLE_S, type LiveRequest, runLive, startCapture } from "./live.ts";

/** The watch command. */
export const watch = defineTcpechoCommand({
  meta: {
    name: "watch",
    description: "capture live and explain each TCP connection as it ends (root or CAP_NET_RAW)",
  },
  args: {
    filter: {
      type: "positional",
      description: "capture filter in tcpdump's syntax, e.g. 'tcp port 9877' (several words " +
        "are joined); default: all TCP",
      required: false,
    },
    interface: {
      type: "string",
      alias: "i",
      valueHint: "IF",
      description: "interface to capture on",
      default: "any",
    },
    format: {
      type: "enum",
      options: ["text", "ndjson"],
      description: "text (verdict + ladder) or ndjson (one connection per line)",
      default: "text",
    },
    summary: {
      type: "boolean",
      description: "one line per connection (a table); with ndjson: no segments",
    },
    write: {
      type: "string",
      alias: "w",
      valueHint: "FILE",
      description: "also keep the capture in FILE (pcap)",
    },
    idle: {
      type: "string",
      valueHint: "S",
      description: `report a connection with no packet for S seconds as still open and ` +
        `forget it (default ${DEFAULT_IDLE_S})`,
    },
    capture: {
      type: "enum",
      options: ["auto", "ffi", "tcpdump"],
      description: "how to capture: libpcap by FFI, a tcpdump child, or auto (FFI first)",
      default: "auto",
    },
  },
  notes: [
    "Examples:",
    "  sudo tcpecho watch -i lo 'tcp port 9877'        verdict + ladder as each connection ends",
    "  sudo tcpecho watch --summary -w keep.pcap      one line per connection, keep the capture",
    "  sudo tcpecho watch --format ndjson host 198.18.0.2",
    "",
    "On a terminal a status line shows the open connections. Ctrl-C (or SIGTERM) stops:",
    "connections still open are reported as open. Without root:",
    "  sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpecho)",
    "See docs/watch.md.",
  ].join("\n"),
  async run(args, ctx) {
    const words = args._.map(String);
    const req: LiveRequest = {
      device: String(args.interface),
      filter: words.length > 0 ? words.join(" ") : "tcp",
      format: args.format as "text" | "ndjson",
      summary: Boolean(args.summary),
      write: args.write === undefined ? undefined : String(args.write),
      idleS: numberOption(args.idle, "idle", { min: 0.1 }) ?? DEFAULT_IDLE_S,
      backend: args.capture as "auto" | "ffi" | "tcpdump",
    };
    const cap = await startCapture(req);
    await ctx.rt.writeStderr(
      `watch: capturing on ${req.device} (${cap.backend}), filter '${req.filter}'; ` +
        `Ctrl-C stops\n`,
    );
    const done = await runLive(ctx, cap, req);
    if (done.written === 0 && req.format === "text" && !req.summary) {
      await ctx.rt.writeStdout("No TCP connections seen.\n");
    }
    await ctx.rt.writeStderr(
      `watch: ${done.summary.capture.frames} packets, ${done.summary.connections} ` +
        `connection(s)` + (done.dropped > 0 ? `, ${done.dropped} dropped by the kernel` : "") +
        "\n",
    );
    return 0;
  },
});
