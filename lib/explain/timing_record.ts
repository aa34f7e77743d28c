/**
 * The time attribution's per-connection record ({@link Timing}), its causes
 * and its limits (timing.ts states the rules).
 * @module
 */

import type { Side } from "../tcp/conn.ts";

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

/**
 * What the time attribution knows of one side's sending, updated after each
 * segment (timing_state.ts). One object per side, so that a segment's update
 * touches a few cache lines, not one small array per field.
 */
export class TimingSide {
  /** Highest sequence end sent, and whether set (sequence numbers here are int32: `| 0`). */
  nxt = 0;
  nxtSet = false;
  /** Highest ack received for this side's data (from the other side). */
  una = 0;
  unaSet = false;
  /** Last advertised window (scaled), -1 before any. */
  win = -1;
  /** Largest payload this side sent, and largest that was acknowledged. */
  maxLen = 0;
  maxAckedLen = 0;
  /** Length of this side's last new data segment. */
  lastNewLen = 0;
  /** When {@link nxt} last moved (the time of this side's newest segment). */
  nxtTime = 0;
  /** The IPv4 identification of that segment (-1 none: IPv6). */
  nxtIpId = -1;
  /** The MSS this side announced on its SYN (-1 none seen): the other side's largest segment. */
  mss = -1;
  /**
   * The shortest time from this side's newest segment to the other side's ACK
   * of all it had sent (no retransmission outstanding), as the capture saw it:
   * the path from the capture point to the other side and back. Both sides'
   * together stand in for the RTT when the handshake was not captured
   * (Infinity: none yet).
   */
  ackDelayMin = Infinity;
  /** Recovery: until una reaches recPoint. */
  inRec = false;
  recPoint = 0;
  /** Timeouts in a row without progress. */
  rtoRun = 0;
  /** Flight log: flat (end, len, time, retransmitted) quads in [fHead, fTail). */
  flight: number[] = [];
  fHead = 0;
  fTail = 0;

  /** Back to a new connection's state (the flight log's array is kept). */
  reset(): void {
    this.nxt = 0;
    this.nxtSet = false;
    this.una = 0;
    this.unaSet = false;
    this.win = -1;
    this.maxLen = 0;
    this.maxAckedLen = 0;
    this.lastNewLen = 0;
    this.nxtTime = 0;
    this.nxtIpId = -1;
    this.mss = -1;
    this.ackDelayMin = Infinity;
    this.inRec = false;
    this.recPoint = 0;
    this.rtoRun = 0;
    this.fHead = 0;
    this.fTail = 0;
  }
}

/** Per-connection time attribution, filled segment by segment. */
export class Timing {
  // The fields each segment reads come first (timingSegment, updateState):
  // fewer cache lines per segment.
  /** The sequence state of the client and of the server. */
  readonly client = new TimingSide();
  readonly server = new TimingSide();
  /** The current frame's time (see {@link add}). */
  now = 0.5;
  /** First and last frame time of the connection. */
  firstTime = -1;
  lastTime = 0;
  lastFrame = 0;
  /** A gap waiting for the next segment (below): its fallback cause, -1 none. */
  pendFallback = -1;
  /** Side whose data came last (-1 none). */
  lastDataSide = -1;
  /** Data (payload on a segment without SYN) was seen: the connection is past its handshake. */
  dataSeen = false;
  /**
   * A SYN or SYN-ACK was sent again: the rest of the handshake is kind
   * `handshake-retried` (the retry's wait lasts until the handshake completes).
   */
  hsRetry = false;
  /** Time of the client's latest SYN (-1 none), and from it to the first SYN-ACK after it (-1 none). */
  lastSynTime = -1;
  synAckDelay = -1;
  /** A SYN-ACK came before any SYN (a capture's timestamps out of order, or a missing SYN). */
  synAckFirst = false;
  /** Whether the full detail (intervals, RTT samples) is kept. */
  full = true;
  /** The same two sequence states, by side (0 client, 1 server). */
  readonly side: [TimingSide, TimingSide] = [this.client, this.server];
  /** Seconds per cause (index into {@link CAUSES}); they add up to the duration. */
  seconds: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
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
  /** Interval records of a former connection, for reuse (see {@link reset}). */
  readonly spare: Stall[] = [];
  /** Timeline intervals that may be re-labelled as a black hole. */
  pmtuIntervals: Stall[] = [];
  /** The gap being classified (fields: see {@link add}). */
  gap = 0.5;
  gapStart = 0.5;
  /**
   * A gap ended by a late pure ACK, waiting for the next segment: Nagle's
   * held write (only when {@link pendNagle}), the acker's answer when its
   * data comes next, else transfer (a delayed ACK that nothing answered).
   */
  pendNagle = false;
  pendSeconds = 0;
  pendStart = 0;
  pendFirst = 0;
  pendLast = 0;
  pendSide: Side = 0;
  pendFallbackKind = KIND_NONE;
  pendFallbackSide: Side = 0;
  /** Black-hole candidates (rto stalls), capped. */
  pmtuCandidates: Stall[] | null = null;
  /** Seconds, stalls or black-hole candidates were written since the last reset. */
  dirty = true;
  done = false;

  constructor(full = true) {
    this.reset(full);
  }

  /** Back to a new connection's state. */
  reset(full: boolean): void {
    this.full = full;
    // Only what was written (pooled records: --summary resets one per connection).
    if (this.dirty) {
      const seconds = this.seconds, count = this.stallCount;
      for (let i = 0; i < seconds.length; i++) seconds[i] = count[i] = 0;
      if (this.stalls.length > 0) this.stalls.length = 0;
      this.dirty = false;
    }
    this.firstTime = -1;
    this.lastTime = 0;
    this.lastFrame = 0;
    const iv = this.intervals;
    if (iv !== null && iv.length > 0) {
      // A reused record (the consumer kept nothing): its intervals' objects serve again.
      const spare = this.spare;
      for (let i = 0; i < iv.length && spare.length < MAX_INTERVALS; i++) spare.push(iv[i]);
      iv.length = 0;
    }
    if (!full) this.intervals = null;
    else if (iv === null) this.intervals = [];
    this.timeouts = 0;
    this.nagleWaits = 0;
    this.answerSeconds[0] = this.answerSeconds[1] = 0;
    this.bytes[0] = this.bytes[1] = 0;
    this.newBytes[0] = this.newBytes[1] = 0;
    this.retransBytes[0] = this.retransBytes[1] = 0;
    const rtts = this.rttSamples;
    if (!full) this.rttSamples = null;
    else if (rtts === null) this.rttSamples = [];
    else if (rtts.length > 0) rtts.length = 0;
    this.rttMin = Infinity;
    this.rttMax = 0;
    this.rttCount = 0;
    this.side[0].reset();
    this.side[1].reset();
    this.lastDataSide = -1;
    this.dataSeen = false;
    this.hsRetry = false;
    this.lastSynTime = -1;
    this.synAckDelay = -1;
    this.synAckFirst = false;
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
