/**
 * `tcpecho connect --count` (timed round trips) and `--clients` (load mode).
 * @module
 */
import { strCli } from "../lib/echo/client.ts";
import { ExitCode } from "../lib/errors.ts";
import { netFailure } from "../lib/echo/errors.ts";
import {
  type ConnectEvent,
  connectEvent,
  endCause,
  errorEvent,
  msValue,
  rttJson,
} from "../lib/echo/events.ts";
import { type LoadReport, runLoad } from "../lib/echo/load.ts";
import { pingEcho, type PingReport } from "../lib/echo/pinger.ts";
import { formatSummary } from "../lib/echo/stats.ts";
import {
  type Conn,
  describeFdExhaustion,
  formatAddr,
  freeDescriptors,
  type NetApi,
  NetError,
  setSocketBuffers,
} from "../lib/runtime/net/mod.ts";
import { TcpechoError } from "../lib/errors.ts";

import { type CommandContext, numberOption } from "./cli.ts";

/** Descriptors kept free for the runtime itself (stdio, signals, timers, DNS) in load mode. */
const DESCRIPTOR_RESERVE = 32;

/** Writes one `connect --json` event as an NDJSON line. */
export type Emit = (ev: ConnectEvent) => Promise<void>;

/** The NDJSON writer of `connect --json`. */
export function jsonEmitter(ctx: CommandContext): Emit {
  return (ev) => ctx.rt.writeStdout(JSON.stringify(ev) + "\n");
}

/** Where connect goes. */
export interface Target {
  host: string;
  port: number;
  timeoutMs?: number;
  /** host:port for messages. */
  where: string;
  /** TCP_NODELAY (default on). */
  noDelay?: boolean;
  /** SO_RCVBUF / SO_SNDBUF to set once connected. */
  receiveBuffer?: number;
  sendBuffer?: number;
}

/** Options of the two modes, as parsed. */
export interface ModeArgs {
  count?: string;
  interval?: string;
  size?: string;
  clients?: string;
  duration?: string;
  writes?: string;
}

/**
 * Connects; with `emit`, writes the `connected` event (addresses, connect time).
 * Rejects with the CLI error (refused exit 5, timed out 6, unreachable 7).
 */
export async function open(net: NetApi, t: Target, emit?: Emit): Promise<Conn> {
  const start = performance.now();
  let conn: Conn;
  try {
    conn = await net.connect({
      host: t.host,
      port: t.port,
      timeoutMs: t.timeoutMs,
      noDelay: t.noDelay,
    });
  } catch (e) {
    throw e instanceof NetError ? netFailure(e, t.where, "connect") : e;
  }
  await applyBuffers(conn, t);
  await emit?.(connectEvent("connected", {
    local: formatAddr(conn.local),
    remote: formatAddr(conn.remote),
    ms: msValue(performance.now() - start),
  }));
  return conn;
}

/** Sets --rcvbuf / --sndbuf on a fresh connection; a refusal is an error (exit 1). */
export async function applyBuffers(conn: Conn, t: Target): Promise<void> {
  const { receiveBuffer: receive, sendBuffer: send } = t;
  if (receive === undefined && send === undefined) return;
  const r = await setSocketBuffers(conn, { receive, send });
  if ("reason" in r) {
    conn.close();
    throw new TcpechoError(`Cannot set --rcvbuf/--sndbuf: ${r.reason}`, { code: "ESOCKOPT" });
  }
}

/**
 * With `emit`, runs `body` and on failure writes the `peer-rst` (for a reset),
 * `error` and `summary` events before rethrowing (main prints the error line
 * on stderr and exits with its code). `summary` gives the mode's own fields
 * (and `end`, when a run that worked ended otherwise than "done").
 */
export async function withJsonEnd(
  emit: Emit | undefined,
  summary: () => Record<string, unknown>,
  body: () => Promise<number>,
): Promise<number> {
  if (!emit) return await body();
  let code: number;
  try {
    code = await body();
  } catch (e) {
    const error = errorEvent(e);
    if (endCause(e) === "peer-rst") await emit(connectEvent("peer-rst", { errno: error.errno }));
    await emit(error);
    await emit(
      connectEvent("summary", { ...summary(), end: endCause(e), exitCode: error.exitCode }),
    );
    throw e;
  }
  await emit(connectEvent("summary", { end: "done", ...summary(), exitCode: code }));
  return code;
}

function summaryText(t: Target, r: PingReport): string {
  const loss = r.sent ? (100 * (r.sent - r.echoed)) / r.sent : 0;
  return `--- ${t.where} echo statistics ---\n` +
    `${r.sent} sent, ${r.echoed} echoed, ${r.mismatched} mismatched, ${loss.toFixed(0)}% lost\n` +
    (r.echoed ? formatSummary(r.rtt) + "\n" : "");
}

/**
 * --count mode: N messages of --size bytes, --interval seconds apart, each
 * round trip printed, then a summary. Exit 0 only if every echo matched.
 */
export async function runCountMode(
  net: NetApi,
  ctx: CommandContext,
  t: Target,
  args: ModeArgs,
  emit?: Emit,
): Promise<number> {
  const count = numberOption(args.count, "count", { integer: true, min: 1, max: 1e9 })!;
  const interval = numberOption(args.interval, "interval", { min: 0, max: 86400 }) ?? 1;
  const size = numberOption(args.size, "size", { integer: true, min: 1, max: 16 << 20 }) ?? 64;
  const writes = numberOption(args.writes, "writes", { integer: true, min: 1, max: size }) ?? 1;
  let last: PingReport | undefined;
  let stop = false;
  const summary = () => countSummary(size, last, stop);
  return await withJsonEnd(emit, summary, async () => {
    const conn = await open(net, t, emit);
    const out = (s: string) => emit ? Promise.resolve() : ctx.rt.writeStdout(s);
    // Ctrl-C (or SIGTERM) ends the run after the current round trip, with the summary, like ping.
    const offs = (["SIGINT", "SIGTERM"] as const).map((s) =>
      ctx.rt.onSignal(s, () => (stop = true))
    );
    await out(`ECHO ${t.where}: ${count} messages of ${size} bytes\n`);
    const hooks = emit
      ? {
        onFinSent: () => emit(connectEvent("fin-sent")),
        onPeerFin: () => emit(connectEvent("peer-fin")),
      }
      : {};
    const report = await pingEcho(
      conn,
      { count, intervalMs: interval * 1000, size, writes, stopped: () => stop, ...hooks },
      t.where,
      (seq, ms, ok) =>
        emit ? emit(connectEvent("echo", { seq, bytes: size, ms: msValue(ms), ok })) : out(
          `${size} bytes from ${t.where}: seq=${seq} time=${ms.toFixed(3)} ms` +
            (ok ? "\n" : " (MISMATCH: echo differs from what was sent)\n"),
        ),
      (partial) => (last = partial, out(summaryText(t, partial))),
    );
    last = report;
    offs.forEach((off) => off());
    await out(summaryText(t, report));
    return report.mismatched ? ExitCode.error : ExitCode.ok;
  });
}

function countSummary(size: number, r: PingReport | undefined, stopped: boolean) {
  const sent = r?.sent ?? 0;
  const echoed = r?.echoed ?? 0;
  return {
    mode: "count",
    sent,
    echoed,
    mismatched: r?.mismatched ?? 0,
    bytesSent: sent * size,
    bytesReceived: echoed * size,
    rtt: r ? rttJson(r.rtt) : null,
    ...(stopped ? { end: "interrupted" } : {}),
  };
}

/**
 * Load mode: --clients connections, one message in flight on each, for
 * --duration seconds. Exit 0 if every client ran without error, else 1.
 */
export async function runLoadMode(
  net: NetApi,
  ctx: CommandContext,
  t: Target,
  args: ModeArgs,
  emit?: Emit,
): Promise<number> {
  const clients = numberOption(args.clients, "clients", { integer: true, min: 1, max: 100000 })!;
  const duration = numberOption(args.duration, "duration", { min: 0.1, max: 3600 }) ?? 10;
  const size = numberOption(args.size, "size", { integer: true, min: 1, max: 1 << 20 }) ?? 64;
  let r: LoadReport | undefined;
  const summary = () => ({
    mode: "clients",
    clients,
    connected: r?.connected ?? 0,
    roundTrips: r?.roundTrips ?? 0,
    seconds: r ? msValue(r.seconds) : 0,
    perSecond: r ? Math.round(r.perSecond) : 0,
    bytesSent: (r?.roundTrips ?? 0) * size,
    bytesReceived: (r?.roundTrips ?? 0) * size,
    rtt: r ? rttJson(r.rtt) : null,
    errors: r?.errors ?? {},
  });
  return await withJsonEnd(emit, summary, async () => {
    r = await runLoad({
      clients,
      freeDescriptors: freeDescriptors(DESCRIPTOR_RESERVE),
      durationMs: duration * 1000,
      size,
      connect: () =>
        net.connect({ host: t.host, port: t.port, timeoutMs: t.timeoutMs, noDelay: t.noDelay }),
    });
    const errs = Object.entries(r.errors).map(([k, v]) =>
      k === "EMFILE" ? `EMFILE ${v} (${describeFdExhaustion("EMFILE").slice(8)})` : `${k} ${v}`
    ).join(", ");
    if (!emit) {
      await ctx.rt.writeStdout(
        `LOAD ${t.where}: ${r.connected}/${clients} clients connected, ${size}-byte messages\n` +
          `${r.roundTrips} round trips in ${r.seconds.toFixed(2)} s: ` +
          `${Math.round(r.perSecond)} round trips/s\n` +
          (r.roundTrips ? formatSummary(r.rtt) + "\n" : "") +
          (errs ? `errors: ${errs}\n` : ""),
      );
    }
    if (r.connected === 0) {
      const [code] = Object.keys(r.errors);
      throw netFailure(
        new NetError((code ?? "EOTHER") as never, "connect", "no client connected"),
        t.where,
        "connect",
      );
    }
    return errs ? ExitCode.error : ExitCode.ok;
  });
}

/**
 * Plain stdin mode with --json: stdin to the server as usual, the echoes
 * counted but not printed (stdout carries the events), then the summary.
 */
export async function runStreamJson(
  net: NetApi,
  t: Target,
  emit: Emit,
): Promise<number> {
  const counts = { sent: 0, received: 0 };
  const summary = () => ({
    mode: "stream",
    bytesSent: counts.sent,
    bytesReceived: counts.received,
  });
  return await withJsonEnd(emit, summary, async () => {
    const conn = await open(net, t, emit);
    await strCli(conn, {
      stdin: net.stdin(),
      writeStdout: () => Promise.resolve(),
      onFinSent: (sent) => emit(connectEvent("fin-sent", { bytesSent: sent })),
      onPeerFin: (received) => emit(connectEvent("peer-fin", { bytesReceived: received })),
      counts,
    }, t.where);
    return ExitCode.ok;
  });
}
