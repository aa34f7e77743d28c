/**
 * `tcpecho serve`: the book's echo server (UNP §5.2), concurrent and bounded.
 * @module
 */
import { ExitCode, TcpechoError, usageError } from "../lib/errors.ts";
import { formatEvent } from "../lib/echo/log.ts";
import { EchoServer, type ServerEvent, type ServerOptions } from "../lib/echo/server.ts";
import { startUdpEcho } from "../lib/echo/udp.ts";
import { buffersUnavailable, getNet, type NetApi, NetError } from "../lib/runtime/net/mod.ts";
import { allValues, MAX_MS, MAX_SECONDS, numberOption } from "./cli.ts";
import { defineTcpechoCommand } from "./command.ts";
import { formatHostPort } from "../lib/hostport.ts";

const NOTES = `Logs one line per connection event on stderr (--log json: NDJSON).
SIGINT/SIGTERM: stop accepting, FIN to every client, exit 0 within about 2.5 s.
One event loop serves every client: no process per client, so no zombies (UNP §5.8-5.10).

EXAMPLES
  tcpecho serve                          # [::]:9877, IPv4 too
  tcpecho serve --host 127.0.0.1 --host ::1 --port 0
  tcpecho serve --close-after 3          # FIN after 3 echoed lines: client sees §5.12
  tcpecho serve --reset-after 1          # RST after 1 line: client sees ECONNRESET
  tcpecho serve --udp --host 127.0.0.1   # RFC 862 UDP echo as well
  tcpecho serve --read-rate 50000 --rcvbuf 4096   # a slow reader: zero window
  tcpecho serve --lines --delay 2000     # a server that thinks 2 s per request`;

/** The serve command. */
export const serve = defineTcpechoCommand({
  meta: {
    name: "serve",
    description: "TCP (and UDP) echo server, port 9877 by default (UNP §5.2)",
  },
  args: {
    port: {
      type: "string",
      alias: "p",
      description: "port to listen on (0: any)",
      default: "9877",
    },
    host: {
      type: "string",
      description: "address to bind (repeatable); default: dual-stack wildcard ::",
    },
    "max-conns": {
      type: "string",
      description: "refuse connections beyond this many (default 10000)",
    },
    "idle-timeout": {
      type: "string",
      description: "close a connection with no progress for S seconds (default 300; 0: never)",
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
    delay: {
      type: "string",
      description:
        "fault: delay each echo by MS milliseconds (with --lines: each answer; think time)",
    },
    "read-rate": {
      type: "string",
      valueHint: "BYTES/S",
      description: "slow reader: read at most BYTES/S bytes per second (the window closes)",
    },
    discard: {
      type: "boolean",
      description: "discard server (RFC 863): read everything, send nothing back",
    },
    lines: {
      type: "boolean",
      description: "request/response: answer whole lines only, hold a partial line",
    },
    rcvbuf: {
      type: "string",
      valueHint: "BYTES",
      description: "SO_RCVBUF for each connection (§7.5; the kernel doubles it)",
    },
    sndbuf: {
      type: "string",
      valueHint: "BYTES",
      description: "SO_SNDBUF for each connection (§7.5; the kernel doubles it)",
    },
    nodelay: {
      type: "enum",
      options: ["on", "off"],
      description: "TCP_NODELAY on each connection (off: Nagle's algorithm, §7.9)",
      default: "on",
    },
    "drop-after": {
      type: "string",
      description: "fault: after N lines stop reading and answering, keep the socket",
    },
    udp: {
      type: "boolean",
      description: "also serve RFC 862 UDP echo (loopback unless --host is given)",
    },
    "udp-rate": {
      type: "string",
      description: "UDP: datagrams per second allowed per source address (default 100)",
    },
    "udp-budget": {
      type: "string",
      description: "UDP: bytes per second echoed across all sources together (default 1048576)",
    },
    log: {
      type: "enum",
      options: ["text", "json", "none"],
      description: "log format on stderr",
      default: "text",
    },
  },
  notes: NOTES,
  async run(args, ctx, rawArgs) {
    const hosts = allValues(rawArgs, "host");
    const opts = serverOptions(args, hosts);
    if (opts.receiveBuffer !== undefined || opts.sendBuffer !== undefined) {
      const why = await buffersUnavailable();
      if (why) {
        throw new TcpechoError(`Cannot set --rcvbuf/--sndbuf: ${why}`, { code: "ESOCKOPT" });
      }
    }
    const udpRate = numberOption(args["udp-rate"], "udp-rate", { min: 1, max: 1e9 }) ?? 100;
    const udpBudget = numberOption(args["udp-budget"], "udp-budget", {
      integer: true,
      min: 1,
      max: 2 ** 40,
    }) ?? 1 << 20;
    const rt = ctx.rt;
    const format = args.log as "text" | "json" | "none";
    let chain = Promise.resolve();
    const log = (e: ServerEvent) => {
      if (format === "none") return;
      const line = formatEvent(e, format, new Date());
      chain = chain.then(() => rt.writeStderr(line)).catch(() => {});
    };
    // Handlers first: a signal that arrives right after "listening" must still be graceful.
    const stopSignal = new Promise<void>((resolve) => {
      for (const sig of ["SIGINT", "SIGTERM"] as const) rt.onSignal(sig, () => resolve());
    });
    const net = await getNet();
    const server = new EchoServer(net, opts, log);
    const addrs = await listenOrExplain(server, opts, hosts.length === 0);
    for (const a of addrs) {
      const dual = a.host === "::" ? " (dual-stack: IPv4 too)" : "";
      await rt.writeStdout(`tcpecho serve: listening on tcp ${fmt(a.host, a.port)}${dual}\n`);
    }
    const udp = args.udp
      ? await startUdp(net, hosts, addrs[0].port, udpRate, udpBudget, log)
      : undefined;
    for (const u of udp?.addrs ?? []) {
      await rt.writeStdout(`tcpecho serve: listening on udp ${fmt(u.host, u.port)}\n`);
    }
    await stopSignal;
    udp?.close();
    const dropped = udp?.dropped();
    if (dropped && dropped.rate + dropped.budget + dropped.port0 + dropped.sendFailed > 0) {
      log({ event: "udp-dropped", ...dropped });
    }
    await server.shutdown(2000);
    await chain;
    return ExitCode.ok;
  },
});

/** The TCP server options from parsed arguments (bad values are usage errors, exit 2). */
function serverOptions(args: Record<string, unknown>, hosts: string[]): ServerOptions {
  const str = (k: string) => args[k] as string | undefined;
  const int = { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER };
  for (const h of hosts) {
    if (h.trim() === "") {
      throw usageError("Invalid value for --host: the host is empty", "e.g. --host 127.0.0.1");
    }
  }
  return {
    hosts: hosts.length ? hosts : ["::"],
    port: numberOption(str("port"), "port", { ...int, max: 65535 }) ?? 9877,
    maxConns: numberOption(str("max-conns"), "max-conns", { integer: true, min: 1, max: 1e7 }) ??
      10000,
    idleTimeoutMs: secondsToMs(
      numberOption(str("idle-timeout"), "idle-timeout", { min: 0, max: MAX_SECONDS }) ??
        DEFAULT_IDLE_S,
    ),
    bufferSize: numberOption(str("max-buffer"), "max-buffer", {
      integer: true,
      min: 1024,
      max: 1 << 30,
    }) ?? 65536,
    closeAfter: numberOption(str("close-after"), "close-after", int),
    resetAfter: numberOption(str("reset-after"), "reset-after", int),
    dropAfter: numberOption(str("drop-after"), "drop-after", int),
    delayMs: numberOption(str("delay"), "delay", { min: 0, max: MAX_MS }),
    readRate: numberOption(str("read-rate"), "read-rate", { min: 1, max: 1e12 }),
    lines: args.lines === true,
    discard: args.discard === true,
    noDelay: args.nodelay !== "off",
    receiveBuffer: numberOption(str("rcvbuf"), "rcvbuf", SOCKET_BUFFER),
    sendBuffer: numberOption(str("sndbuf"), "sndbuf", SOCKET_BUFFER),
  };
}

/** --rcvbuf / --sndbuf (connect's too): Linux keeps at least about 2 KiB and caps at rmem_max. */
export const SOCKET_BUFFER = { integer: true, min: 1024, max: 1 << 30 };

function fmt(host: string, port: number): string {
  return formatHostPort(host, port);
}

/** The default --idle-timeout: a connection with no progress for 5 minutes is closed. */
const DEFAULT_IDLE_S = 300;

/** Seconds to ms; 0 (no limit) becomes undefined. */
function secondsToMs(s: number): number | undefined {
  return s === 0 ? undefined : Math.max(1, Math.round(s * 1000));
}

async function listenOrExplain(server: EchoServer, opts: ServerOptions, defaulted: boolean) {
  try {
    return await server.listen();
  } catch (e) {
    const ne = e as NetError;
    if (defaulted && ne instanceof NetError && ne.code !== "EADDRINUSE") {
      // No IPv6 on this host: fall back to the IPv4 wildcard.
      opts.hosts = ["0.0.0.0"];
      return await listenOrExplain(server, opts, false);
    }
    const where = opts.hosts.join(", ") + ` port ${opts.port}`;
    const why = ne?.code === "EADDRINUSE"
      ? "EADDRINUSE, another socket is already bound to that address and port"
      : ne?.code === "EACCES"
      ? "EACCES, ports below 1024 need root or CAP_NET_BIND_SERVICE"
      : `${ne?.code ?? "error"}: ${ne?.message ?? e}`;
    throw new TcpechoError(`Cannot listen on ${where}: ${why}`, {
      code: ne?.code ?? "ELISTEN",
      hint: ne?.code === "EADDRINUSE" ? "pick another --port, or stop the other server" : undefined,
      cause: e,
    });
  }
}

function startUdp(
  net: NetApi,
  hosts: string[],
  port: number,
  rate: number,
  budget: number,
  log: (e: ServerEvent) => void,
) {
  // UDP echo reflects traffic at whoever a spoofed source names: loopback unless asked.
  const udpHosts = hosts.length ? hosts : ["127.0.0.1", "::1"];
  return startUdpEcho(net, {
    hosts: udpHosts,
    port,
    ratePerSource: rate,
    bytesPerSecond: budget,
  }, log);
}
