/**
 * Time attribution ("why was this connection slow?"): each connection's
 * lifetime, from its first to its last frame, is cut at every frame into
 * gaps, and each gap goes to ONE cause, so the causes add up to the duration.
 * Consecutive gaps with the same cause merge into intervals with frame
 * ranges; intervals that are not plain transfer are the stalls.
 *
 * The rule for a gap (previous frame of the connection → this frame), first
 * match wins; "at the start" means the state after the previous frame:
 *  1. handshake       the handshake was not complete (a retransmitted SYN
 *                     makes it kind `syn-retransmission`)
 *  2. pmtu            an ICMP "fragmentation needed" ends the gap, or a
 *                     retransmission follows one (kind `frag-needed`)
 *  3. loss            the gap ends with a retransmission: `fast-retransmit`,
 *                     a timeout `rto` (the first unacknowledged segment, after
 *                     at least max(5 ms, 1.5 RTT)), a tail-loss probe `tlp`
 *                     (the last segment sent, not the first unacknowledged
 *                     one), or `recovery` (a quick one during recovery);
 *                     an `rto` of a segment larger than any that was ever
 *                     acknowledged, when that size never gets through, is
 *                     re-labelled pmtu `black-hole` when the connection ends
 *  4. receive-window  a window was 0 at the start (`zero-window`), or the
 *                     sender's bytes in flight filled the peer's advertised
 *                     window less one segment and the peer's ACK ends the gap
 *                     (`full-window`)
 *  5. loss            a direction was recovering from a loss (`recovery`)
 *                     until an ACK covers what was outstanding at the loss
 *  6. nagle           a pure ACK ends a gap of 20-600 ms while the other side
 *                     had a small segment (shorter than its largest) in
 *                     flight, and that side's next new data follows within
 *                     5 ms: Nagle's algorithm held a write until the delayed
 *                     ACK (`delayed-ack`)
 *  7. client-app / server-app  nothing was in flight either way at the start:
 *                     the side that sends next had nothing to send (`answer`
 *                     when the other side spoke last, else `idle`); or this
 *                     side acknowledges the other's data after at least
 *                     max(20 ms, 4 RTT), alone or with its answer: its
 *                     application had not answered yet (`answer`)
 *  8. transfer        everything else: the path's pace
 *
 * Memory is bounded per connection (at most {@link MAX_INTERVALS} intervals,
 * {@link TOP_STALLS} stalls, {@link MAX_RTT_SAMPLES} RTT samples and
 * {@link FLIGHT_CAP} segments in flight remembered per direction).
 * @module
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import {
  L_ANY_RETRANS,
  L_FAST_RETRANS,
  L_ICMP_UNREACH,
  L_KEEPALIVE,
  L_WINDOW_PROBE,
} from "../tcp/labels.ts";
import { seqAdd, seqDiff, seqGe, seqGt } from "../tcp/seq.ts";

/** Cause ids, in the order of {@link Timing.seconds}. */
export const CAUSES = [
  "handshake",
  "client-app",
  "server-app",
  "receive-window",
  "loss",
  "nagle",
  "pmtu",
  "transfer",
] as const;
/** One cause id. */
export type Cause = typeof CAUSES[number];

export const C_HANDSHAKE = 0;
export const C_CLIENT_APP = 1;
export const C_SERVER_APP = 2;
export const C_RWIN = 3;
export const C_LOSS = 4;
export const C_NAGLE = 5;
export const C_PMTU = 6;
export const C_TRANSFER = 7;

/** Most intervals kept per connection (later gaps extend the last one). */
export const MAX_INTERVALS = 200;
/** Shorter runs are not stalls (they stay in the timeline). */
export const MIN_STALL_S = 0.001;
/** Longest stalls kept per connection. */
export const TOP_STALLS = 8;
/** Most RTT samples kept per connection (later ones are dropped). */
export const MAX_RTT_SAMPLES = 4096;
/** Segments in flight remembered per direction (for RTT samples and PMTU). */
export const FLIGHT_CAP = 128;

/**
 * Segments up to this size cross any IPv4 path (576-byte datagrams): a
 * timeout of one is never taken for a path-MTU black hole.
 */
export const MIN_BLACK_HOLE_LEN = 536;

/** A run of consecutive gaps with one cause (an interval of the timeline). */
export interface Stall {
  /** Index into {@link CAUSES}. */
  cause: number;
  /** What exactly (see the module doc): `rto`, `zero-window`, `answer`, … */
  kind: string;
  /** Seconds. */
  seconds: number;
  /** Capture time of its start (s since the capture's first record). */
  start: number;
  /** The frame it starts after and the frame that ends it. */
  firstFrame: number;
  lastFrame: number;
  /** The side it is about: the app's side, the blocked or retransmitting sender. */
  side: Side;
  /** For `rto`: 1 for the first timeout of a segment, 2 after one backoff, … */
  backoff: number;
  /** For a possible PMTU black hole: the retransmitted length (0 otherwise). */
  pmtuLen: number;
}

/** RTT statistics (seconds). */
export interface RttStats {
  min: number;
  median: number;
  max: number;
  samples: number;
}

const KIND_NONE = "";

/** Per-connection time attribution, filled segment by segment. */
export class Timing {
  /** Seconds per cause (index into {@link CAUSES}); they add up to the duration. */
  seconds: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  /** First and last frame time of the connection. */
  firstTime = -1;
  lastTime = 0;
  lastFrame = 0;
  /** The timeline (null when not kept: the summary table). */
  intervals: Stall[] | null = null;
  /** The longest stalls, longest first (at most {@link TOP_STALLS}). */
  stalls: Stall[] = [];
  /** Stalls per cause (count). */
  stallCount: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  /** Retransmission timeouts and tail-loss probes (gaps ending in one). */
  timeouts = 0;
  /** Writes held by Nagle until a delayed ACK. */
  nagleWaits = 0;
  /** Seconds each side's application took to answer the other (kind `answer`). */
  answerSeconds: [number, number] = [0, 0];
  /** Per side: payload bytes sent (with retransmissions), new bytes, retransmitted bytes. */
  bytes: [number, number] = [0, 0];
  newBytes: [number, number] = [0, 0];
  retransBytes: [number, number] = [0, 0];
  /** RTT samples (seq/ack, Karn's rule), null when not kept. */
  rttSamples: number[] | null = null;
  rttMin = Infinity;
  rttMax = 0;
  rttCount = 0;

  // --- state (per side: index 0 client, 1 server) ---
  /** Highest sequence end sent, and whether set. */
  nxt: [number, number] = [0, 0];
  nxtSet: [boolean, boolean] = [false, false];
  /** Highest ack received for a side's data (from the other side). */
  una: [number, number] = [0, 0];
  unaSet: [boolean, boolean] = [false, false];
  /** Last advertised window (scaled), -1 before any. */
  win: [number, number] = [-1, -1];
  /** Largest payload a side sent, and largest that was acknowledged. */
  maxLen: [number, number] = [0, 0];
  maxAckedLen: [number, number] = [0, 0];
  /** Length of a side's last new data segment. */
  lastNewLen: [number, number] = [0, 0];
  /** Recovery: until una reaches recPoint. */
  inRec: [boolean, boolean] = [false, false];
  recPoint: [number, number] = [0, 0];
  /** Timeouts in a row without progress. */
  rtoRun: [number, number] = [0, 0];
  /** Flight logs: flat (end, len, time, retransmitted) quads in [head, tail). */
  flight: [number[], number[]] = [[], []];
  fHead: [number, number] = [0, 0];
  fTail: [number, number] = [0, 0];
  /** Side whose data came last (-1 none). */
  lastDataSide = -1;
  /** An ICMP fragmentation-needed was seen (the side it quotes, -1 none). */
  fragNeededSide = -1;
  /** The run being extended (a scratch record, copied when it is kept). */
  cur: Stall = {
    cause: 0,
    kind: "",
    seconds: 0,
    start: 0,
    firstFrame: 0,
    lastFrame: 0,
    side: 0,
    backoff: 0,
    pmtuLen: 0,
  };
  hasRun = false;
  /** The stall being extended (scratch, like {@link cur}). */
  scur: Stall = {
    cause: 0,
    kind: "",
    seconds: 0,
    start: 0,
    firstFrame: 0,
    lastFrame: 0,
    side: 0,
    backoff: 0,
    pmtuLen: 0,
  };
  hasStall = false;
  /** Timeline intervals that may be re-labelled as a black hole. */
  pmtuIntervals: Stall[] = [];
  /** The gap being classified and the current time (fields: see {@link add}). */
  gap = 0.5;
  gapStart = 0.5;
  now = 0.5;
  /** A gap waiting for the next segment to decide nagle or its fallback. */
  pendSeconds = 0;
  pendStart = 0;
  pendFirst = 0;
  pendLast = 0;
  pendSide: Side = 0;
  pendFallback = -1;
  pendFallbackKind = KIND_NONE;
  pendFallbackSide: Side = 0;
  /** Black-hole candidates (rto stalls), capped. */
  pmtuCandidates: Stall[] | null = null;
  /** Seconds, stalls or black-hole candidates were written since the last reset. */
  dirty = true;
  /** Whether the full detail (intervals, RTT samples) is kept. */
  full = true;
  done = false;

  constructor(full = true) {
    this.reset(full);
  }

  /** Back to a new connection's state. */
  reset(full: boolean): void {
    this.full = full;
    // Only what was written (pooled records: --summary resets one per connection).
    if (this.dirty) {
      this.seconds.fill(0);
      this.stallCount.fill(0);
      this.stalls.length = 0;
      this.dirty = false;
    }
    this.firstTime = -1;
    this.lastTime = 0;
    this.lastFrame = 0;
    if (full || this.intervals !== null) this.intervals = full ? [] : null;
    this.timeouts = 0;
    this.nagleWaits = 0;
    this.answerSeconds[0] = this.answerSeconds[1] = 0;
    this.bytes[0] = this.bytes[1] = 0;
    this.newBytes[0] = this.newBytes[1] = 0;
    this.retransBytes[0] = this.retransBytes[1] = 0;
    if (full || this.rttSamples !== null) this.rttSamples = full ? [] : null;
    this.rttMin = Infinity;
    this.rttMax = 0;
    this.rttCount = 0;
    this.nxt[0] = this.nxt[1] = 0;
    this.nxtSet[0] = this.nxtSet[1] = false;
    this.una[0] = this.una[1] = 0;
    this.unaSet[0] = this.unaSet[1] = false;
    this.win[0] = this.win[1] = -1;
    this.maxLen[0] = this.maxLen[1] = 0;
    this.maxAckedLen[0] = this.maxAckedLen[1] = 0;
    this.lastNewLen[0] = this.lastNewLen[1] = 0;
    this.inRec[0] = this.inRec[1] = false;
    this.recPoint[0] = this.recPoint[1] = 0;
    this.rtoRun[0] = this.rtoRun[1] = 0;
    this.fHead[0] = this.fHead[1] = 0;
    this.fTail[0] = this.fTail[1] = 0;
    this.lastDataSide = -1;
    this.fragNeededSide = -1;
    this.hasRun = false;
    this.hasStall = false;
    if (this.pmtuIntervals.length > 0) this.pmtuIntervals.length = 0;
    this.pendFallback = -1;
    this.pmtuCandidates = null;
    this.done = false;
  }

  /** Seconds from the first to the last frame. */
  get duration(): number {
    return this.firstTime < 0 ? 0 : this.lastTime - this.firstTime;
  }

  /** The longest stall, or null. */
  get largest(): Stall | null {
    return this.stalls.length > 0 ? this.stalls[0] : null;
  }

  /** RTT statistics, null without samples. */
  rtt(): RttStats | null {
    if (this.rttCount === 0) return null;
    let median = NaN;
    const s = this.rttSamples;
    if (s !== null && s.length > 0) {
      const sorted = s.slice().sort((a, b) => a - b);
      const m = sorted.length >> 1;
      median = sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
    return { min: this.rttMin, median, max: this.rttMax, samples: this.rttCount };
  }
}

/**
 * The RTT the thresholds use: the handshake's (the same in every output
 * detail; the RTT samples are kept only for the full reports).
 */
function rttGuess(_t: Timing, c: TcpConn): number {
  return c.facts.rtt > 0 ? c.facts.rtt : 0;
}

/**
 * Feeds one segment (or ICMP error) of `c`, already applied by the tracker:
 * `p` is the packet the tracker just read (its raw fields), `labels` the
 * analysis labels.
 *
 * @example
 * ```ts
 * // const t = new Timing(); for each segment: timingSegment(t, conn, side, labels, packet);
 * // timingEnd(t, conn)
 * ```
 */
export function timingSegment(t: Timing, c: TcpConn, side: Side, labels: number, p: Packet): void {
  const now = c.facts.lastTime;
  t.now = now;
  const frame = p.frame;
  if (t.firstTime < 0) {
    t.firstTime = now;
    t.lastTime = now;
    t.lastFrame = frame;
    if (p.kind === "tcp") updateState(t, c, side, labels, p);
    return;
  }
  const gap = now - t.lastTime;
  const prevFrame = t.lastFrame;
  const other = (1 - side) as Side;
  const isTcp = p.kind === "tcp";
  // A gap held back for the nagle decision: settle it now.
  if (t.pendFallback >= 0) {
    t.gap = t.pendSeconds;
    t.gapStart = t.pendStart;
    const nagle = isTcp && side === t.pendSide && p.payloadLen > 0 &&
      (labels & L_ANY_RETRANS) === 0 && gap <= 0.005 + 2 * rttGuess(t, c);
    if (nagle) {
      add(
        t,
        C_NAGLE,
        "delayed-ack",
        t.pendSide,
        t.pendFirst,
        t.pendLast,
        0,
        0,
      );
    } else {
      add(
        t,
        t.pendFallback,
        t.pendFallbackKind,
        t.pendFallbackSide,
        t.pendFirst,
        t.pendLast,
        0,
        0,
      );
    }
    t.pendFallback = -1;
  }
  t.gap = gap;
  t.gapStart = t.lastTime;
  // The summary table needs only the stalls, which are made of long gaps.
  if (t.full || gap >= MIN_STALL_S) classify(t, c, side, other, labels, p, isTcp, prevFrame, frame);
  t.lastTime = now;
  t.lastFrame = frame;
  if (isTcp) updateState(t, c, side, labels, p);
  else if ((labels & L_ICMP_UNREACH) && p.icmpType === 3 && p.icmpCode === 4) {
    t.fragNeededSide = other;
  }
}

/**
 * A side's last advertised window in bytes. The analysis keeps the raw
 * window field (Wireshark compares raw values); the time attribution needs
 * bytes: scaled as segment.ts scales JSON's, once both SYNs set a scale.
 */
export function windowBytes(c: TcpConn, side: Side): number {
  const raw = c.dirs[side].window;
  return raw > 0 && c.wscale[0] >= 0 && c.wscale[1] >= 0 ? raw * c.winMul[side] : raw;
}

/**
 * Applies a connection's first segment from its saved fields instead of the
 * packet: a pure SYN (no ACK, FIN, RST or payload, not a retransmission),
 * which {@link TimingHook} keeps as five numbers until a second segment
 * comes, so a SYN flood's half-open connections hold no Timing. `win` is the
 * window {@link timingSegment} took at the time (the raw field: scaling
 * needs both SYNs). The result equals feeding the SYN when it came.
 */
export function timingFirstSyn(
  t: Timing,
  c: TcpConn,
  side: Side,
  labels: number,
  p: Pick<Packet, "kind" | "frame" | "flags" | "seq" | "ack" | "payloadLen">,
  now: number,
  win: number,
): void {
  t.now = now;
  t.firstTime = now;
  t.lastTime = now;
  t.lastFrame = p.frame;
  updateState(t, c, side, labels, p as Packet);
  t.win[side] = win;
}

/** Decides the cause of the gap that `p` ends and adds it (see the module doc). */
function classify(
  t: Timing,
  c: TcpConn,
  side: Side,
  other: Side,
  labels: number,
  p: Packet,
  isTcp: boolean,
  first: number,
  last: number,
): void {
  const gap = t.gap;
  const start = t.gapStart;
  const f = c.facts;
  // 1. handshake
  if (f.establishedFrame === 0 && !c.rolesGuessed || f.establishedFrame === last) {
    const synRetrans = isTcp && (p.flags & TCP_SYN) !== 0 && (labels & L_ANY_RETRANS) !== 0;
    add(
      t,
      C_HANDSHAKE,
      synRetrans ? "syn-retransmission" : "handshake",
      side,
      first,
      last,
      0,
      0,
    );
    return;
  }
  // 2. pmtu (ICMP)
  if (!isTcp) {
    const frag = p.icmpType === 3 && p.icmpCode === 4;
    add(
      t,
      frag ? C_PMTU : C_TRANSFER,
      frag ? "frag-needed" : "transfer",
      other,
      first,
      last,
      0,
      0,
    );
    return;
  }
  const len = p.payloadLen;
  const retrans = (labels & L_ANY_RETRANS) !== 0 && (len > 0 || (p.flags & TCP_FIN) !== 0);
  if (retrans) {
    if (t.fragNeededSide === side) {
      add(t, C_PMTU, "frag-needed", side, first, last, 0, 0);
      return;
    }
    // 3. loss
    if (labels & L_FAST_RETRANS) {
      add(t, C_LOSS, "fast-retransmit", side, first, last, 0, 0);
      return;
    }
    const timeout = gap >= Math.max(0.005, 1.5 * rttGuess(t, c));
    if (!timeout) {
      add(t, C_LOSS, "recovery", side, first, last, 0, 0);
      return;
    }
    const atUna = !t.unaSet[side] || p.seq === t.una[side];
    const end = seqAdd(p.seq, len + ((p.flags & TCP_FIN) !== 0 ? 1 : 0));
    const tail = t.nxtSet[side] && end === t.nxt[side];
    if (!atUna && tail) {
      add(t, C_LOSS, "tlp", side, first, last, 0, 0);
      return;
    }
    const backoff = ++t.rtoRun[side];
    const candidate = len > 0 && len > t.maxAckedLen[side] ? len : 0;
    add(t, C_LOSS, "rto", side, first, last, backoff, candidate);
    return;
  }
  // 4. receive window
  if ((labels & L_WINDOW_PROBE) !== 0 || t.win[0] === 0 || t.win[1] === 0) {
    const blocked: Side = (labels & L_WINDOW_PROBE) !== 0 ? side : (t.win[1] === 0 ? 0 : 1);
    add(t, C_RWIN, "zero-window", blocked, first, last, 0, 0);
    return;
  }
  const acks = (p.flags & TCP_ACK) !== 0;
  const acksNew = acks && t.nxtSet[other] &&
    (!t.unaSet[other] || seqGt(p.ack, t.una[other]));
  const inflightOther = inFlight(t, other);
  if (
    acks && inflightOther > 0 && t.win[side] > 0 && inflightOther > t.win[side] - t.maxLen[other]
  ) {
    add(t, C_RWIN, "full-window", other, first, last, 0, 0);
    return;
  }
  // 5. recovery
  if (t.inRec[0] || t.inRec[1]) {
    add(t, C_LOSS, "recovery", t.inRec[0] ? 0 : 1, first, last, 0, 0);
    return;
  }
  const rtt = rttGuess(t, c);
  const pure = len === 0 && (p.flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0;
  // 7b. this side answers (or acknowledges) late: its application was busy.
  const late = acksNew && inflightOther > 0 && gap >= Math.max(0.02, 4 * rtt) &&
    (labels & L_KEEPALIVE) === 0;
  // 6. nagle: decided with the next segment.
  if (
    late && pure && gap <= 0.6 && t.lastNewLen[other] > 0 &&
    t.lastNewLen[other] < Math.max(536, t.maxLen[other]) && t.lastDataSide === other
  ) {
    t.pendSeconds = gap;
    t.pendStart = start;
    t.pendFirst = first;
    t.pendLast = last;
    t.pendSide = other;
    t.pendFallback = side === 0 ? C_CLIENT_APP : C_SERVER_APP;
    t.pendFallbackKind = "answer";
    t.pendFallbackSide = side;
    return;
  }
  if (late) {
    add(t, side === 0 ? C_CLIENT_APP : C_SERVER_APP, "answer", side, first, last, 0, 0);
    return;
  }
  // 7. nothing in flight: the sender's application had nothing to send
  if (inflightOther <= 0 && inFlight(t, side) <= 0) {
    const kind = t.lastDataSide === other && (len > 0 || (p.flags & TCP_FIN) !== 0)
      ? "answer"
      : "idle";
    add(t, side === 0 ? C_CLIENT_APP : C_SERVER_APP, kind, side, first, last, 0, 0);
    return;
  }
  add(t, C_TRANSFER, "transfer", side, first, last, 0, 0);
}

/** Bytes a side has sent that the other side has not acknowledged. */
function inFlight(t: Timing, s: Side): number {
  if (!t.nxtSet[s] || !t.unaSet[s]) return t.nxtSet[s] && t.bytes[s] > 0 ? 1 : 0;
  return seqDiff(t.nxt[s], t.una[s]);
}

/** Adds one gap to the timeline (merging into the current run when it continues it). */
function add(
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
    kind === "syn-retransmission";
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

function copyStall(r: Stall): Stall {
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
function closeInterval(t: Timing, cur: Stall): void {
  const iv = t.intervals!;
  if (iv.length < MAX_INTERVALS) {
    const run = copyStall(cur);
    iv.push(run);
    if (run.pmtuLen > 0 && t.pmtuIntervals.length < 64) t.pmtuIntervals.push(run);
  } else {
    const lastIv = iv[iv.length - 1];
    lastIv.lastFrame = cur.lastFrame;
    lastIv.seconds += cur.seconds;
  }
}

/** A finished stall candidate: into the longest stalls when it is a stall. */
function closeStall(t: Timing, cur: Stall): void {
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

/** Updates the per-side state after a TCP segment. */
function updateState(
  t: Timing,
  c: TcpConn,
  side: Side,
  labels: number,
  p: Packet,
): void {
  const other = (1 - side) as Side;
  const len = p.payloadLen;
  const flags = p.flags;
  // The analysis keeps the raw window field (Wireshark compares raw values);
  // the time attribution needs bytes: scale it as segment.ts scales JSON's.
  t.win[side] = windowBytes(c, side);
  if (flags & TCP_ACK) ackFrom(t, other, p);
  const retrans = (labels & L_ANY_RETRANS) !== 0;
  if (len > 0) {
    if (len > t.maxLen[side]) t.maxLen[side] = len;
    t.lastDataSide = side;
    if (t.full) {
      t.bytes[side] += len;
      if (retrans) t.retransBytes[side] += len;
    }
  }
  if (len === 0 && (flags & (TCP_SYN | TCP_FIN)) === 0) return;
  if ((labels & L_KEEPALIVE) !== 0) return;
  const end = seqAdd(p.seq, len + ((flags & (TCP_SYN | TCP_FIN)) !== 0 ? 1 : 0));
  if (!t.nxtSet[side] || seqGt(end, t.nxt[side])) {
    if (!t.full) { /* the summary shows no byte counts */ }
    else if (t.nxtSet[side]) {
      const adv = seqDiff(end, t.nxt[side]);
      t.newBytes[side] += Math.min(len, adv);
    } else t.newBytes[side] += len;
    if (!retrans) {
      if (len > 0) t.lastNewLen[side] = len;
      if (t.full) logFlight(t, side, end, len);
    }
    t.nxt[side] = end;
    t.nxtSet[side] = true;
  }
  if (retrans) {
    if (t.full) markRetransmitted(t, side, p);
    if (!t.inRec[side]) {
      t.inRec[side] = true;
      t.recPoint[side] = t.nxt[side];
    }
  }
}

/** The other side acknowledged `ack` of side `s`'s data. */
function ackFrom(t: Timing, s: Side, p: Packet): void {
  const ack = p.ack;
  if (!t.nxtSet[s]) return;
  if (t.unaSet[s]) {
    const adv = seqDiff(ack, t.una[s]);
    if (adv <= 0) return;
    // What got through: an ACK advancing by n bytes is as good as a segment of n bytes
    // (at most the largest sent), so a black hole never sees one as large as it drops.
    const got = adv < t.maxLen[s] ? adv : t.maxLen[s];
    if (got > t.maxAckedLen[s]) t.maxAckedLen[s] = got;
  }
  t.una[s] = ack;
  t.unaSet[s] = true;
  t.rtoRun[s] = 0;
  if (t.inRec[s] && seqGe(ack, t.recPoint[s])) t.inRec[s] = false;
  if (!t.full) return;
  // Pop acknowledged segments; sample the newest that was never retransmitted.
  const log = t.flight[s];
  let i = t.fHead[s];
  const tail = t.fTail[s];
  let newest = -1;
  while (i < tail && seqGe(ack, log[i])) {
    newest = i;
    i += 4;
  }
  t.fHead[s] = i;
  if (i === tail) t.fHead[s] = t.fTail[s] = 0;
  if (newest >= 0 && log[newest + 3] === 0 && log[newest] === ack) {
    const rtt = t.now - log[newest + 2];
    if (rtt >= 0) {
      t.rttCount++;
      if (rtt < t.rttMin) t.rttMin = rtt;
      if (rtt > t.rttMax) t.rttMax = rtt;
      const samples = t.rttSamples;
      if (samples !== null && samples.length < MAX_RTT_SAMPLES) samples.push(rtt);
    }
  }
}

function logFlight(t: Timing, s: Side, end: number, len: number): void {
  const now = t.now;
  const log = t.flight[s];
  let head = t.fHead[s], tail = t.fTail[s];
  if (tail - head >= FLIGHT_CAP * 4) head += 4;
  if (head > 64 && head * 2 > tail) {
    log.copyWithin(0, head, tail);
    tail -= head;
    head = 0;
  }
  if (tail === log.length) log.push(end, len, now, 0);
  else {
    log[tail] = end;
    log[tail + 1] = len;
    log[tail + 2] = now;
    log[tail + 3] = 0;
  }
  t.fHead[s] = head;
  t.fTail[s] = tail + 4;
}

/** Karn's rule: no RTT sample from a segment at or after a retransmitted seq. */
function markRetransmitted(t: Timing, s: Side, p: Packet): void {
  const seq = p.seq;
  const log = t.flight[s];
  for (let i = t.fTail[s] - 4; i >= t.fHead[s]; i -= 4) {
    if (!seqGt(log[i], seq)) break;
    log[i + 3] = 1;
  }
}

/**
 * Closes the timeline when the connection ends: settles a held gap, closes
 * the last run, and re-labels timeouts of segments larger than any that ever
 * got through as a path-MTU black hole.
 *
 * @example
 * ```ts
 * // timingEnd(timing, conn); timing.seconds sums to timing.duration
 * ```
 */
export function timingEnd(t: Timing, _c: TcpConn): void {
  if (t.done) return;
  t.done = true;
  if (t.pendFallback >= 0) {
    t.gap = t.pendSeconds;
    t.gapStart = t.pendStart;
    add(
      t,
      t.pendFallback,
      t.pendFallbackKind,
      t.pendFallbackSide,
      t.pendFirst,
      t.pendLast,
      0,
      0,
    );
    t.pendFallback = -1;
  }
  if (t.hasRun) closeInterval(t, t.cur);
  t.hasRun = false;
  if (t.hasStall) closeStall(t, t.scur);
  t.hasStall = false;
  const cands = t.pmtuCandidates;
  if (cands === null || cands.length < 2) return;
  const isHole = (r: Stall) => {
    // Small ones passed (something was acknowledged) but never a segment this large.
    const passed = t.maxAckedLen[r.side];
    return r.cause === C_LOSS && r.pmtuLen > passed && r.pmtuLen > MIN_BLACK_HOLE_LEN;
  };
  let moved = false;
  for (const r of cands) {
    if (!isHole(r)) continue;
    t.stallCount[C_LOSS]--;
    t.stallCount[C_PMTU]++;
    r.cause = C_PMTU;
    r.kind = "black-hole";
    moved = true;
  }
  for (const r of t.pmtuIntervals) {
    if (!isHole(r)) continue;
    t.seconds[C_LOSS] -= r.seconds;
    t.seconds[C_PMTU] += r.seconds;
    t.timeouts--;
    r.cause = C_PMTU;
    r.kind = "black-hole";
  }
  if (moved) t.stalls.sort((a, b) => b.seconds - a.seconds);
}
