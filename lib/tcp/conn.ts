/**
 * One tracked TCP connection: its tuple, roles, per-direction analysis,
 * endpoint state machines and the facts the scenario predicates read.
 * Index 0 is always the client, 1 the server.
 * @module
 */
import { DirSeq } from "./analysis.ts";
import { FlowKey, resetKey } from "./flow.ts";
import { SentLog } from "./sentlog.ts";
import { EndpointFsm } from "./state.ts";
import { SegmentLog, type SegmentRecord } from "./segment_log.ts";
import type { AddrNames } from "./addr_names.ts";

export { SegmentLog, type SegmentRecord } from "./segment_log.ts";

/** 0 = client, 1 = server. */
export type Side = 0 | 1;

/** A phase of a connection (phases.ts decides them). */
export interface Phase {
  name: string;
  firstFrame: number;
  lastFrame: number;
}

/*
 * Per-side counters live in ONE array per connection (ConnFacts.p),
 * indexed by these constants plus the side (0 client, 1 server): one
 * allocation instead of a dozen small arrays, which keeps a capture of
 * millions of short connections cheap to track.
 */
/** SYNs without ACK sent by a side. */
export const SYNS = 0;
/** SYN,ACKs sent by a side. */
export const SYN_ACKS = 2;
/** Segments sent by a side. */
export const SEGS = 4;
/** Payload bytes sent by a side. */
export const BYTES = 6;
/** Frame of a side's first FIN (0 = none). */
export const FIN_FRAME = 8;
/** Raw sequence number just after a side's FIN. */
export const FIN_END = 10;
/** Frame where a side's FIN was acknowledged (0 = not seen). */
export const FIN_ACKED_FRAME = 12;
/** Payload bytes a side sent after the other side's FIN. */
export const DATA_AFTER_PEER_FIN = 14;
/** Retransmissions (any kind) by a side. */
export const RETRANS = 16;
/** Retransmissions by a side since the other side last sent anything. */
export const UNANSWERED_RETRANS = 18;
/** Keepalive probes sent by a side. */
export const KEEPALIVES = 20;
/** Keepalive ACKs sent by a side. */
export const KEEPALIVE_ACKS = 22;
/** Keepalive probes by a side since the other side last sent anything. */
export const UNANSWERED_KEEPALIVES = 24;
/** Length of {@link ConnFacts.p}: 13 per-side values. */
const PER_SIDE_LEN = 26;

/** Facts gathered segment by segment; the scenario predicates read only these. */
export class ConnFacts {
  /**
   * Per-side counters: `p[SEGS + side]` etc. (see the constants above). A
   * typed array: every value (frames, counts, sequence numbers) fits a double,
   * and V8 reads and writes it with fewer checks than a double-element array
   * (--summary 3-5% less CPU; records are pooled, so it is made rarely).
   */
  p: Float64Array = new Float64Array(PER_SIDE_LEN);
  firstFrame = 0;
  lastFrame = 0;
  firstTime = 0;
  lastTime = 0;
  /** Handshake completed (third segment seen, or data both ways after SYN,ACK). */
  established = false;
  /** Frame where the handshake completed (0 = not seen). */
  establishedFrame = 0;
  /** Capture time of the first SYN or SYN,ACK, -1 none. */
  synTime = -1;
  /** Capture time of the most recent SYN (Wireshark's ts_mru_syn), -1 none. */
  synMruTime = -1;
  /**
   * Handshake RTT at the capture point: the most recent SYN (the SYN,ACK when
   * no SYN was captured) to the ACK of the SYN,ACK (s), -1 unknown.
   */
  rtt = -1;
  /** Side whose FIN came first (-1 none). */
  firstFinSide = -1;
  /** The second FIN was sent before the first was acknowledged (FINs crossed). */
  finsCrossed = false;
  /** First RST: frame (0 none), side, and what came just before it. */
  rstFrame = 0;
  rstSide = -1;
  rstCount = 0;
  rstAnswersData = false;
  rstAnswersKeepalive = false;
  rstAnswersSyn = false;
  synRetrans = 0;
  /** Retransmission intervals in order (capped), created on first use. */
  intervals: number[] | null = null;
  /** Capture times of the first keepalive probes (capped at 32), created on first use. */
  keepaliveTimes: number[] | null = null;
  /** ICMP unreachable errors quoting this connection. */
  icmpCount = 0;
  icmpFrame = 0;
  icmpType = -1;
  icmpCode = -1;
  /** Side, length and labels of the previous segment (for RST context). */
  prevSide = -1;
  prevLen = 0;
  prevLabels = 0;

  /**
   * Back to the state of a new connection's facts (field by field, as declared above).
   *
   * @example
   * ```ts
   * const f = new ConnFacts();
   * f.reset(); // f.rstFrame === 0
   * ```
   */
  reset(): void {
    this.p.fill(0);
    this.firstFrame = 0;
    this.lastFrame = 0;
    this.firstTime = 0;
    this.lastTime = 0;
    this.established = false;
    this.establishedFrame = 0;
    this.synTime = -1;
    this.synMruTime = -1;
    this.rtt = -1;
    this.firstFinSide = -1;
    this.finsCrossed = false;
    this.rstFrame = 0;
    this.rstSide = -1;
    this.rstCount = 0;
    this.rstAnswersData = false;
    this.rstAnswersKeepalive = false;
    this.rstAnswersSyn = false;
    this.synRetrans = 0;
    this.intervals = null;
    this.keepaliveTimes = null;
    this.icmpCount = 0;
    this.icmpFrame = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.prevSide = -1;
    this.prevLen = 0;
    this.prevLabels = 0;
  }
}

/**
 * Why a connection was handed over: "" while open; "reset" (RST), "closed"
 * (both FINs acknowledged), "reused" (a new SYN started the next epoch on the
 * same 4-tuple), "expired" (idle past a limit of the tracker, or evicted as the
 * oldest idle one when too many were open: see {@link TcpConn.expiredBy}),
 * "capture-end" (still open when the capture ended).
 */
export type EndReason = "" | "reset" | "closed" | "reused" | "expired" | "capture-end";

/** Which limit expired a connection (TrackerOptions in tracker.ts). */
export type ExpiredBy = "" | "half-open" | "idle" | "cap";

/** Most retransmission intervals kept per connection. */
export const MAX_INTERVALS = 1000;

/** A tracked connection. */
export class TcpConn extends FlowKey {
  /** 1-based, in order of first packet. */
  id = 0;
  /** Whether endpoint A (first packet's source) is the client. */
  clientIsA = true;
  rolesGuessed = false;
  dirs: [DirSeq, DirSeq] = [new DirSeq(), new DirSeq()];
  /** Endpoint state machines (null when the output shows no states: the --summary table). */
  fsm: [EndpointFsm, EndpointFsm] | null;
  /**
   * ISN (or first seq − 1) per side, and whether known. Plain arrays: typed
   * arrays here cost 50% more CPU on a SYN flood (four made per connection).
   */
  base: [number, number] = [0, 0];
  baseSet: [boolean, boolean] = [false, false];
  /** Window scale from each side's SYN (-1 none, -2 a SYN without the option); scaling applies when both are >= 0. */
  wscale: [number, number] = [-1, -1];
  /** 2^wscale per side (the window multiplier once scaling is in effect). */
  winMul: [number, number] = [1, 1];
  /** Send times for retransmission intervals (null when the output needs none). */
  sent: [SentLog, SentLog] | null;
  /** Wireshark's first RTT: first SYN to the first pure ACK (s); 0 unknown. */
  wsRtt = 0;
  facts = new ConnFacts();
  /** Kept only when the output needs them (compactly: readers use this, not {@link segments}). */
  segLog: SegmentLog | null;
  /** The kept segments as an array of new objects (made on each call: small connections, tests). */
  get segments(): SegmentRecord[] | null {
    return this.segLog === null ? null : this.segLog.toArray();
  }
  phases: Phase[] = [];
  /** Set when the connection ended (both FINs acknowledged, or RST). */
  ended = false;
  /**
   * Set by `onEnd` when its consumer keeps this record although the tracker
   * reuses records (`reuseConnections`): the record then goes to no pool.
   */
  kept = false;
  /** Why the connection was handed over (set just before `onEnd`). */
  endReason: EndReason = "";
  /** Connection epoch on its 4-tuple: 1, then 2 for the next SYN after it ended, ... */
  epoch = 1;
  /**
   * Id of the previous epoch whose SYN had the same ISN as this one's (a client
   * retrying the same connect() after an RST, as Windows does), 0 otherwise.
   */
  retryOf = 0;
  /**
   * Id of the ended connection on the same 4-tuple this one continues without
   * a SYN (segments beyond what the ended one had sent: data already on its
   * way when it ended, or a peer that did not take its RST), 0 otherwise.
   */
  continues = 0;
  /** The tracker gave up on it (endReason "expired"): no more packets were waited for. */
  expired = false;
  /** Which limit expired it ("" when not expired). */
  expiredBy: ExpiredBy = "";
  /** Neighbours in the tracker's idle-order list (oldest activity first). */
  idlePrev: TcpConn | null = null;
  idleNext: TcpConn | null = null;
  /** Which idle list holds it: 0 none, 1 half-open, 2 established. */
  idleList = 0;
  /** Capture time it was (re)queued in its idle list (the tracker's clock, below). */
  idleStamp = 0;
  /**
   * The tracker's clock at its last packet: the latest capture time seen so
   * far, which never goes back where a capture's timestamps do. The idle
   * limits count on it (`facts.lastTime` is the packet's own time).
   */
  lastClock = 0;
  /**
   * The frame being handled when it was last (re)queued in its idle list: the
   * list's order (lib/explain/shard_merge.ts orders what one sweep expires by it).
   */
  idleFrame = 0;
  /**
   * Makes the address strings (the tracker's {@link AddrNames}); set by the tracker.
   * Address strings are made on first use from the tuple's words, so a flood
   * of connections nobody prints costs no strings.
   */
  addrNames: AddrNames | null = null;
  /** Cached address strings ("" until first asked). */
  aAddrText = "";
  bAddrText = "";
  /**
   * What the layer above keeps per open connection (the explain engine's wire
   * facts and time attribution), or null: one field load per segment instead
   * of a lookup keyed by the connection. The tracker never reads it.
   */
  ext: object | null = null;

  /** Endpoint A's address (the first packet's source). */
  get aAddr(): string {
    if (this.aAddrText === "") this.aAddrText = this.#format(this.a0, this.a1, this.a2, this.a3);
    return this.aAddrText;
  }

  /** Endpoint B's address. */
  get bAddr(): string {
    if (this.bAddrText === "") this.bAddrText = this.#format(this.b0, this.b1, this.b2, this.b3);
    return this.bAddrText;
  }

  #format(w0: number, w1: number, w2: number, w3: number): string {
    return this.addrNames === null ? "" : this.addrNames.text(this.v, w0, w1, w2, w3);
  }

  constructor(keepDetail: boolean, keepIntervals = true, keepStates = true) {
    super();
    this.sent = keepIntervals ? [new SentLog(), new SentLog()] : null;
    this.fsm = keepStates ? [new EndpointFsm(keepDetail), new EndpointFsm(keepDetail)] : null;
    this.segLog = keepDetail ? new SegmentLog() : null;
  }

  /**
   * Makes this record equal to `new TcpConn(keepDetail, keepIntervals, keepStates)`
   * so the tracker can reuse it for the next connection (a capture of 100,000
   * short connections then allocates a few hundred records instead of 100,000
   * records of ~1 KB each; tests/tcp_pool.test.ts checks the equality).
   * Only for records nobody holds any more.
   *
   * @example
   * ```ts
   * const c = new TcpConn(false, false, false);
   * c.reset(false, false, false); // as good as new
   * ```
   */
  reset(keepDetail: boolean, keepIntervals = true, keepStates = true): void {
    resetKey(this);
    this.id = 0;
    this.clientIsA = true;
    this.rolesGuessed = false;
    this.dirs[0].reset();
    this.dirs[1].reset();
    const fsm = this.fsm;
    if (!keepStates) this.fsm = null;
    else if (fsm === null) this.fsm = [new EndpointFsm(keepDetail), new EndpointFsm(keepDetail)];
    else {
      fsm[0].reset(keepDetail);
      fsm[1].reset(keepDetail);
    }
    this.base[0] = this.base[1] = 0;
    this.baseSet[0] = this.baseSet[1] = false;
    this.wscale[0] = this.wscale[1] = -1;
    this.winMul[0] = this.winMul[1] = 1;
    const sent = this.sent;
    if (!keepIntervals) this.sent = null;
    else if (sent === null) this.sent = [new SentLog(), new SentLog()];
    else {
      sent[0].reset();
      sent[1].reset();
    }
    this.wsRtt = 0;
    this.facts.reset();
    if (!keepDetail) this.segLog = null;
    else if (this.segLog === null) this.segLog = new SegmentLog();
    else this.segLog.reset();
    // Setting length on an empty array takes a slow path (JSC: 0.2 µs a record).
    if (this.phases.length !== 0) this.phases.length = 0;
    this.ended = false;
    this.kept = false;
    this.epoch = 1;
    this.retryOf = 0;
    this.continues = 0;
    this.endReason = "";
    this.expired = false;
    this.expiredBy = "";
    this.idlePrev = null;
    this.idleNext = null;
    this.idleList = 0;
    this.idleStamp = 0;
    this.lastClock = 0;
    this.idleFrame = 0;
    this.addrNames = null;
    this.aAddrText = "";
    this.bAddrText = "";
    this.ext = null;
  }

  /** Client address and port. */
  get client(): { addr: string; port: number } {
    return this.clientIsA
      ? { addr: this.aAddr, port: this.aPort }
      : { addr: this.bAddr, port: this.bPort };
  }

  /** Server address and port. */
  get server(): { addr: string; port: number } {
    return this.clientIsA
      ? { addr: this.bAddr, port: this.bPort }
      : { addr: this.aAddr, port: this.aPort };
  }
}
