/**
 * Output of the streamed formats (text, json, ndjson) waiting for the next
 * write, kept as UTF-8 bytes in one reusable buffer instead of strings: a
 * connection's output is encoded the moment it is pushed, so neither its
 * strings nor the connection they were made from stay alive until the write
 * (they would live through young-generation collections and be promoted,
 * and the runtimes collect promoted garbage late: docs/reliability.md).
 * Output made lazily (a generator of pieces) is encoded at once while the
 * buffer holds less than a budget and the part has made less than 256 KiB;
 * past either, the rest of that part and every
 * later part wait as they are and are made only while being written, in
 * pieces, so a connection of millions of segments never becomes one buffer.
 * @module
 */
import { AsciiBuffer } from "./ascii_buffer.ts";

/** Bytes held before lazy output is left lazy (a SYN flood's 128 KiB read makes about 2-5 MB). */
export const QUEUE_BUDGET = 8 * 1024 * 1024;
/**
 * Most bytes of one part encoded at once: a bigger part (a connection of
 * many segments) is left lazy after that (encoding 8 MiB of a 4.5 M-segment
 * connection at once cost Bun 190 MiB more peak RSS, measured, cause unknown).
 */
const PART_EAGER = 256 * 1024;
/** Lazy output is written in pieces of about this many characters. */
const PIECE = 64 * 1024;

/** Output in order: encoded bytes first, then parts not yet encoded. */
export class OutputQueue {
  #buf: AsciiBuffer;
  #budget: number;
  /** Parts pushed after the budget was reached, in order (text, bytes or started iterators). */
  #later: (string | Uint8Array | Iterator<string | Uint8Array>)[] = [];

  /**
   * @example
   * ```ts
   * const q = new OutputQueue();
   * q.push("a\n");
   * q.push(["b", "\n"]);
   * const chunks: (Uint8Array | string)[] = [];
   * await q.writeTo(async (b) => { chunks.push(typeof b === "string" ? b : b.slice()); });
   * // new TextDecoder().decode(chunks[0] as Uint8Array) === "a\nb\n"
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

  /**
   * Appends output (text, or UTF-8 bytes, copied: the caller may reuse them;
   * bytes an iterator gives are read before it is asked for the next):
   * encoded now, or (past the budget) kept to be encoded when written.
   */
  push(part: string | Uint8Array | Iterable<string | Uint8Array>): void {
    if (this.#later.length > 0 || this.#buf.length >= this.#budget) {
      this.#later.push(
        typeof part === "string"
          ? part
          : part instanceof Uint8Array
          ? part.slice()
          : part[Symbol.iterator](),
      );
      return;
    }
    if (typeof part === "string") {
      this.#buf.utf8(part);
      return;
    }
    if (part instanceof Uint8Array) {
      this.#buf.bytes(part);
      return;
    }
    const it = part[Symbol.iterator]();
    const start = this.#buf.length;
    for (;;) {
      if (this.#buf.length >= this.#budget || this.#buf.length - start >= PART_EAGER) {
        this.#later.push(it);
        return;
      }
      const r = it.next();
      if (r.done) return;
      this.#buf.append(r.value);
    }
  }

  /**
   * Appends output made now, whatever the budget: the caller's part is
   * bounded (a connection of at most a few thousand segments) and what it
   * was made from may be reused once this returns. Behind lazy parts it
   * waits as one copy, in order.
   *
   * @example
   * ```ts
   * const q = new OutputQueue();
   * q.pushNow(["{", new TextEncoder().encode('"x":1'), "}\n"]);
   * q.length; // 8
   * ```
   */
  pushNow(part: Iterable<string | Uint8Array>): void {
    const into = this.#later.length === 0 ? this.#buf : new AsciiBuffer(4096);
    for (const p of part) into.append(p);
    if (into !== this.#buf) this.#later.push(into.take());
  }

  /**
   * Writes everything pushed, in order, and empties the queue: the encoded
   * bytes first (a view of the reused buffer: `write` must be done with it
   * when its promise settles), then the lazy parts as strings of about 64 KiB
   * (made one at a time: a connection of millions of segments is never one
   * string or one buffer).
   */
  async writeTo(write: (data: Uint8Array | string) => Promise<void>): Promise<void> {
    // The encoded bytes come before every lazy part (nothing is encoded while
    // a lazy part waits), so they are written until none are left before the
    // lazy parts are taken: with --threads, output arrives while a write is
    // awaited, and lazy parts taken after an await (even the one of an empty
    // buffer) went out ahead of bytes that came before them.
    while (this.#buf.length > 0) await this.#buf.drainTo(write);
    if (this.#later.length === 0) return;
    const later = this.#later;
    this.#later = [];
    let text = "";
    for (const part of later) {
      if (typeof part === "string") text += part;
      else if (part instanceof Uint8Array) {
        if (text) await write(text);
        text = "";
        await write(part);
      } else {
        for (let r = part.next(); !r.done; r = part.next()) {
          if (typeof r.value !== "string") {
            if (text) await write(text);
            text = "";
            // A copy: the piece may be a view its maker reuses, and work
            // done while the write is awaited (a capture set) may reuse it.
            await write(r.value.slice());
            continue;
          }
          text += r.value;
          if (text.length >= PIECE) {
            await write(text);
            text = "";
          }
        }
      }
      if (text.length >= PIECE) {
        await write(text);
        text = "";
      }
    }
    if (text) await write(text);
  }
}
