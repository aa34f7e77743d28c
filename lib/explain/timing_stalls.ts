/**
 * Gaps into the timeline and the longest stalls: a gap merges into the
 * current run or starts one; finished runs become intervals (full detail)
 * and the longest stalls (every detail).
 * @module
 */

import type { Side } from "../tcp/conn.ts";

import {
  C_HANDSHAKE,
  C_NAGLE,
  C_TRANSFER,
  MAX_INTERVALS,
  MIN_STALL_S,
  type Stall,
  type Timing,
  TOP_STALLS,
} from "./timing_record.ts";

/** Adds one gap to the timeline (merging into the current run when it continues it). */
export function add(
  t: Timing,
  cause: number,
  kind: string,
  side: Side,
  first: number,
  last: number,
  backoff: number,
  pmtuLen: number,
): void {
  // Seconds and start come in fields: doubles passed as arguments are boxed.
  const seconds = t.gap;
  const single = kind === "rto" || kind === "tlp" || kind === "fast-retransmit" ||
    kind === "syn-retransmission" || kind === "syn-ack-lost";
  if (seconds >= MIN_STALL_S) stallGap(t, cause, kind, side, first, last, backoff, pmtuLen, single);
  if (!t.full) return;
  t.dirty = true;
  t.seconds[cause] += seconds;
  if (kind === "rto" || kind === "tlp") t.timeouts++;
  else if (cause === C_NAGLE) t.nagleWaits++;
  else if (kind === "answer") t.answerSeconds[side] += seconds;
  const run = t.cur;
  if (t.hasRun && !single && run.cause === cause && run.kind === kind && run.side === side) {
    run.seconds += seconds;
    run.lastFrame = last;
    return;
  }
  if (t.hasRun) closeInterval(t, run);
  t.hasRun = true;
  setRun(run, cause, kind, side, first, last, backoff, pmtuLen);
  run.seconds = seconds;
  run.start = t.gapStart;
}

function setRun(
  run: Stall,
  cause: number,
  kind: string,
  side: Side,
  first: number,
  last: number,
  backoff: number,
  pmtuLen: number,
): void {
  run.cause = cause;
  run.kind = kind;
  run.firstFrame = first;
  run.lastFrame = last;
  run.side = side;
  run.backoff = backoff;
  run.pmtuLen = pmtuLen;
}

/**
 * A gap of at least {@link MIN_STALL_S}: stalls are made of these only
 * (in every output detail, so --summary and the full report agree). Such
 * gaps with one cause, kind and side merge, shorter gaps between them
 * (an ACK answering a window probe) do not break them and count in their
 * span; a gap of another cause, or a timeout, starts a new one.
 */
function stallGap(
  t: Timing,
  cause: number,
  kind: string,
  side: Side,
  first: number,
  last: number,
  backoff: number,
  pmtuLen: number,
  single: boolean,
): void {
  const run = t.scur;
  const end = t.gapStart + t.gap;
  if (t.hasStall && !single && run.cause === cause && run.kind === kind && run.side === side) {
    run.seconds = end - run.start;
    run.lastFrame = last;
    return;
  }
  if (t.hasStall) closeStall(t, run);
  t.hasStall = true;
  setRun(run, cause, kind, side, first, last, backoff, pmtuLen);
  run.start = t.gapStart;
  run.seconds = t.gap;
}

/** A copy of `r` in `into` (a spare record), or in a new record. */
function copyStall(r: Stall, into?: Stall): Stall {
  if (into !== undefined) {
    setRun(into, r.cause, r.kind, r.side, r.firstFrame, r.lastFrame, r.backoff, r.pmtuLen);
    into.seconds = r.seconds;
    into.start = r.start;
    return into;
  }
  return {
    cause: r.cause,
    kind: r.kind,
    seconds: r.seconds,
    start: r.start,
    firstFrame: r.firstFrame,
    lastFrame: r.lastFrame,
    side: r.side,
    backoff: r.backoff,
    pmtuLen: r.pmtuLen,
  };
}

/** A finished interval of the timeline (full detail only). */
export function closeInterval(t: Timing, cur: Stall): void {
  const iv = t.intervals!;
  if (iv.length < MAX_INTERVALS) {
    const run = copyStall(cur, t.spare.pop());
    iv.push(run);
    if (run.pmtuLen > 0 && t.pmtuIntervals.length < 64) t.pmtuIntervals.push(run);
  } else {
    const lastIv = iv[iv.length - 1];
    lastIv.lastFrame = cur.lastFrame;
    lastIv.seconds += cur.seconds;
  }
}

/** A finished stall candidate: into the longest stalls when it is a stall. */
export function closeStall(t: Timing, cur: Stall): void {
  if (cur.cause === C_TRANSFER || (cur.cause === C_HANDSHAKE && cur.kind === "handshake")) return;
  const s = t.stalls;
  t.dirty = true;
  t.stallCount[cur.cause]++;
  if (cur.pmtuLen === 0 && s.length === TOP_STALLS && s[s.length - 1].seconds >= cur.seconds) {
    return;
  }
  const run = copyStall(cur);
  if (run.pmtuLen > 0) {
    t.pmtuCandidates ??= [];
    if (t.pmtuCandidates.length < 64) t.pmtuCandidates.push(run);
  }
  if (s.length === TOP_STALLS && s[s.length - 1].seconds >= run.seconds) return;
  let i = s.length < TOP_STALLS ? s.length : s.length - 1;
  if (s.length < TOP_STALLS) s.push(run);
  while (i > 0 && s[i - 1].seconds < run.seconds) {
    s[i] = s[i - 1];
    i--;
  }
  s[i] = run;
}
