/**
 * The tombstones ended connections leave (lib/tcp/tracker.ts has the rules):
 * each one's key and last sequence state, kept for a while so late packets
 * of the ended connection are recognised and a new SYN on the same tuple
 * starts a new epoch.
 *
 * They live in one Float64Array, a row per tombstone, in a ring of
 * {@link TOMBSTONE_CAP} rows in the order the connections ended (the oldest
 * is evicted first), with an index of Int32Array bucket chains by the
 * tuple's hash. As objects (a record, two direction records and a boxed
 * double per large number field, about 20 heap objects and 800 bytes each)
 * the 8,192 tombstones of a busy capture cost Deno 12% of the time of
 * `explain --summary` on the benchmark capture, in cache misses when a
 * connection ended or began; as rows they take 320 bytes each (five cache
 * lines), in order, and an eviction touches only the index and the linger
 * ends, which are kept apart from the rows.
 * @module
 */
import { analyzeSegment, type DirSeq } from "./analysis.ts";
import { revShift } from "./segment.ts";
import type { SegmentView } from "./segment_view.ts";
import type { Side, TcpConn } from "./conn.ts";
import type { TupleView } from "./flow.ts";
import { TOMBSTONE_CAP } from "./tracker_options.ts";

// Row layout: the key first (what a lookup reads), then the state.
const V = 0, A0 = 1, B0 = 5, A_PORT = 9, B_PORT = 10;
const ISN = 11, NEXT = 13, WS = 15, RTT = 17, ID = 18, EPOCH = 19;
/** Start of endpoint A's direction state; B's follows it. */
const DIR = 20;
const DIR_FIELDS = 10;
const STRIDE = DIR + 2 * DIR_FIELDS;

/** Ended connections' tombstones: a ring of rows and a hash index; see the module doc. */
export class Tombstones {
  readonly #cap: number;
  readonly #rows: Float64Array;
  /** Bucket heads: row + 1 (0: empty). */
  readonly #heads: Int32Array;
  /** Next row in the same bucket: row + 1 (0: none). */
  readonly #next: Int32Array;
  /** Each row's tuple hash, apart from the rows: a lookup reads a row only when its hash matches. */
  readonly #hashes: Int32Array;
  /** 1 while the row is in the index (a row stays in the ring after it leaves it). */
  readonly #indexed: Uint8Array;
  /**
   * Each row's linger end, apart from the rows: adding a tombstone reads the
   * oldest row's, and that row has long left the CPU's caches.
   */
  readonly #until: Float64Array;
  readonly #shift: number;
  /** Oldest row of the ring, and rows in the ring. */
  #head = 0;
  #count = 0;
  #size = 0;
  /** Direction of the last successful {@link find}: 1 = A→B, 2 = B→A. */
  lastDir: 0 | 1 | 2 = 0;

  constructor(cap = TOMBSTONE_CAP) {
    this.#cap = Math.max(1, cap);
    this.#rows = new Float64Array(this.#cap * STRIDE);
    let buckets = 2;
    while (buckets < this.#cap * 2 && buckets < 1 << 30) buckets *= 2;
    this.#heads = new Int32Array(buckets);
    this.#next = new Int32Array(this.#cap);
    this.#hashes = new Int32Array(this.#cap);
    this.#indexed = new Uint8Array(this.#cap);
    this.#until = new Float64Array(this.#cap);
    this.#shift = 30 - Math.log2(buckets);
  }

  /** Tombstones in the index. */
  get size(): number {
    return this.#size;
  }

  /**
   * The row of the tombstone for this tuple (either direction), or -1.
   *
   * @example
   * ```ts
   * import { TupleView } from "./flow.ts";
   * new Tombstones().find(new TupleView()); // -1
   * ```
   */
  find(t: TupleView): number {
    const rows = this.#rows, hashes = this.#hashes, hash = t.hash;
    let r = this.#heads[hash >>> this.#shift] - 1;
    while (r >= 0) {
      const o = r * STRIDE;
      if (hashes[r] === hash && rows[o + V] === t.v) {
        if (
          rows[o + A_PORT] === t.sPort && rows[o + B_PORT] === t.dPort && rows[o + A0] === t.s0 &&
          rows[o + B0] === t.d0 && rows[o + A0 + 1] === t.s1 && rows[o + A0 + 2] === t.s2 &&
          rows[o + A0 + 3] === t.s3 && rows[o + B0 + 1] === t.d1 && rows[o + B0 + 2] === t.d2 &&
          rows[o + B0 + 3] === t.d3
        ) {
          this.lastDir = 1;
          return r;
        }
        if (
          rows[o + A_PORT] === t.dPort && rows[o + B_PORT] === t.sPort && rows[o + A0] === t.d0 &&
          rows[o + B0] === t.s0 && rows[o + A0 + 1] === t.d1 && rows[o + A0 + 2] === t.d2 &&
          rows[o + A0 + 3] === t.d3 && rows[o + B0 + 1] === t.s1 && rows[o + B0 + 2] === t.s2 &&
          rows[o + B0 + 3] === t.s3
        ) {
          this.lastDir = 2;
          return r;
        }
      }
      r = this.#next[r] - 1;
    }
    return -1;
  }

  /** Takes a row out of the index (it stays in the ring until evicted); a no-op when out. */
  remove(r: number): void {
    if (this.#indexed[r] === 0) return;
    this.#indexed[r] = 0;
    this.#size--;
    const b = this.#hashes[r] >>> this.#shift;
    const next = this.#next;
    let cur = this.#heads[b] - 1;
    if (cur === r) {
      this.#heads[b] = next[r];
    } else {
      while (cur >= 0 && next[cur] - 1 !== r) cur = next[cur] - 1;
      if (cur >= 0) next[cur] = next[r];
    }
    next[r] = 0;
  }

  /**
   * Evicts the tombstones whose linger ended before capture time `t` (and the
   * oldest while the ring is full), then adds one for `c`, lingering until `until`.
   */
  add(c: TcpConn, t: number, until: number): void {
    const cap = this.#cap, rows = this.#rows;
    const untils = this.#until;
    while (this.#count > 0 && (this.#count >= cap || untils[this.#head] < t)) {
      this.remove(this.#head);
      this.#head = this.#head + 1 === cap ? 0 : this.#head + 1;
      this.#count--;
    }
    let r = this.#head + this.#count;
    if (r >= cap) r -= cap;
    this.#count++;
    const o = r * STRIDE;
    rows[o + V] = c.v;
    rows[o + A0] = c.a0;
    rows[o + A0 + 1] = c.a1;
    rows[o + A0 + 2] = c.a2;
    rows[o + A0 + 3] = c.a3;
    rows[o + B0] = c.b0;
    rows[o + B0 + 1] = c.b1;
    rows[o + B0 + 2] = c.b2;
    rows[o + B0 + 3] = c.b3;
    rows[o + A_PORT] = c.aPort;
    rows[o + B_PORT] = c.bPort;
    this.#hashes[r] = c.hash;
    untils[r] = until;
    const a: Side = c.clientIsA ? 0 : 1;
    const b = (1 - a) as Side;
    rows[o + ISN] = c.baseSet[a] ? c.base[a] : -1;
    rows[o + ISN + 1] = c.baseSet[b] ? c.base[b] : -1;
    // uint32 here (the analysis keeps int32): -1 means none.
    rows[o + NEXT] = c.dirs[a].nextseqSet ? c.dirs[a].nextseq >>> 0 : -1;
    rows[o + NEXT + 1] = c.dirs[b].nextseqSet ? c.dirs[b].nextseq >>> 0 : -1;
    rows[o + WS] = c.wscale[a];
    rows[o + WS + 1] = c.wscale[b];
    rows[o + RTT] = c.wsRtt;
    rows[o + ID] = c.id;
    rows[o + EPOCH] = c.epoch;
    this.storeDir(r, true, c.dirs[a]);
    this.storeDir(r, false, c.dirs[b]);
    const bucket = c.hash >>> this.#shift;
    this.#next[r] = this.#heads[bucket];
    this.#heads[bucket] = r + 1;
    this.#indexed[r] = 1;
    this.#size++;
  }

  /** Capture time until which the tombstone absorbs late packets. */
  until(r: number): number {
    return this.#until[r];
  }

  /** ISN of endpoint A (`a`) or B, -1 unknown. */
  isn(r: number, a: boolean): number {
    return this.#rows[r * STRIDE + ISN + (a ? 0 : 1)];
  }

  /** Sequence number just after what endpoint A (`a`) or B had sent, -1 unknown. */
  next(r: number, a: boolean): number {
    return this.#rows[r * STRIDE + NEXT + (a ? 0 : 1)];
  }

  /** Window scale option of endpoint A (`a`) or B (-1 none seen, -2 SYN without it). */
  wscale(r: number, a: boolean): number {
    return this.#rows[r * STRIDE + WS + (a ? 0 : 1)];
  }

  /** The ended connection's handshake RTT (Wireshark's, 0 unknown). */
  rtt(r: number): number {
    return this.#rows[r * STRIDE + RTT];
  }

  /** The ended connection's id. */
  id(r: number): number {
    return this.#rows[r * STRIDE + ID];
  }

  /** The ended connection's epoch. */
  epoch(r: number): number {
    return this.#rows[r * STRIDE + EPOCH];
  }

  /** Copies endpoint A's (`a`) or B's direction state out of the row. */
  loadDir(r: number, a: boolean, to: DirSeq): void {
    const rows = this.#rows, o = r * STRIDE + DIR + (a ? 0 : DIR_FIELDS);
    to.nextseq = rows[o];
    to.nextseqSet = rows[o + 1] !== 0;
    to.nextseqTime = rows[o + 2];
    to.maxseq = rows[o + 3];
    to.maxSet = rows[o + 4] !== 0;
    to.lastack = rows[o + 5];
    to.lastackTime = rows[o + 6];
    to.window = rows[o + 7];
    to.dupacks = rows[o + 8];
    to.lastLabels = rows[o + 9];
  }

  /**
   * The labels a late packet of ended connection `r` gets from that
   * connection's sequence state (a late dup ACK, a retransmitted FIN), as the
   * analysis gives them; the state it leaves goes back into the row. `v` is
   * the segment (its window shift and first RTT are set here from the row);
   * `mine` and `theirs` are scratch records for the sender's and the other
   * direction.
   */
  analyzeLate(r: number, fromA: boolean, v: SegmentView, mine: DirSeq, theirs: DirSeq): number {
    v.revShift = revShift(this.wscale(r, fromA), this.wscale(r, !fromA));
    v.firstRtt = this.rtt(r);
    this.loadDir(r, fromA, mine);
    this.loadDir(r, !fromA, theirs);
    const m = analyzeSegment(mine, theirs, v);
    this.storeDir(r, fromA, mine);
    this.storeDir(r, !fromA, theirs);
    return m;
  }

  /** Copies a direction state into the row as endpoint A's (`a`) or B's. */
  storeDir(r: number, a: boolean, from: DirSeq): void {
    const rows = this.#rows, o = r * STRIDE + DIR + (a ? 0 : DIR_FIELDS);
    rows[o] = from.nextseq;
    rows[o + 1] = from.nextseqSet ? 1 : 0;
    rows[o + 2] = from.nextseqTime;
    rows[o + 3] = from.maxseq;
    rows[o + 4] = from.maxSet ? 1 : 0;
    rows[o + 5] = from.lastack;
    rows[o + 6] = from.lastackTime;
    rows[o + 7] = from.window;
    rows[o + 8] = from.dupacks;
    rows[o + 9] = from.lastLabels;
  }
}
