/**
 * ping-style statistics over probe results: counts per outcome, loss, and
 * min/avg/max/mdev of handshake times.
 * @module
 */
import { ExitCode, type ExitCodeValue } from "../errors.ts";
import type { ProbeOutcome, ProbeResult } from "./types.ts";

/** min/avg/max/mdev in milliseconds (mdev as ping computes it: population standard deviation). */
export interface TimeStats {
  min: number;
  avg: number;
  max: number;
  mdev: number;
}

/** A summary for one address (or for all). */
export interface ProbeSummary {
  host: string;
  address: string;
  port: number;
  sent: number;
  connected: number;
  refused: number;
  timedOut: number;
  unreachable: number;
  errors: number;
  /** Percentage of probes that did not connect (0..100). */
  lossPct: number;
  /** Handshake times of connected probes, if any. */
  connect?: TimeStats;
  /** Times until the RST of refused probes, if any (also a path round trip). */
  refusedIn?: TimeStats;
}

/**
 * min/avg/max/mdev of a list of milliseconds, rounded to microseconds; undefined for an empty list.
 *
 * @example
 * ```ts
 * timeStats([1, 2, 3]); // { min: 1, avg: 2, max: 3, mdev: 0.816 }
 * ```
 */
export function timeStats(ms: number[]): TimeStats | undefined {
  if (ms.length === 0) return undefined;
  let sum = 0, sq = 0, min = Infinity, max = -Infinity;
  for (const x of ms) {
    sum += x;
    sq += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const avg = sum / ms.length;
  const mdev = Math.sqrt(Math.max(0, sq / ms.length - avg * avg));
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return { min: r3(min), avg: r3(avg), max: r3(max), mdev: r3(mdev) };
}

/**
 * Summarises the results of one address.
 *
 * @example
 * ```ts
 * import type { ProbeResult } from "./types.ts";
 * declare const results: ProbeResult[]; // one target's results from runProbes
 * summarize(results, { host: "localhost", address: "127.0.0.1", port: 9877 }).lossPct;
 * ```
 */
export function summarize(
  results: readonly ProbeResult[],
  where: { host: string; address: string; port: number },
): ProbeSummary {
  const count = (o: ProbeOutcome) => results.filter((r) => r.outcome === o).length;
  const times = (o: ProbeOutcome) => results.filter((r) => r.outcome === o).map((r) => r.ms);
  const sent = results.length;
  const connected = count("connected");
  return {
    host: where.host,
    address: where.address,
    port: where.port,
    sent,
    connected,
    refused: count("refused"),
    timedOut: count("timeout"),
    unreachable: count("unreachable"),
    errors: count("error"),
    lossPct: sent === 0 ? 0 : ((sent - connected) / sent) * 100,
    connect: timeStats(times("connected")),
    refusedIn: timeStats(times("refused")),
  };
}

/** The exit code (docs/design.md, lib/errors.ts) of each probe outcome: the one table probe uses. */
export const OUTCOME_EXIT: Readonly<Record<ProbeOutcome, ExitCodeValue>> = {
  connected: ExitCode.ok,
  refused: ExitCode.refused,
  timeout: ExitCode.timedOut,
  unreachable: ExitCode.unreachable,
  error: ExitCode.error,
};

/**
 * The exit code for a run: 0 if any probe connected; otherwise the code of
 * the most frequent failure class (5 refused, 6 timed out, 7 unreachable,
 * 1 other), the latest one winning a tie; 1 if nothing was sent.
 *
 * @example
 * ```ts
 * probeExitCode([{ outcome: "refused" }, { outcome: "timeout" }, { outcome: "timeout" }]); // 6
 * ```
 */
export function probeExitCode(results: readonly Pick<ProbeResult, "outcome">[]): number {
  if (results.some((r) => r.outcome === "connected")) return ExitCode.ok;
  if (results.length === 0) return ExitCode.error;
  const tally = new Map<ProbeOutcome, number>();
  for (const r of results) tally.set(r.outcome, (tally.get(r.outcome) ?? 0) + 1);
  const most = Math.max(...tally.values());
  const latest = results.findLast((r) => tally.get(r.outcome) === most)!;
  return OUTCOME_EXIT[latest.outcome];
}
