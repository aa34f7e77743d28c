/**
 * `tcpecho connect`: the book's echo client done right (UNP §6.4 select, §6.6 half-close).
 * @module
 */
import { strCli } from "../lib/echo/client.ts";
import { netFailure } from "../lib/echo/errors.ts";
import { getNet, NetError } from "../lib/runtime/net/mod.ts";
import { numberOption } from "./cli.ts";
import { defineTcpechoCommand } from "./command.ts";
import { runCountMode, runLoadMode } from "./connect_modes.ts";

const NOTES = `Reads stdin and the socket at once: a server FIN or RST is reported when it
arrives. On stdin EOF it half-closes (FIN) and prints echoes until the server's FIN.

EXIT CODES  0 every byte echoed · 3 server FIN before we finished (§5.12) ·
4 ECONNRESET/EPIPE (§5.15, §5.13) · 5 ECONNREFUSED · 6 ETIMEDOUT · 7 EHOSTUNREACH/ENETUNREACH

EXAMPLES
  cat big.bin | tcpecho connect 127.0.0.1 9877 > echoed.bin
  tcpecho connect ::1 --count 10 --interval 0.2 --size 100
  tcpecho connect 127.0.0.1 --clients 100 --duration 5`;

/** The connect command. */
export const connect = defineTcpechoCommand({
  meta: {
    name: "connect",
    description: "echo client: stdin and socket together, half-close on EOF (UNP §6.4, §6.6)",
  },
  args: {
    host: { type: "positional", description: "server host", default: "localhost", required: false },
    port: { type: "positional", description: "server port", default: "9877", required: false },
    timeout: { type: "string", description: "connect timeout in seconds (default: the kernel's)" },
    count: {
      type: "string",
      alias: "c",
      description: "send N generated messages and time each round trip",
    },
    interval: {
      type: "string",
      alias: "i",
      description: "seconds between generated messages (default 1)",
    },
    size: { type: "string", alias: "s", description: "bytes per generated message (default 64)" },
    clients: {
      type: "string",
      description: "load mode: N connections, one message in flight on each",
    },
    duration: { type: "string", description: "load mode: run for S seconds (default 10)" },
  },
  notes: NOTES,
  async run(args, ctx) {
    const host = String(args.host ?? "localhost");
    const port = numberOption(String(args.port ?? "9877"), "port", {
      integer: true,
      min: 1,
      max: 65535,
    })!;
    const timeoutS = numberOption(args.timeout, "timeout", { min: 0.001 });
    const timeoutMs = timeoutS === undefined ? undefined : Math.round(timeoutS * 1000);
    const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    const net = await getNet();
    const target = { host, port, timeoutMs, where };
    if (args.clients !== undefined) return await runLoadMode(net, ctx, target, args);
    if (args.count !== undefined) return await runCountMode(net, ctx, target, args);
    let conn;
    try {
      conn = await net.connect({ host, port, timeoutMs });
    } catch (e) {
      throw e instanceof NetError ? netFailure(e, where, "connect") : e;
    }
    await strCli(conn, { stdin: net.stdin(), writeStdout: (d) => ctx.rt.writeStdout(d) }, where);
    return 0;
  },
});
