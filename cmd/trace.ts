/**
 * `connect --trace` and `probe --trace`: a live capture set up before the
 * command's first SYN (filter: TCP to the server's port), and, once the
 * command has printed its usual result, explain's verdict and ladder for the
 * command's own connections: those whose local port the command reported
 * (connect, probe), else (no connection made) every connection to the
 * server's port. The
 * commands call {@link traced}; everything else lives here.
 * @module
 */
import { isIP } from "node:net";
import { TcpechoError } from "../lib/errors.ts";
import type { Explained } from "../lib/explain/pipeline.ts";
import type { NetApi } from "../lib/runtime/net/types.ts";
import type { CommandContext } from "./cli.ts";
import type { TcpechoCommand } from "./command.ts";
import { DEFAULT_IDLE_S, type LiveRequest, runLive, startCapture } from "./live.ts";

/** The options a traced command adds (spread into its `args`). */
export const TRACE_ARGS = {
  trace: {
    type: "boolean",
    description: "capture this command's connection and explain it after the result (root)",
  },
  "trace-file": {
    type: "string",
    valueHint: "FILE",
    description: "as --trace, and keep the capture in FILE (pcap)",
  },
} as const;

/** What {@link traced} needs to know. */
export interface TraceTarget {
  /** The server's port (the capture filter). */
  port: number;
  /** The server's address when given as one (narrows the filter). */
  host?: string;
  /** --trace given. */
  trace?: boolean;
  /** --trace-file given. */
  file?: string;
}

/** Milliseconds to keep capturing after the command returns (the last ACKs). */
const GRACE_MS = 300;

/** Local ports of the connections made through {@link traceNet} while tracing. */
let recording: Set<number> | undefined;

/**
 * Notes a local port the command connected from (probe's libc probes report
 * theirs); nothing when no trace runs.
 */
export function traceLocalPort(port: number | undefined): void {
  if (port !== undefined && port > 0) recording?.add(port);
}

/**
 * The command's socket layer, noting the local port of each connection it
 * opens while a trace runs (unchanged otherwise). The one line a command adds.
 */
export function traceNet(net: NetApi): NetApi {
  return {
    get mechanism() {
      return net.mechanism;
    },
    async connect(opts) {
      const c = await net.connect(opts);
      recording?.add(c.local.port);
      return c;
    },
    listen: (opts) => net.listen(opts),
    bindUdp: (opts) => net.bindUdp(opts),
    connectUdp: (opts) => net.connectUdp(opts),
    stdin: () => net.stdin(),
  };
}

/**
 * Gives a command `--trace` and `--trace-file FILE` (changes it in place):
 * `port` tells the server port from the parsed options. The command's own run
 * and exit code are kept.
 */
// deno-lint-ignore no-explicit-any
export function addTrace<T extends TcpechoCommand<any>>(
  cmd: T,
  port: (args: Record<string, unknown>) => number,
): void {
  const c = cmd as unknown as TcpechoCommand;
  const run = c.run;
  c.args = { ...c.args, ...TRACE_ARGS };
  c.run = (args, ctx, raw) => {
    const a = args as Record<string, unknown>;
    const host = typeof a.host === "string" ? a.host.replace(/^\[(.*)\]$/, "$1") : "";
    const target: TraceTarget = {
      port: port(a),
      host: isIP(host) ? host : undefined,
      trace: Boolean(a.trace),
      file: a["trace-file"] === undefined ? undefined : String(a["trace-file"]),
    };
    return traced(ctx, target, () => run(args, ctx, raw));
  };
}

/**
 * The capture filter, set before the first SYN: TCP to the server's port (and
 * address, when given as one), plus the ICMP and ICMPv6 errors that quote a
 * segment to that port (host or network unreachable, ...: the evidence of
 * §5.14's EHOSTUNREACH). The client's own port is not known before the
 * SYN (neither runtime binds one first), so the exact 4-tuple is matched
 * when each connection ends (the ports the command noted).
 *
 * @example
 * ```ts
 * traceFilter({ port: 9877, host: "198.18.0.2" });
 * // "(tcp port 9877 and host 198.18.0.2) or (icmp and icmp[0] != 0 and icmp[0] != 8 and
 * //  icmp[30:2] == 9877) or (icmp6 and ip6[40] < 128 and ip6[90:2] == 9877)" (one line)
 * ```
 */
export function traceFilter(t: { port: number; host?: string }): string {
  const tcp = t.host === undefined ? `tcp port ${t.port}` : `tcp port ${t.port} and host ${t.host}`;
  // An ICMP error quotes the IP header (20 bytes without options) and the
  // TCP header: the destination port is at 8 + 20 + 2; ICMPv6: 8 + 40 + 2
  // after the 40-byte IPv6 header. Echo request/reply (0, 8) and ICMPv6
  // informational types (128 and up: neighbour discovery) are left out.
  return `(${tcp}) or (icmp and icmp[0] != 0 and icmp[0] != 8 and icmp[30:2] == ${t.port}) or ` +
    `(icmp6 and ip6[40] < 128 and ip6[90:2] == ${t.port})`;
}

/** Runs `body` (the command), tracing it when asked. */
export async function traced(
  ctx: CommandContext,
  target: TraceTarget,
  body: () => Promise<number>,
): Promise<number> {
  if (!target.trace && target.file === undefined) return await body();
  const ports = new Set<number>();
  const isOurs = (e: Explained) => {
    const c = e.conn;
    const server = c.aPort === target.port ? "a" : c.bPort === target.port ? "b" : undefined;
    if (server === undefined) return false;
    if (ports.size === 0) return true;
    return ports.has(server === "a" ? c.bPort : c.aPort);
  };
  const hold: string[] = [];
  const req: LiveRequest = {
    device: "any",
    filter: traceFilter(target),
    format: "text",
    summary: false,
    write: target.file,
    idleS: DEFAULT_IDLE_S,
    backend: "auto",
    select: isOurs,
    hold,
  };
  const cap = await startCapture(req);
  const live = runLive(ctx, cap, req);
  let code: number;
  recording = ports;
  try {
    code = await body();
  } catch (e) {
    if (!(e instanceof TcpechoError)) {
      cap.stop();
      await live.catch(() => {});
      throw e;
    }
    // The usual result (the error line) first, then the trace.
    // (As main.ts formats it; importing main.ts from here would be a cycle.)
    await ctx.rt.writeStderr(`tcpecho: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
    code = e.exitCode;
  } finally {
    recording = undefined;
    await new Promise((r) => setTimeout(r, GRACE_MS));
    cap.stop();
  }
  const done = await live;
  const head = `\n── trace (${cap.backend}, filter '${req.filter}'` +
    (target.file ? `, kept in ${target.file}` : "") + `) ──\n`;
  await ctx.rt.writeStdout(
    head + (done.written === 0 ? "No connection of this command was captured.\n" : hold.join("")),
  );
  return code;
}
