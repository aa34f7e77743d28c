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

/** 0 = client, 1 = server. */
export type Side = 0 | 1;

/** One segment (or ICMP error) as kept for the ladder and JSON. */
export interface SegmentRecord {
  frame: number;
  /** Seconds since the capture's first record. */
  time: number;
  side: Side;
  flags: number;
  /** Relative to the sender's ISN (ack: to the receiver's). */
  seq: number;
  ack: number;
  len: number;
  /** Label bits (labels.ts). */
  labels: number;
  /** Advertised window (scaled). */
  window: number;
}

/** Segments a {@link SegmentLog} keeps as objects before its compact chunks start. */
const LOG_HEAD = 32;
/** Records in the first compact chunk; each next one is twice as big, up to {@link LOG_CHUNK_MAX}. */
const LOG_CHUNK_MIN = 256;
const LOG_CHUNK_MAX = 1 << 16;
/** Uint32 fields per compact record: frame, seq, ack, len, labels, window. */
const U32_FIELDS = 6;

/**
 * A connection's segments, kept compactly: the first {@link LOG_HEAD} as
 * {@link SegmentRecord} objects (most connections are short), the rest in
 * typed-array chunks of 34 bytes a record (time as a float64, six uint32
 * fields, flags and side in a uint16) instead of an object of about 150
 * bytes, so one connection of millions of segments fits. A record whose
 * numbers do not fit those fields (a fuzzed capture) is kept as an object.
 * Records come back as new objects equal to what was added.
 *
 * @example
 * ```ts
 * const log = new SegmentLog();
 * log.add(1, 0.5, 0, 2, 0, 0, 0, 1, 64240);
 * log.at(0).window; // 64240
 * ```
 */
export class SegmentLog {
  /** Records added. */
  length = 0;
  #head: SegmentRecord[] = [];
  #chunks: LogChunks | null = null;

  /** Appends one record (the fields of {@link SegmentRecord}, in its order). */
  add(
    frame: number,
    time: number,
    side: Side,
    flags: number,
    seq: number,
    ack: number,
    len: number,
    labels: number,
    window: number,
  ): void {
    if (this.length < LOG_HEAD) {
      this.#head.push({ frame, time, side, flags, seq, ack, len, labels, window });
    } else {
      (this.#chunks ??= new LogChunks()).add(
        this.length - LOG_HEAD,
        frame,
        time,
        side,
        flags,
        seq,
        ack,
        len,
        labels,
        window,
      );
    }
    this.length++;
  }

  /** Record `i` (0 ≤ i < length), as a new object. */
  at(i: number): SegmentRecord {
    return i < LOG_HEAD ? { ...this.#head[i] } : this.#chunks!.at(i - LOG_HEAD);
  }

  /** Every record in order, each a new object. */
  *[Symbol.iterator](): Generator<SegmentRecord> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Every record as an array (small connections, tests). */
  toArray(): SegmentRecord[] {
    return Array.from(this);
  }
}

/** The compact part of a {@link SegmentLog}: chunks of growing size. */
class LogChunks {
  #time: Float64Array[] = [];
  #u32: Uint32Array[] = [];
  #u16: Uint16Array[] = [];
  /** Index of each chunk's first record. */
  #starts: number[] = [];
  /** Chunk of the last lookup (reads go in order). */
  #last = 0;
  /** Records whose numbers do not fit the typed fields, by index. */
  #odd: Map<number, SegmentRecord> | null = null;

  add(
    i: number,
    frame: number,
    time: number,
    side: Side,
    flags: number,
    seq: number,
    ack: number,
    len: number,
    labels: number,
    window: number,
  ): void {
    const n = this.#time.length;
    if (n === 0 || i - this.#starts[n - 1] === this.#time[n - 1].length) {
      const size = n === 0 ? LOG_CHUNK_MIN : Math.min(LOG_CHUNK_MAX, this.#time[n - 1].length * 2);
      this.#time.push(new Float64Array(size));
      this.#u32.push(new Uint32Array(size * U32_FIELDS));
      this.#u16.push(new Uint16Array(size));
      this.#starts.push(i);
    }
    const c = this.#time.length - 1;
    const j = i - this.#starts[c];
    if (
      frame >>> 0 !== frame || seq >>> 0 !== seq || ack >>> 0 !== ack || len >>> 0 !== len ||
      labels >>> 0 !== labels || window >>> 0 !== window || (flags & 0x7fff) !== flags ||
      (side !== 0 && side !== 1)
    ) {
      (this.#odd ??= new Map()).set(i, { frame, time, side, flags, seq, ack, len, labels, window });
      return;
    }
    this.#time[c][j] = time;
    const u = this.#u32[c];
    const k = j * U32_FIELDS;
    u[k] = frame;
    u[k + 1] = seq;
    u[k + 2] = ack;
    u[k + 3] = len;
    u[k + 4] = labels;
    u[k + 5] = window;
    this.#u16[c][j] = flags | (side << 15);
  }

  at(i: number): SegmentRecord {
    if (this.#odd !== null) {
      const r = this.#odd.get(i);
      if (r !== undefined) return { ...r };
    }
    const st = this.#starts;
    let c = this.#last;
    if (i < st[c] || (c + 1 < st.length && i >= st[c + 1])) {
      let lo = 0, hi = st.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (st[mid] <= i) lo = mid;
        else hi = mid - 1;
      }
      c = this.#last = lo;
    }
    const j = i - st[c];
    const u = this.#u32[c];
    const k = j * U32_FIELDS;
    const fs = this.#u16[c][j];
    return {
      frame: u[k],
      time: this.#time[c][j],
      side: (fs >> 15) as Side,
      flags: fs & 0x7fff,
      seq: u[k + 1],
      ack: u[k + 2],
      len: u[k + 3],
      labels: u[k + 4],
      window: u[k + 5],
    };
  }
}

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
/**
 * A zeroed per-side array to copy (cheaper than a typed array). Made from
 * non-integers first so engines store it as doubles from the start (sequence
 * numbers above 2^30 would otherwise convert each connection's array once).
 */
const PER_SIDE_ZERO: readonly number[] = Array.from({ length: 26 }, () => 0.5).fill(0);

/** Facts gathered segment by segment; the scenario predicates read only these. */
export class ConnFacts {
  /** Per-side counters: `p[SEGS + side]` etc. (see the constants above). */
  p: number[] = PER_SIDE_ZERO.slice();
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

/** IPv4 address strings kept per {@link AddrNames} (a capture has few distinct hosts); restarts when full. */
const V4_NAMES_CAP = 4096;

/**
 * Address strings from a tuple's address words, made with a formatter
 * (lib/decode addrString) and, for IPv4, cached. One per tracker, shared by
 * its connections.
 */
export class AddrNames {
  readonly #fmt: (buf: Uint8Array, off: number, version: 4 | 6) => string;
  readonly #bytes = new Uint8Array(16);
  readonly #v4 = new Map<number, string>();

  constructor(fmt: (buf: Uint8Array, off: number, version: 4 | 6) => string) {
    this.#fmt = fmt;
  }

  /**
   * The address with these words (IPv4 uses `w0` only).
   *
   * @example
   * ```ts
   * import { addrString } from "../decode/addr.ts";
   * new AddrNames(addrString).text(4, 0x7f000001, 0, 0, 0); // "127.0.0.1"
   * ```
   */
  text(v: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
    const b = this.#bytes;
    if (v === 4) {
      let text = this.#v4.get(w0);
      if (text === undefined) {
        putWord(b, 0, w0);
        text = this.#fmt(b, 0, 4);
        if (this.#v4.size >= V4_NAMES_CAP) this.#v4.clear();
        this.#v4.set(w0, text);
      }
      return text;
    }
    putWord(b, 0, w0);
    putWord(b, 4, w1);
    putWord(b, 8, w2);
    putWord(b, 12, w3);
    return this.#fmt(b, 0, 6);
  }
}

function putWord(b: Uint8Array, off: number, w: number): void {
  b[off] = w >>> 24;
  b[off + 1] = (w >>> 16) & 255;
  b[off + 2] = (w >>> 8) & 255;
  b[off + 3] = w & 255;
}

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
  /** ISN (or first seq − 1) per side, and whether known. */
  base: [number, number] = [0, 0];
  baseSet: [boolean, boolean] = [false, false];
  /** Window scale from each side's SYN (-1 none); scaling applies when both are set. */
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
  /** Why the connection was handed over (set just before `onEnd`). */
  endReason: EndReason = "";
  /** Connection epoch on its 4-tuple: 1, then 2 for the next SYN after it ended, ... */
  epoch = 1;
  /**
   * Id of the previous epoch whose SYN had the same ISN as this one's (a client
   * retrying the same connect() after an RST, as Windows does), 0 otherwise.
   */
  retryOf = 0;
  /** The tracker gave up on it (endReason "expired"): no more packets were waited for. */
  expired = false;
  /** Which limit expired it ("" when not expired). */
  expiredBy: ExpiredBy = "";
  /** Neighbours in the tracker's idle-order list (oldest activity first). */
  idlePrev: TcpConn | null = null;
  idleNext: TcpConn | null = null;
  /** Which idle list holds it: 0 none, 1 half-open, 2 established. */
  idleList = 0;
  /** Capture time it was (re)queued in its idle list. */
  idleStamp = 0;
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
    this.fsm = keepStates ? [new EndpointFsm(keepDetail), new EndpointFsm(keepDetail)] : null;
    setPair(this.base, 0);
    setPair(this.baseSet, false);
    setPair(this.wscale, -1);
    setPair(this.winMul, 1);
    this.sent = keepIntervals ? [new SentLog(), new SentLog()] : null;
    this.wsRtt = 0;
    this.facts.reset();
    this.segLog = keepDetail ? new SegmentLog() : null;
    this.phases.length = 0;
    this.ended = false;
    this.epoch = 1;
    this.retryOf = 0;
    this.endReason = "";
    this.expired = false;
    this.expiredBy = "";
    this.idlePrev = null;
    this.idleNext = null;
    this.idleList = 0;
    this.idleStamp = 0;
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

function setPair<T>(pair: [T, T], v: T): void {
  pair[0] = v;
  pair[1] = v;
}
