/**
 * `tcpecho probe --keepalive`: watch one idle connection until it dies (or
 * --duration passes) and say how it died: FIN (§5.12), RST (§5.15), keepalive
 * ETIMEDOUT (§5.14, §7.5), ICMP unreachable, or a missed --heartbeat.
 * Runtime-free: the connection and the socket options are injected.
 * @module
 */
import { ExitCode } from "../errors.ts";
import type { KeepaliveSettings, Sockopt, SockoptUnavailable } from "../runtime/sockopt/types.ts";
import { sleep } from "./connect.ts";
import { applyKeepalive, describeKeepalive, type KeepaliveApplied } from "./keepalive_apply.ts";
import { causeMeaning, type WatchCause } from "./keepalive_end.ts";
import { ProbeWatcher } from "./keepalive_info.ts";
import { type ConnEnd, ReadPump, type WatchedConn } from "./pump.ts";
import { type Heartbeats, runHeartbeats } from "./heartbeat.ts";

/** Options for {@link watchConnection}. */
export interface WatchOptions {
  /** Keepalive settings to apply; undefined = no SO_KEEPALIVE (heartbeat only). */
  keepalive?: KeepaliveSettings;
  /** Verify one echo round trip before going idle. */
  echo: boolean;
  /** Stop after this many ms with the peer alive (undefined: watch until it ends). */
  durationMs?: number;
  /** Send an application heartbeat (echo round trip) this often. */
  heartbeatMs?: number;
  /** Deadline for the --echo check and each heartbeat's echo. */
  deadlineMs: number;
  /** Aborting ends the watch as "interrupted". */
  signal?: AbortSignal;
}

/** What the watch found. */
export interface WatchReport {
  /** How keepalive was set (absent with no --keepalive). */
  keepalive?: KeepaliveApplied;
  /** Echo check round trip in ms (with --echo). */
  echoMs?: number;
  /** Why the watch ended. */
  cause: WatchCause;
  /** The runtime's message for an error end. */
  message?: string;
  /** Milliseconds from the start of the idle period (the last bytes received) to the end. */
  idleMs: number;
  /** Milliseconds from the start of the watch to the end. */
  watchedMs: number;
  /** Keepalive probes the peer answered (from TCP_INFO), or null when the OS does not tell. */
  probesAnswered: number | null;
  /** Keepalive probes unanswered at the end (TCP_INFO tcpi_probes), or null. */
  probesUnanswered: number | null;
  /** Heartbeats (with --heartbeat). */
  heartbeats?: Heartbeats;
  /** Bytes the peer sent that were not an expected echo. */
  unexpectedBytes: number;
  /** docs/design.md exit code for the cause. */
  exitCode: number;
}

const encoder = new TextEncoder();

/**
 * Watches `conn` (already connected) and resolves when the watch ends.
 * Writes progress lines through `log`. Closes the connection at the end.
 *
 * @example
 * ```ts
 * import { loadSockopt } from "../runtime/sockopt/mod.ts";
 * import type { WatchedConn } from "./pump.ts";
 * declare const conn: WatchedConn; // a connected Conn
 * const report = await watchConnection(conn,
 *   { keepalive: { idle: 10, interval: 2, count: 3 }, echo: false, deadlineMs: 2000 },
 *   await loadSockopt(), (line) => console.log(line));
 * ```
 */
export async function watchConnection(
  conn: WatchedConn,
  opts: WatchOptions,
  sockopt: Sockopt | SockoptUnavailable,
  log: (line: string) => void,
): Promise<WatchReport> {
  const start = performance.now();
  const pump = new ReadPump(conn);
  const report = (cause: WatchCause, at: number, extra: Partial<WatchReport> = {}) => ({
    cause,
    idleMs: at - pump.lastDataAt,
    watchedMs: at - start,
    probesAnswered: null,
    probesUnanswered: null,
    unexpectedBytes: pump.unexpectedBytes,
    exitCode: causeMeaning(cause).exitCode,
    ...extra,
  });
  let echoMs: number | undefined;
  if (opts.echo) {
    const payload = encoder.encode("tcpecho keepalive echo check\n");
    const t0 = performance.now();
    await conn.write(payload).catch(() => {});
    const r = await pump.expect(payload, t0, opts.deadlineMs);
    if (r.kind !== "ok") return echoFailed(conn, r, report);
    echoMs = r.ms;
    log(`echo: verified ${payload.length} bytes in ${r.ms.toFixed(3)} ms`);
  }
  let applied: KeepaliveApplied | undefined;
  let watcher: ProbeWatcher | undefined;
  if (opts.keepalive) {
    applied = applyKeepalive(conn, opts.keepalive, sockopt);
    for (const line of describeKeepalive(applied)) log(line);
    if (applied.fd !== undefined && !("reason" in sockopt)) {
      watcher = new ProbeWatcher(sockopt, applied.fd, () => pump.lastDataAt, log);
    }
  }
  log(idleLine(opts));
  const stop = new AbortController();
  const heartbeats = opts.heartbeatMs === undefined
    ? undefined
    : runHeartbeats(conn, pump, opts.heartbeatMs, opts.deadlineMs, stop.signal, log);
  const ended = await Promise.race([
    pump.ended,
    heartbeats?.failed ?? new Promise<never>(() => {}),
    waitBound(opts, stop.signal),
  ]);
  stop.abort();
  watcher?.stop();
  conn.close();
  const at = "at" in ended ? ended.at : performance.now();
  return report(ended.cause, at, {
    keepalive: applied,
    echoMs,
    message: "message" in ended ? ended.message : undefined,
    probesAnswered: watcher ? watcher.answered : null,
    probesUnanswered: watcher ? watcher.unanswered : null,
    heartbeats: heartbeats?.stats,
  });
}

function idleLine(opts: WatchOptions): string {
  const bound = opts.durationMs === undefined
    ? "until it ends (Ctrl-C to stop)"
    : `for up to ${opts.durationMs / 1000} s`;
  const hb = opts.heartbeatMs === undefined
    ? ""
    : `, heartbeat every ${opts.heartbeatMs / 1000} s (deadline ${opts.deadlineMs} ms)`;
  return `watching the idle connection ${bound}${hb}`;
}

async function waitBound(
  opts: WatchOptions,
  stop: AbortSignal,
): Promise<{ cause: WatchCause; at: number }> {
  const both = opts.signal ? AbortSignal.any([opts.signal, stop]) : stop;
  const full = await sleep(opts.durationMs ?? Infinity, both);
  if (full && opts.durationMs !== undefined) return { cause: "duration", at: performance.now() };
  if (opts.signal?.aborted) return { cause: "interrupted", at: performance.now() };
  return new Promise(() => {}); // stopped by the watch itself: never wins the race
}

function echoFailed(
  conn: WatchedConn,
  r: { kind: "mismatch" | "deadline" } | { kind: "ended"; end: ConnEnd },
  report: (cause: WatchCause, at: number, extra?: Partial<WatchReport>) => WatchReport,
): WatchReport {
  conn.close();
  const now = performance.now();
  if (r.kind === "ended") return report(r.end.cause, r.end.at, { message: r.end.message });
  if (r.kind === "deadline") {
    return report("echo-timeout", now, {
      message: "Cannot verify echo: no echo came back before the deadline " +
        "(is the peer an echo server? drop --echo if not)",
      exitCode: ExitCode.timedOut,
    });
  }
  return report("echo-mismatch", now, {
    message: "Cannot verify echo: the peer answered different bytes (not an echo server?)",
    exitCode: ExitCode.error,
  });
}
