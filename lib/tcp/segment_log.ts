/**
 * A connection's segment records: {@link SegmentRecord} and the compact
 * {@link SegmentLog} that keeps them (the first few as objects, the rest in
 * typed-array chunks).
 * @module
 */
import type { Side } from "./conn.ts";

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
    const n = this.length;
    if (n < LOG_HEAD) {
      const head = this.#head;
      if (n < head.length) {
        const r = head[n];
        r.frame = frame;
        r.time = time;
        r.side = side;
        r.flags = flags;
        r.seq = seq;
        r.ack = ack;
        r.len = len;
        r.labels = labels;
        r.window = window;
      } else head.push({ frame, time, side, flags, seq, ack, len, labels, window });
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

  /**
   * Back to empty (the first records' objects are kept and overwritten: the
   * tracker reuses records, and {@link at} hands out copies).
   *
   * @example
   * ```ts
   * const log = new SegmentLog();
   * log.add(1, 0.5, 0, 2, 0, 0, 0, 1, 64240);
   * log.reset(); // log.length === 0
   * ```
   */
  reset(): void {
    this.length = 0;
    this.#chunks = null;
  }

  /** Record `i` (0 ≤ i < length), as a new object. */
  at(i: number): SegmentRecord {
    return i < LOG_HEAD ? copyRecord(this.#head[i]) : this.#chunks!.at(i - LOG_HEAD);
  }

  /**
   * Record `i` without a copy where it can: the log's own object, or one
   * scratch object refilled by each call. Read it before the next call and
   * never change it (the report writers walk millions of records this way).
   *
   * @example
   * ```ts
   * const log = new SegmentLog();
   * log.add(1, 0.5, 0, 2, 0, 0, 0, 1, 64240);
   * log.peek(0).frame; // 1
   * ```
   */
  peek(i: number): Readonly<SegmentRecord> {
    return i < LOG_HEAD ? this.#head[i] : this.#chunks!.at(i - LOG_HEAD);
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

/**
 * A copy of a record, field by field: an object spread goes through the
 * runtime's generic clone (JavaScriptCore's cloneObject: 0.6 s of Bun's 6.7 s
 * on the text of the 2.4 M-packet benchmark capture).
 */
function copyRecord(r: SegmentRecord): SegmentRecord {
  return {
    frame: r.frame,
    time: r.time,
    side: r.side,
    flags: r.flags,
    seq: r.seq,
    ack: r.ack,
    len: r.len,
    labels: r.labels,
    window: r.window,
  };
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
      if (r !== undefined) return copyRecord(r);
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
