/**
 * The reader's side of `explain --threads N` (docs/threads.md): the
 * placeholder id each shard formats connections with, putting the real id
 * in (as a string or as bytes), and {@link ShardMerger}, which merges the
 * shards' reports (lib/explain/shard.ts) into one engine's ids and end order.
 * @module
 */
import type { ShardReport } from "./shard.ts";
import { TOMBSTONE_CAP } from "../tcp/tracker_options.ts";

/**
 * The id a connection carries while a shard formats it. Every format writes
 * the id before any other number (the text's `#id`, JSON's first key, the
 * table's first cell), so {@link withId} replaces its first occurrence only
 * and a byte count that happens to look the same is left alone. A small
 * integer, like every real id, so the engine's records keep their shape.
 */
export const ID_PLACEHOLDER = 999_999_999;
/** {@link ID_PLACEHOLDER} as text. */
export const ID_TEXT = String(ID_PLACEHOLDER);

/**
 * The id a shard writes for the ended connection a connection continues
 * (`TcpConn.continues`, named in its sentence, which every format writes
 * before any sequence number): the shard knows only its own ids, so the
 * reader puts the real one in ({@link ShardMerger}), in as many of the
 * first occurrences as the shard counted in the sentence.
 */
export const CONTINUES_PLACEHOLDER = 999_999_998;
/** {@link CONTINUES_PLACEHOLDER} as text. */
export const CONTINUES_TEXT = String(CONTINUES_PLACEHOLDER);

/** Numbers per ended connection in {@link ShardReport.ends}. */
export const END_FIELDS = 6;

/**
 * The output with the placeholder id (its first occurrence) replaced by `id`.
 *
 * @example
 * ```ts
 * withId(`{"id":${ID_TEXT},"x":1}`, 7); // '{"id":7,"x":1}'
 * ```
 */
export function withId(text: string, id: number): string {
  return text.replace(ID_TEXT, String(id));
}

/**
 * {@link withId} of UTF-8 bytes, as pieces: the bytes before the placeholder,
 * the id, the bytes after it (views of `bytes`, not copies).
 *
 * @example
 * ```ts
 * const enc = new TextEncoder();
 * const parts = withIdBytes(enc.encode(`{"id":${ID_TEXT}}`), 7);
 * parts.map((p) => new TextDecoder().decode(p)).join(""); // '{"id":7}'
 * ```
 */
export function withIdBytes(bytes: Uint8Array, id: number): Uint8Array[] {
  const i = findAscii(bytes, ID_TEXT, 0);
  if (i < 0) return [bytes];
  const digits = String(id);
  const idBytes = new Uint8Array(digits.length);
  for (let d = 0; d < digits.length; d++) idBytes[d] = digits.charCodeAt(d);
  return [bytes.subarray(0, i), idBytes, bytes.subarray(i + ID_TEXT.length)];
}

/**
 * The first `count` occurrences of {@link CONTINUES_PLACEHOLDER} in a
 * connection's output replaced by `id` (bytes: a new array).
 */
export function withContinues(
  text: string | Uint8Array,
  id: number,
  count: number,
): string | Uint8Array {
  const digits = String(id), n = CONTINUES_TEXT.length;
  if (typeof text === "string") {
    let out = text;
    for (let k = 0, from = 0; k < count; k++) {
      const at = out.indexOf(CONTINUES_TEXT, from);
      if (at < 0) break;
      out = out.slice(0, at) + digits + out.slice(at + n);
      from = at + digits.length;
    }
    return out;
  }
  const cuts: number[] = [];
  for (let from = 0; cuts.length < count;) {
    const at = findAscii(text, CONTINUES_TEXT, from);
    if (at < 0) break;
    cuts.push(at);
    from = at + n;
  }
  if (cuts.length === 0) return text;
  const out = new Uint8Array(text.length + cuts.length * (digits.length - n));
  let r = 0, w = 0;
  for (const at of cuts) {
    out.set(text.subarray(r, at), w);
    w += at - r;
    for (let d = 0; d < digits.length; d++) out[w++] = digits.charCodeAt(d);
    r = at + n;
  }
  out.set(text.subarray(r), w);
  return out;
}

/** Where ASCII `s` first occurs in `bytes` from `from` on, or -1. */
function findAscii(bytes: Uint8Array, s: string, from: number): number {
  const first = s.charCodeAt(0);
  for (
    let i = bytes.indexOf(first, from);
    i >= 0 && i + s.length <= bytes.length;
    i = bytes.indexOf(first, i + 1)
  ) {
    let k = 1;
    while (k < s.length && bytes[i + k] === s.charCodeAt(k)) k++;
    if (k === s.length) return i;
  }
  return -1;
}

/**
 * Merges the shards' reports of each batch into the single-threaded run's
 * ids and end order. `emit` gets each ended connection's id and output
 * (undefined: left out by the filter), in end order.
 */
export class ShardMerger {
  #next = 0;
  /** Per shard: local id to the run's id, of open connections and of the tombstoned in {@link #tombs}. */
  #maps: Map<number, number>[];
  #local: number[];
  /**
   * Per shard: the local ids of the last {@link TOMBSTONE_CAP} connections
   * that left a tombstone, in the order they ended (a ring, `#tombAt` the
   * next slot). A shard's tombstones are a ring of that size filled in the
   * same order, so a connection that continues an ended one continues one of
   * these, whose id is still in `#maps`.
   */
  #tombs: Int32Array[];
  #tombAt: number[];
  /** Per shard: a connection still open that continues an ended one, and that one's real id. */
  #continues: Map<number, number>[];
  readonly #emit: (id: number, text: string | Uint8Array | undefined) => void;

  constructor(
    shards: number,
    emit: (id: number, text: string | Uint8Array | undefined) => void,
  ) {
    this.#maps = Array.from({ length: shards }, () => new Map());
    this.#local = new Array(shards).fill(0);
    this.#tombs = Array.from({ length: shards }, () => new Int32Array(TOMBSTONE_CAP));
    this.#tombAt = new Array(shards).fill(0);
    this.#continues = Array.from({ length: shards }, () => new Map());
    this.#emit = emit;
  }

  /** Connections given an id so far. */
  get ids(): number {
    return this.#next;
  }

  /** The reports of one batch, one per shard, in shard order. */
  add(reports: ShardReport[]): void {
    // Ids: the creations of every shard in frame order (one frame creates at most one).
    const at = new Array(reports.length).fill(0);
    for (;;) {
      let best = -1, frame = Infinity;
      for (let s = 0; s < reports.length; s++) {
        const c = reports[s].creates;
        if (at[s] < c.length && c[at[s]] < frame) {
          frame = c[at[s]];
          best = s;
        }
      }
      if (best < 0) break;
      at[best]++;
      this.#maps[best].set(++this.#local[best], ++this.#next);
    }
    // Connections that continue an ended one: that one's id, while it is known.
    for (let s = 0; s < reports.length; s++) {
      const l = reports[s].links;
      for (let i = 0; i < l.length; i += 2) {
        this.#continues[s].set(l[i], this.#maps[s].get(l[i + 1]) ?? 0);
      }
    }
    // Ends: by frame, then the sweep's classes (half-open list, open list),
    // the frame each was queued at (a list's order: one sweep expires in it),
    // and shard, each shard in its order.
    const order: number[][] = [];
    for (let s = 0; s < reports.length; s++) {
      const e = reports[s].ends;
      for (let i = 0; i < e.length; i += END_FIELDS) {
        const id = this.#maps[s].get(e[i]) ?? 0;
        const key = e[i + 2] === 3 ? id : e[i + 3];
        order.push([e[i + 1], e[i + 2], key, s, i, id, e[i + 4]]);
      }
    }
    if (reports.length > 1) {
      order.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4]);
    }
    for (const [, , , s, i, id, text] of order) {
      const r = reports[s];
      const local = r.ends[i], flags = r.ends[i + 5];
      this.#forget(s, local, (flags & 1) === 1);
      const cont = this.#continues[s].get(local);
      if (cont !== undefined) this.#continues[s].delete(local);
      let out: string | Uint8Array | undefined;
      if (text < 0) out = undefined;
      else if (r.bytes === null) out = r.texts[text];
      else {
        const from = r.spans[2 * text];
        out = new Uint8Array(r.bytes, from, r.spans[2 * text + 1] - from);
      }
      const named = flags >> 1;
      this.#emit(
        id,
        cont !== undefined && named > 0 && out !== undefined
          ? withContinues(out, cont, named)
          : out,
      );
    }
  }

  /**
   * An ended connection's local id: dropped, or, when it left a tombstone,
   * kept until {@link TOMBSTONE_CAP} later tombstones have pushed it out.
   */
  #forget(s: number, local: number, tomb: boolean): void {
    if (!tomb) {
      this.#maps[s].delete(local);
      return;
    }
    const ring = this.#tombs[s], at = this.#tombAt[s];
    if (ring[at] !== 0) this.#maps[s].delete(ring[at]);
    ring[at] = local;
    this.#tombAt[s] = at + 1 === ring.length ? 0 : at + 1;
  }
}
