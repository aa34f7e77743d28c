/**
 * Turns a push-style socket (Bun's data callback, node:net's "data" event)
 * into the pull-style `read()` of {@link Conn}, with back-pressure: once more
 * than `cap` bytes wait unread, the socket is paused (the kernel stops
 * draining it, the peer's window closes); reading below `cap` resumes it.
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
 * const q = new ChunkQueue(65536, () => sock.pause(), () => sock.resume());
 * sock.on("data", (d) => q.push(d));
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
    if (this.#paused && this.#bytes < this.cap) {
      this.#paused = false;
      this.resume();
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
