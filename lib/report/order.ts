/**
 * Puts connections back in id order (the order of their first packet) as
 * they end, within a bounded window: a connection is released as soon as
 * every connection with a smaller id has been released. When more than
 * `window` ended connections are waiting, the smallest waiting one is released
 * anyway and the earlier ones still open are no longer waited for (each is
 * written when it ends), so a connection open for the whole capture delays at
 * most `window` others. The result is id order whenever no more than `window`
 * connections ended while an earlier one was still open, and always the same
 * for the same capture.
 * @module
 */

/** The default number of ended connections held back to restore id order. */
export const REORDER_WINDOW = 1024;

/** A reorder window over items with a 1-based, gap-free-at-the-source id. */
export class IdOrder<T extends { id: number }> {
  #held: { id: number; item: T | undefined }[] = [];
  #next = 1;
  #window: number;
  #emit: (item: T) => void;

  /**
   * @example
   * ```ts
   * const out: number[] = [];
   * const o = new IdOrder<{ id: number }>((x) => out.push(x.id));
   * o.push({ id: 2 }); o.push({ id: 1 }); o.flush();
   * // out: [1, 2]
   * ```
   */
  constructor(emit: (item: T) => void, window = REORDER_WINDOW) {
    this.#emit = emit;
    this.#window = Math.max(0, window);
  }

  /** An item has ended; emits every item now in order. */
  push(item: T): void {
    this.#insert(item.id, item);
  }

  /**
   * Whether pushing `id` now would emit it at once (nothing is held and no
   * smaller id is awaited): the caller may then hand over output that is
   * only valid until it returns.
   *
   * @example
   * ```ts
   * const o = new IdOrder<{ id: number }>(() => {});
   * o.isNext(1); // true
   * ```
   */
  isNext(id: number): boolean {
    return this.#held.length === 0 && id <= this.#next;
  }

  /** An id that will never be pushed (filtered out): later ids need not wait for it. */
  skip(id: number): void {
    this.#insert(id, undefined);
  }

  #insert(id: number, item: T | undefined): void {
    const h = this.#held;
    // In order, nothing held (the common case: a SYN flood's connections end
    // in id order): emitted at once, no entry made.
    if (this.isNext(id)) {
      if (id === this.#next) this.#next = id + 1;
      if (item !== undefined) this.#emit(item);
      return;
    }
    // Insert sorted by id (binary search; the window is small).
    let lo = 0, hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid].id < id) lo = mid + 1;
      else hi = mid;
    }
    h.splice(lo, 0, { id, item });
    this.#drain();
  }

  /** Emits everything still held, in id order (at the end of the capture). */
  flush(): void {
    for (const x of this.#held) if (x.item !== undefined) this.#emit(x.item);
    this.#held.length = 0;
  }

  #drain(): void {
    const h = this.#held;
    let n = 0;
    while (n < h.length && (h[n].id <= this.#next || h.length - n > this.#window)) {
      const x = h[n++];
      if (x.id >= this.#next) this.#next = x.id + 1;
      if (x.item !== undefined) this.#emit(x.item);
    }
    if (n > 0) h.splice(0, n);
  }
}
