/**
 * Turns a push-style socket (Bun's data callback, node:net's "data" event)
 * into the pull-style `read()` of {@link Conn}, with back-pressure: once
 * `cap` bytes wait unread, the socket is paused (the kernel stops draining
 * it, the peer's window closes), and it is resumed only when a reader finds
 * the queue empty. Resuming as soon as the queue fell below `cap` let one more
 * runtime-sized chunk in (Bun hands over up to 512 KiB at a time) while the
 * echo of the previous one still waited to be written: 1,000 clients that
 * never read cost Bun's server 500 MB instead of a few hundred KB each.
 * @module
 */
import type { NetError } from "./types.ts";

interface Waiter {
  resolve(v: Uint8Array | null): void;
  reject(e: unknown): void;
}

/**
 * A bounded chunk queue with one pending reader.
 *
 * @example
 * ```ts
 * import * as nodeNet from "node:net";
 * declare const sock: nodeNet.Socket; // connected, from node:net
 * const q = new ChunkQueue(65536, () => sock.pause(), () => sock.resume());
 * sock.on("data", (d: Uint8Array) => q.push(d));
 * const chunk = await q.read();
 * ```
 */
export class ChunkQueue {
  #chunks: Uint8Array[] = [];
  #head = 0;
  #bytes = 0;
  #ended = false;
  #error: NetError | undefined;
  #waiter: Waiter | undefined;
  #paused = false;

  constructor(
    private readonly cap: number,
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  /** Bytes received and not yet read. */
  get buffered(): number {
    return this.#bytes;
  }

  /** Adds a received chunk (hands it straight to a waiting reader if there is one). */
  push(chunk: Uint8Array): void {
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      // A big chunk goes straight to the reader, who may hold it a while (an echo
      // waiting to be written): take nothing more until it asks again. Small ones
      // (interactive echo) keep the socket flowing, with no pause/resume per message.
      if (chunk.length >= this.cap / 4 && !this.#paused) {
        this.#paused = true;
        this.pause();
      }
      w.resolve(chunk);
      return;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (!this.#paused && this.#bytes >= this.cap) {
      this.#paused = true;
      this.pause();
    }
  }

  /** The peer sent FIN: readers get null after the queued chunks. */
  end(): void {
    this.#ended = true;
    this.#settle();
  }

  /** The connection failed (RST, or closed locally): readers get `e` after the queued chunks. */
  fail(e: NetError): void {
    if (this.#ended || this.#error) return;
    this.#error = e;
    this.#settle();
  }

  /** Whether end() or fail() happened. */
  get done(): boolean {
    return this.#ended || this.#error !== undefined;
  }

  /** The next chunk, null at FIN, or a rejection with the failure. */
  read(): Promise<Uint8Array | null> {
    if (this.#head < this.#chunks.length) return Promise.resolve(this.#take());
    if (this.#error) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(null);
    if (this.#paused) {
      this.#paused = false;
      this.resume();
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #take(): Uint8Array {
    const c = this.#chunks[this.#head++];
    this.#bytes -= c.length;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    }
    return c;
  }

  #settle(): void {
    const w = this.#waiter;
    if (!w) return;
    this.#waiter = undefined;
    if (this.#error) w.reject(this.#error);
    else w.resolve(null);
  }
}
