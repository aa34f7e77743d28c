/**
 * `tcpecho connect`: the book's echo client done right (UNP §6.4 select, §6.6 half-close).
 * @module
 */
import { strCli } from "../lib/echo/client.ts";
import { naiveStrCli } from "../lib/echo/naive.ts";
import { ExitCode, TcpechoError, usageError } from "../lib/errors.ts";
import { netFailure } from "../lib/echo/errors.ts";
import { buffersUnavailable, getNet, NetError } from "../lib/runtime/net/mod.ts";
import { givenPositionals, hostPort, MAX_SECONDS, numberOption } from "./cli.ts";
import { defineTcpechoCommand } from "./command.ts";
import {
  applyBuffers,
  jsonEmitter,
  runCountMode,
  runLoadMode,
  runStreamJson,
  type Target,
} from "./connect_modes.ts";
import { runBulkMode } from "./connect_bulk.ts";
import { SOCKET_BUFFER } from "./serve.ts";
import { runUdpMode } from "./connect_udp.ts";
import { formatHostPort } from "../lib/hostport.ts";
import { addTrace, traceNet } from "./trace.ts";

const NOTES = `Reads stdin and the socket at once: a server FIN or RST is reported when it
arrives. On stdin EOF it half-closes (FIN) and prints echoes until the server's FIN.

--naive is the book's own str_cli (UNP §5.5 tcpcli01), for reproducing the book, not
for use: it reads a line from stdin, writes it, then blocks reading the echo, and
never watches the socket while it waits on stdin. So after the server's FIN the
next line is written anyway (the server's kernel answers RST) and the read then
reports "server terminated prematurely" (exit 3, §5.12; or ECONNRESET, exit 4, if
the runtime saw the RST first). --split MS (with --naive) writes each line as its
first byte then, MS later, the rest (str_cli11): the second write meets the RST,
EPIPE, exit 4 (§5.13; the book's client dies of SIGPIPE).

--json writes NDJSON events (connected, echo, fin-sent, peer-fin, peer-rst,
error) and a final summary with exitCode; echoed bytes are counted, not printed.
--udp is RFC 862 echo over UDP, stop-and-wait: each stdin line (or --count
message) is one datagram, its echo awaited up to --timeout (default: 1 s); exit 1
if some were lost, 6 if none came back, 5 on ICMP port unreachable (no UDP echo
service; on Deno this needs --allow-ffi).

EXIT CODES  0 every byte echoed · 3 server FIN before we finished (§5.12) ·
4 ECONNRESET/EPIPE (§5.15, §5.13) · 5 ECONNREFUSED · 6 ETIMEDOUT · 7 EHOSTUNREACH/ENETUNREACH

EXAMPLES
  cat big.bin | tcpecho connect 127.0.0.1 9877 > echoed.bin
  tcpecho connect ::1 --count 10 --interval 0.2 --size 100
  tcpecho connect 127.0.0.1 --clients 100 --duration 5
  tcpecho connect 127.0.0.1 9877 --count 5 --json | jq -c 'select(.event=="summary")'
  tcpecho connect 127.0.0.1 9877 --udp --count 10 --interval 0.1
  tcpecho connect 127.0.0.1 9877 --naive      # the book's tcpcli01, to watch §5.12 happen
  tcpecho connect 127.0.0.1 --bulk 8000000   # timed bulk transfer
  tcpecho connect 127.0.0.1 -c 10 -s 100 --writes 2 --nodelay off  # §7.9`;

/** The connect command. */
export const connect = defineTcpechoCommand({
  meta: {
    name: "connect",
    description: "echo client: stdin and socket together, half-close on EOF (UNP §6.4, §6.6)",
  },
  args: {
    host: { type: "positional", description: "server host", default: "localhost", required: false },
    port: {
      type: "positional",
      description: "server port (or give HOST as [IPv6]:PORT or HOST:PORT)",
      default: "9877",
      required: false,
    },
    timeout: {
      type: "string",
      description:
        "connect timeout in seconds (default: the kernel's); --udp: echo wait (default 1)",
    },
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
    naive: {
      type: "boolean",
      description: "the book's naive client (tcpcli01), to reproduce §5.12/§5.13; not for use",
    },
    udp: {
      type: "boolean",
      description: "RFC 862 UDP echo: each stdin line (or --count message) is a datagram",
    },
    json: {
      type: "boolean",
      description:
        "one JSON object per line per event, then a summary (echoes counted, not printed)",
    },
    bulk: {
      type: "string",
      valueHint: "BYTES",
      description: "bulk transfer: send BYTES as fast as possible, read the echoes, time it",
    },
    discard: {
      type: "boolean",
      description: "with --bulk: the server discards (serve --discard), expect nothing back",
    },
    writes: {
      type: "string",
      description: "with --count: write each message in N writes, then read (write-write-read)",
    },
    nodelay: {
      type: "enum",
      options: ["on", "off"],
      description: "TCP_NODELAY (off: Nagle's algorithm holds small writes, §7.9)",
      default: "on",
    },
    rcvbuf: {
      type: "string",
      valueHint: "BYTES",
      description: "SO_RCVBUF once connected (§7.5; the kernel doubles it)",
    },
    sndbuf: {
      type: "string",
      valueHint: "BYTES",
      description: "SO_SNDBUF once connected (§7.5; the kernel doubles it)",
    },
    split: {
      type: "string",
      valueHint: "MS",
      description: "with --naive: write each line as 1 byte, then the rest MS later (§5.13)",
    },
  },
  notes: NOTES,
  async run(args, ctx) {
    const { host, port } = hostPort(
      args.host === undefined ? "localhost" : String(args.host),
      givenPositionals() < 2 ? undefined : String(args.port),
      "9877",
    );
    const timeoutS = numberOption(args.timeout, "timeout", { min: 0.001, max: MAX_SECONDS });
    const timeoutMs = timeoutS === undefined ? undefined : Math.round(timeoutS * 1000);
    const where = formatHostPort(host, port);
    const target: Target = { host, port, timeoutMs, where, ...await tcpOptions(args) };
    const net = traceNet(await getNet());
    const emit = args.json ? jsonEmitter(ctx) : undefined;
    if (args.udp) return await runUdpMode(net, ctx, target, args, emit);
    if (args.clients !== undefined) return await runLoadMode(net, ctx, target, args, emit);
    if (args.count !== undefined) return await runCountMode(net, ctx, target, args, emit);
    if (args.bulk !== undefined) {
      return await runBulkMode(net, ctx, target, args.bulk, args.discard === true, emit);
    }
    const splitMs = numberOption(args.split, "split", { min: 0, max: 60_000 });
    if (splitMs !== undefined && !args.naive) {
      throw usageError(
        `Cannot use --split ${args.split}: it only applies to --naive`,
        "tcpecho connect HOST PORT --naive --split 1000",
      );
    }
    if (emit && args.naive) {
      throw usageError("Cannot use --json with --naive", "tcpecho connect HOST PORT --json");
    }
    if (emit) return await runStreamJson(net, target, emit);
    let conn;
    try {
      conn = await net.connect({ host, port, timeoutMs, noDelay: target.noDelay });
    } catch (e) {
      throw e instanceof NetError ? netFailure(e, where, "connect") : e;
    }
    await applyBuffers(conn, target);
    const io = { stdin: net.stdin(), writeStdout: (d: Uint8Array) => ctx.rt.writeStdout(d) };
    if (args.naive) await naiveStrCli(conn, io, where, { splitMs });
    else await strCli(conn, io, where);
    return ExitCode.ok;
  },
});

/**
 * The TCP options every mode shares (--nodelay, --rcvbuf, --sndbuf), and the
 * combinations --bulk and --writes do not take (usage errors, exit 2).
 */
async function tcpOptions(
  args: Record<string, unknown>,
): Promise<Pick<Target, "noDelay" | "receiveBuffer" | "sendBuffer">> {
  const str = (k: string) => args[k] as string | undefined;
  const receiveBuffer = numberOption(str("rcvbuf"), "rcvbuf", SOCKET_BUFFER);
  const sendBuffer = numberOption(str("sndbuf"), "sndbuf", SOCKET_BUFFER);
  if (args.bulk !== undefined) {
    const other = ["count", "clients", "udp", "naive"].find((k) =>
      args[k] !== undefined && args[k] !== false
    );
    if (other) {
      throw usageError(
        `Cannot use --bulk with --${other}`,
        "tcpecho connect HOST PORT --bulk 1000000",
      );
    }
  }
  if (args.discard && args.bulk === undefined) {
    throw usageError(
      "Cannot use --discard without --bulk",
      "tcpecho connect HOST PORT --bulk 1000000 --discard",
    );
  }
  if (args.writes !== undefined && args.count === undefined) {
    throw usageError(
      "Cannot use --writes without --count",
      "tcpecho connect HOST PORT --count 10 --size 100 --writes 2 --nodelay off",
    );
  }
  if (
    args.udp && (receiveBuffer !== undefined || sendBuffer !== undefined || args.nodelay === "off")
  ) {
    throw usageError("Cannot use --nodelay, --rcvbuf or --sndbuf with --udp (TCP options)");
  }
  if (receiveBuffer !== undefined || sendBuffer !== undefined) {
    const why = await buffersUnavailable();
    if (why) throw new TcpechoError(`Cannot set --rcvbuf/--sndbuf: ${why}`, { code: "ESOCKOPT" });
  }
  return { noDelay: args.nodelay !== "off", receiveBuffer, sendBuffer };
}

/** --trace and --trace-file FILE (cmd/trace.ts). */
addTrace(connect, (a) => Number(a.port ?? 9877));
