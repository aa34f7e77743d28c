/**
 * The pure parts of `explain --threads N` (docs/threads.md): the reader
 * decodes each frame just to find its connection, hashes the 4-tuple
 * (either direction alike) to one of N shards and appends the frame to that
 * shard's batch ({@link BatchWriter}); every other shard gets a "tick" (frame
 * number and time only) so its idle limits expire connections at the same
 * frame as one engine would. Each shard runs its own {@link Explainer}
 * ({@link ShardRunner}) and reports, per batch, the frames where it created a
 * connection and the connections that ended, each already formatted with a
 * placeholder id. ShardMerger (shard_merge.ts) merges the shards' reports
 * batch by batch: connection ids follow the first frame's number across all
 * shards, and ends are put in the order the single-threaded engine ends them.
 *
 * Nothing here starts a thread: cmd/explain_threads.ts moves the batches.
 * @module
 */
import { newFrame } from "../capture/parser.ts";
import type { Frame } from "../capture/types.ts";
import { decodeFrame, newPacket } from "../decode/mod.ts";
import type { Packet } from "../decode/types.ts";
import { type ConnFilter, type Detail, type Explained, Explainer, matches } from "./engine.ts";
import type { TrackerLimits } from "../tcp/tracker_options.ts";
import { CONTINUES_PLACEHOLDER, CONTINUES_TEXT, ID_PLACEHOLDER } from "./shard_merge.ts";

const REC_FRAME = 0;
const REC_TICK = 1;
/** A tick that only sets the clock (the first frame of the capture when it is no TCP). */
const REC_CLOCK = 2;
/**
 * A frame record: u32 kind | hasTimestamp << 8, u32 frame number, f64
 * seconds, u32 nanoseconds, u32 link type, u32 interface, u32 caplen, u32
 * original length, u32 unused, then the bytes; every record starts at a
 * multiple of 8. A tick is the first 24 bytes.
 */
const FRAME_HEAD = 40;
const TICK_SIZE = 24;

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x01000193);
  return h ^ (h >>> 15);
}

function endpointHash(buf: Uint8Array, off: number, len: number, port: number): number {
  let h = mix(0x811c9dc5, port);
  for (let i = 0; i < len; i++) h = mix(h, buf[off + i]);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * The shard (0..shards-1) of a decoded frame's connection, the same for both
 * directions; an ICMP error goes with the TCP connection it quotes. -1 for a
 * frame no TCP connection uses (the engine would ignore it).
 *
 * @example
 * ```ts
 * import { newPacket } from "../decode/mod.ts";
 * shardOf(newPacket(), 2); // -1: not a TCP frame
 * ```
 */
export function shardOf(p: Packet, shards: number): number {
  let h: number;
  if (p.kind === "tcp") {
    const len = p.ipVersion === 6 ? 16 : 4;
    h = endpointHash(p.buf, p.srcOff, len, p.srcPort) ^
      endpointHash(p.buf, p.dstOff, len, p.dstPort);
  } else if (p.kind === "icmp-unreachable" && p.quotedProto === 6 && p.quotedSrcPort >= 0) {
    const len = p.quotedIpVersion === 6 ? 16 : 4;
    h = endpointHash(p.buf, p.quotedSrcOff, len, p.quotedSrcPort) ^
      endpointHash(p.buf, p.quotedDstOff, len, p.quotedDstPort);
  } else return -1;
  return (h >>> 0) % shards;
}

/**
 * One shard's batch: frame records (header and bytes) and ticks, in frame
 * order, in one buffer that is handed over whole ({@link take}); buffers
 * that come back ({@link recycle}) are written again.
 */
export class BatchWriter {
  #buf!: Uint8Array;
  #u32!: Uint32Array;
  #f64!: Float64Array;
  /** Bytes written. */
  length = 0;
  readonly #size: number;
  #spare: ArrayBuffer[] = [];

  constructor(size = 1 << 20) {
    this.#size = (size + 7) & ~7;
    this.#use(new ArrayBuffer(this.#size));
  }

  /** A frame this shard analyses (its bytes are copied). */
  frame(f: Frame): void {
    const n = Math.min(f.caplen, Math.max(0, f.buf.length - f.offset));
    const need = FRAME_HEAD + ((n + 7) & ~7);
    if (this.length + need > this.#buf.length) this.#grow(need);
    const o = this.length, w = o >> 2, u = this.#u32;
    u[w] = REC_FRAME | (f.hasTimestamp ? 256 : 0);
    u[w + 1] = f.index;
    this.#f64[(o >> 3) + 1] = f.tsSec;
    u[w + 4] = f.tsNsec;
    u[w + 5] = f.linkType;
    u[w + 6] = f.interfaceId;
    u[w + 7] = n;
    u[w + 8] = f.origLen;
    const to = this.#buf, from = f.buf;
    if (n <= 256) {
      for (let i = 0, at = o + FRAME_HEAD, src = f.offset; i < n; i++) to[at + i] = from[src + i];
    } else to.set(from.subarray(f.offset, f.offset + n), o + FRAME_HEAD);
    this.length = o + need;
  }

  /**
   * Another shard's TCP frame went by at this time (`expire`), or the
   * capture's first frame, which carries no TCP, set the clock (not `expire`).
   */
  tick(index: number, tsSec: number, tsNsec: number, expire = true): void {
    if (this.length + TICK_SIZE > this.#buf.length) this.#grow(TICK_SIZE);
    const o = this.length, w = o >> 2, u = this.#u32;
    u[w] = expire ? REC_TICK : REC_CLOCK;
    u[w + 1] = index;
    this.#f64[(o >> 3) + 1] = tsSec;
    u[w + 4] = tsNsec;
    this.length = o + TICK_SIZE;
  }

  /** The batch so far (its own buffer, safe to transfer); the writer starts a new one. */
  take(): Uint8Array {
    const out = this.#buf.subarray(0, this.length);
    const next = this.#spare.pop();
    this.#use(next ?? new ArrayBuffer(this.#size));
    return out;
  }

  /** A buffer given by {@link take} that is free again. */
  recycle(buf: ArrayBuffer): void {
    if (buf.byteLength === this.#size && this.#spare.length < 8) this.#spare.push(buf);
  }

  #use(ab: ArrayBuffer): void {
    this.#buf = new Uint8Array(ab);
    this.#u32 = new Uint32Array(ab);
    this.#f64 = new Float64Array(ab);
    this.length = 0;
  }

  #grow(n: number): void {
    const old = this.#buf, len = this.length;
    this.#use(new ArrayBuffer((Math.max(old.length * 2, len + n) + 7) & ~7));
    this.#buf.set(old.subarray(0, len));
    this.length = len;
  }
}

/** Reads the records of a batch made by {@link BatchWriter} (the shard side). */
export function batchViews(batch: Uint8Array): { u32: Uint32Array; f64: Float64Array } {
  return {
    u32: new Uint32Array(batch.buffer, batch.byteOffset, batch.byteLength >> 2),
    f64: new Float64Array(batch.buffer, batch.byteOffset, batch.byteLength >> 3),
  };
}

/** One shard's report for one batch (structured-clone friendly). */
export interface ShardReport {
  /** Frame numbers where this shard created a connection, in order (its local ids 1, 2, ...). */
  creates: number[];
  /**
   * Connections created that continue an ended one (`TcpConn.continues`), two
   * local ids each: the new connection's and the ended one's. The reader
   * puts the ended one's real id into the new one's output.
   */
  links: number[];
  /**
   * Ended connections, six numbers each (`END_FIELDS` in shard_merge.ts): local id, the frame
   * being handled when it ended (Infinity at the capture's end), its class (0
   * expired half-open by the idle sweep, 1 expired idle by the sweep, 2 ended
   * by the frame itself, 3 the capture's end), the frame it was last queued
   * in its idle list at (`TcpConn.idleFrame`, sweep classes: a sweep expires
   * in that order), the index of its output (in `texts`, or the `spans` pair of
   * `bytes`; -1: left out by the filter), and flags: bit 0 set when it left
   * a tombstone (it was reset or closed: a later connection may continue
   * it), and above it how many times its output names the connection it
   * continues ({@link CONTINUES_PLACEHOLDER}, all in its sentence).
   */
  ends: number[];
  /**
   * Each reported connection's output, with {@link ID_PLACEHOLDER} as its id
   * and {@link CONTINUES_PLACEHOLDER} as the id of the connection it continues.
   */
  texts: string[];
  /**
   * With {@link ShardOptions.formatInto}: the outputs as UTF-8 bytes, one
   * buffer for the report (transferred to the reader, not copied), and where
   * each output starts and ends in it (two numbers each).
   */
  bytes: ArrayBuffer | null;
  spans: number[];
}

/** Where {@link ShardOptions.formatInto} writes (lib/report/ascii_buffer.ts AsciiBuffer). */
export interface ByteSink {
  /** Bytes written; set to 0 to empty the sink (its memory is kept for what comes next). */
  length: number;
  /** The bytes written, as a view (valid until the next write). */
  view(): Uint8Array;
}

/** Report buffers a runner keeps for reuse ({@link ShardRunner.recycle}). */
const SPARES_MAX = 8;
/** The smallest report buffer made (a bigger one is the next power of two). */
const REPORT_MIN = 64 * 1024;

/** What a shard says once the capture has ended. */
export interface ShardTotals {
  connections: number;
  unassigned: Record<string, number>;
  expired: Record<string, number>;
}

/** Options of {@link ShardRunner}. */
export interface ShardOptions {
  detail: Detail;
  reuse: boolean;
  filter?: ConnFilter;
  /** The tracker's limits (each shard has its own: a cap holds per shard). */
  limits?: TrackerLimits;
  /** Formats a connection (its `conn.id` is the placeholder while this runs). */
  format(e: Explained): string;
  /**
   * Formats a connection as bytes into `sink` instead (a report's outputs then
   * travel as one transferred buffer: a string per connection, cloned into
   * the reader, made the reader's heap grow; docs/threads.md).
   */
  formatInto?: { sink: ByteSink; write(e: Explained): void };
}

function emptyReport(): ShardReport {
  return { creates: [], links: [], ends: [], texts: [], bytes: null, spans: [] };
}

/** One shard's engine: batches in, {@link ShardReport}s out. */
export class ShardRunner {
  readonly #ex: Explainer;
  readonly #pkt = newPacket({ synOptionsOnly: true });
  #frame: Frame = newFrame();
  #now = 0;
  #lastId = 0;
  #report: ShardReport = emptyReport();
  readonly #into: ShardOptions["formatInto"];
  /** Report buffers the reader gave back, to be written again. */
  #spares: ArrayBuffer[] = [];

  constructor(opts: ShardOptions) {
    const filter = opts.filter;
    const into = this.#into = opts.formatInto;
    this.#ex = new Explainer({
      detail: opts.detail,
      reuse: opts.reuse,
      limits: opts.limits,
      onConnection: (e) => {
        const c = e.conn;
        const r = this.#report;
        const cls = this.#now === Infinity
          ? 3
          : c.endReason === "expired" && c.expiredBy === "half-open"
          ? 0
          : c.endReason === "expired" && c.expiredBy === "idle"
          ? 1
          : 2;
        let text = -1, named = 0;
        if (matches(c, filter)) {
          const id = c.id, continues = c.continues;
          c.id = ID_PLACEHOLDER;
          if (continues > 0) {
            c.continues = CONTINUES_PLACEHOLDER;
            // The sentence, made now (it is kept), names it this many times.
            named = e.verdict.summary.split(CONTINUES_TEXT).length - 1;
          }
          try {
            if (into === undefined) text = r.texts.push(opts.format(e)) - 1;
            else {
              const start = into.sink.length;
              into.write(e);
              text = (r.spans.push(start, into.sink.length) >> 1) - 1;
            }
          } finally {
            c.id = id;
            c.continues = continues;
          }
        }
        const tomb = c.endReason === "reset" || c.endReason === "closed" ? 1 : 0;
        r.ends.push(c.id, this.#now, cls, cls < 2 ? c.idleFrame : 0, text, tomb | (named << 1));
      },
    });
  }

  /** Runs one batch (made by {@link BatchWriter}); returns what it reported. */
  run(batch: Uint8Array): ShardReport {
    const { u32, f64 } = batchViews(batch);
    const ex = this.#ex, tr = ex.tracker, f = this.#frame, r = this.#report;
    const end = batch.length;
    let o = 0;
    while (o < end) {
      const w = o >> 2;
      const kind = u32[w] & 255;
      const index = u32[w + 1];
      const tsSec = f64[(o >> 3) + 1];
      const tsNsec = u32[w + 4];
      this.#now = index;
      if (kind !== REC_FRAME) {
        ex.advance(tsSec, tsNsec, kind === REC_TICK, index);
        o += TICK_SIZE;
        continue;
      }
      const n = u32[w + 7];
      f.index = index;
      f.tsSec = tsSec;
      f.tsNsec = tsNsec;
      f.hasTimestamp = (u32[w] & 256) !== 0;
      f.linkType = u32[w + 5];
      f.interfaceId = u32[w + 6];
      f.caplen = n;
      f.origLen = u32[w + 8];
      f.buf = batch;
      f.offset = o + FRAME_HEAD;
      ex.push(decodeFrame(f, this.#pkt));
      if (tr.lastId !== this.#lastId) {
        this.#lastId = tr.lastId;
        r.creates.push(index);
        if (tr.lastContinues > 0) r.links.push(tr.lastId, tr.lastContinues);
      }
      o += FRAME_HEAD + ((n + 7) & ~7);
    }
    return this.#take();
  }

  /**
   * The capture ended at this time (its last frame's): every open connection
   * ends. Returns the last report and the shard's totals.
   */
  finish(tsSec: number, tsNsec: number): { report: ShardReport; totals: ShardTotals } {
    const ex = this.#ex;
    ex.advance(tsSec, tsNsec, false);
    this.#now = Infinity;
    ex.finish();
    const report = this.#take();
    return {
      report,
      totals: {
        connections: ex.connections,
        unassigned: { ...ex.tracker.unassigned },
        expired: { ...ex.tracker.expired },
      },
    };
  }

  /**
   * A report's buffer the reader is done with (its outputs were copied or
   * written): a later report is written into it. The reader gives buffers
   * back instead of dropping them because a dropped one is freed only when
   * the reader's heap is next collected, which a reader that allocates little
   * rarely does (Deno held up to 67 MiB of them with `--threads 2`).
   */
  recycle(buf: ArrayBuffer): void {
    if (buf.byteLength === 0) return;
    if (this.#spares.length < SPARES_MAX) this.#spares.push(buf);
  }

  #take(): ShardReport {
    const r = this.#report;
    this.#report = emptyReport();
    const sink = this.#into?.sink;
    if (sink !== undefined && r.spans.length > 0) {
      const n = sink.length;
      r.bytes = this.#buffer(n);
      new Uint8Array(r.bytes, 0, n).set(sink.view());
      sink.length = 0;
    }
    return r;
  }

  /** A buffer of at least `n` bytes: a spare that fits, else a new one. */
  #buffer(n: number): ArrayBuffer {
    const spares = this.#spares;
    for (let i = spares.length - 1; i >= 0; i--) {
      const b = spares[i];
      if (b.byteLength < n) continue;
      spares[i] = spares[spares.length - 1];
      spares.pop();
      return b;
    }
    let size = REPORT_MIN;
    while (size < n) size *= 2;
    return new ArrayBuffer(size);
  }
}
