/**
 * The reader's side of `explain --threads N` (docs/threads.md): the
 * placeholder id each shard formats connections with, putting the real id
 * in (as a string or as bytes), and {@link ShardMerger}, which merges the
 * shards' reports (lib/explain/shard.ts) into one engine's ids and end order.
 * @module
 */
import type { ShardReport } from "./shard.ts";

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

/** {@link ID_TEXT} as bytes. */
const ID_BYTES = Uint8Array.from(ID_TEXT, (c) => c.charCodeAt(0));

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
  const n = ID_BYTES.length;
  const first = ID_BYTES[0];
  for (
    let i = bytes.indexOf(first);
    i >= 0 && i + n <= bytes.length;
    i = bytes.indexOf(first, i + 1)
  ) {
    let k = 1;
    while (k < n && bytes[i + k] === ID_BYTES[k]) k++;
    if (k < n) continue;
    const digits = String(id);
    const idBytes = new Uint8Array(digits.length);
    for (let d = 0; d < digits.length; d++) idBytes[d] = digits.charCodeAt(d);
    return [bytes.subarray(0, i), idBytes, bytes.subarray(i + n)];
  }
  return [bytes];
}

/**
 * Merges the shards' reports of each batch into the single-threaded run's
 * ids and end order. `emit` gets each ended connection's id and output
 * (undefined: left out by the filter), in end order.
 */
export class ShardMerger {
  #next = 0;
  #maps: Map<number, number>[];
  #local: number[];
  readonly #emit: (id: number, text: string | Uint8Array | undefined) => void;

  constructor(
    shards: number,
    emit: (id: number, text: string | Uint8Array | undefined) => void,
  ) {
    this.#maps = Array.from({ length: shards }, () => new Map());
    this.#local = new Array(shards).fill(0);
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
    // Ends: by frame, then the sweep's classes, idle stamp and shard, each shard in its order.
    const order: number[][] = [];
    for (let s = 0; s < reports.length; s++) {
      const e = reports[s].ends;
      for (let i = 0; i < e.length; i += 5) {
        const id = this.#maps[s].get(e[i]) ?? 0;
        const key = e[i + 2] === 3 ? id : e[i + 3];
        order.push([e[i + 1], e[i + 2], key, s, i, id, e[i + 4]]);
      }
    }
    if (reports.length > 1) {
      order.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4]);
    }
    for (const [, , , s, i, id, text] of order) {
      this.#maps[s].delete(reports[s].ends[i]);
      const r = reports[s];
      if (text < 0) this.#emit(id, undefined);
      else if (r.bytes === null) this.#emit(id, r.texts[text]);
      else {
        const from = r.spans[2 * text];
        this.#emit(id, new Uint8Array(r.bytes, from, r.spans[2 * text + 1] - from));
      }
    }
  }
}
