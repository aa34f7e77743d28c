/**
 * `--heartbeat S`: an application-level liveness check, for paths where
 * keepalive probes are stripped (some middleboxes) or options cannot be set:
 * every S seconds one short message, whose echo must come back before the
 * deadline.
 * @module
 */
import { sleep } from "./connect.ts";
import { errorEnd, type WatchCause } from "./keepalive_end.ts";
import type { ReadPump, WatchedConn } from "./pump.ts";

/** Heartbeat counts and round trips. */
export interface Heartbeats {
  sent: number;
  answered: number;
  /** Round-trip times in ms of the answered heartbeats. */
  rttMs: number[];
}

const encoder = new TextEncoder();

/**
 * Runs heartbeats until `stop` aborts; `failed` resolves when one misses its
 * deadline (cause "heartbeat-timeout") or a write fails (its errno).
 *
 * @example
 * ```ts
 * import { ReadPump } from "./pump.ts";
 * import type { WatchedConn } from "./pump.ts";
 * declare const conn: WatchedConn; // a connected Conn
 * const pump = new ReadPump(conn);
 * const stop = new AbortController();
 * const hb = runHeartbeats(conn, pump, 5000, 2000, stop.signal, console.log);
 * const end = await hb.failed;
 * ```
 */
export function runHeartbeats(
  conn: WatchedConn,
  pump: ReadPump,
  everyMs: number,
  deadlineMs: number,
  stop: AbortSignal,
  log: (line: string) => void,
): { stats: Heartbeats; failed: Promise<{ cause: WatchCause; at: number; message?: string }> } {
  const stats: Heartbeats = { sent: 0, answered: 0, rttMs: [] };
  const failed = (async () => {
    while (await sleep(everyMs, stop)) {
      const n = stats.sent + 1;
      const payload = encoder.encode(`tcpecho heartbeat ${n}\n`);
      const t0 = performance.now();
      try {
        await conn.write(payload);
      } catch (e) {
        return { ...errorEnd(e), at: performance.now() };
      }
      stats.sent = n;
      const r = await pump.expect(payload, t0, deadlineMs);
      if (stop.aborted) break;
      if (r.kind === "ok") {
        stats.answered++;
        stats.rttMs.push(r.ms);
        log(`heartbeat ${n}: echo in ${r.ms.toFixed(3)} ms`);
        continue;
      }
      if (r.kind === "ended") return new Promise<never>(() => {}); // the pump reports the end
      const why = r.kind === "deadline"
        ? `no echo within ${deadlineMs} ms`
        : "the peer answered different bytes";
      log(`heartbeat ${n}: ${why}`);
      return { cause: "heartbeat-timeout", at: performance.now(), message: why };
    }
    return new Promise<never>(() => {});
  })();
  return { stats, failed };
}
