/**
 * Output of the streamed formats (text, json, ndjson) waiting for the next
 * write, kept as UTF-8 bytes in one reusable buffer instead of strings: a
 * connection's output is encoded the moment it is pushed, so neither its
 * strings nor the connection they were made from stay alive until the write
 * (they would live through young-generation collections and be promoted,
 * and the runtimes collect promoted garbage late: docs/reliability.md).
 * Output made lazily (a generator of pieces) is encoded at once while the
 * buffer holds less than a budget; past it, the rest of that part and every
 * later part wait as they are and are encoded only while being written, so a
 * connection of millions of segments never becomes one buffer.
 * @module
 */
import { AsciiBuffer } from "./ascii_buffer.ts";

/** Bytes held before lazy output is left lazy (a SYN flood's 128 KiB read makes about 2-5 MB). */
export const QUEUE_BUDGET = 8 * 1024 * 1024;
/** Lazy output is written in pieces of about this many bytes. */
const PIECE = 64 * 1024;

/** Output in order: encoded bytes first, then parts not yet encoded. */
export class OutputQueue {
  #buf: AsciiBuffer;
  #budget: number;
  /** Parts pushed after the budget was reached, in order (strings or started iterators). */
  #later: (string | Iterator<string>)[] = [];

  /**
   * @example
   * ```ts
   * const q = new OutputQueue();
   * q.push("a\n");
   * q.push(["b", "\n"]);
   * const chunks: Uint8Array[] = [];
   * await q.writeTo(async (b) => { chunks.push(b.slice()); });
   * // new TextDecoder().decode(chunks[0]) === "a\nb\n"
   * ```
   */
  constructor(budget = QUEUE_BUDGET) {
    this.#budget = budget;
    this.#buf = new AsciiBuffer(Math.min(budget, 256 * 1024));
  }

  /** Bytes encoded and not yet written. */
  get length(): number {
    return this.#buf.length;
  }

  /** Appends output: encoded now, or (past the budget) kept to be encoded when written. */
  push(part: string | Iterable<string>): void {
    if (this.#later.length > 0 || this.#buf.length >= this.#budget) {
      this.#later.push(typeof part === "string" ? part : part[Symbol.iterator]());
      return;
    }
    if (typeof part === "string") {
      this.#buf.utf8(part);
      return;
    }
    const it = part[Symbol.iterator]();
    for (;;) {
      if (this.#buf.length >= this.#budget) {
        this.#later.push(it);
        return;
      }
      const r = it.next();
      if (r.done) return;
      this.#buf.utf8(r.value);
    }
  }

  /**
   * Writes everything pushed, in order, and empties the queue. Each call of
   * `write` gets a view of the reused buffer: it must be done with the bytes
   * when its promise settles.
   */
  async writeTo(write: (bytes: Uint8Array) => Promise<void>): Promise<void> {
    await this.#buf.drainTo(write);
    if (this.#later.length === 0) return;
    const later = this.#later;
    this.#later = [];
    for (const part of later) {
      if (typeof part === "string") this.#buf.utf8(part);
      else {
        for (let r = part.next(); !r.done; r = part.next()) {
          this.#buf.utf8(r.value);
          if (this.#buf.length >= PIECE) await this.#buf.drainTo(write);
        }
      }
      if (this.#buf.length >= PIECE) await this.#buf.drainTo(write);
    }
    await this.#buf.drainTo(write);
  }
}
