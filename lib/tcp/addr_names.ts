/**
 * Address strings for the tracker's connections, made from the tuple's
 * address words on first use (lib/tcp/conn.ts TcpConn.aAddr / bAddr).
 * @module
 */

/** Slots of {@link AddrNames}' IPv4 cache (a power of two; a capture has few distinct hosts). */
const V4_SLOTS = 4096;

/**
 * Address strings from a tuple's address words, made with a formatter
 * (lib/decode addrString) and, for IPv4, cached. One per tracker, shared by
 * its connections.
 *
 * The IPv4 cache is direct-mapped (one slot per address hash, a newcomer
 * replaces the old entry) and keeps a string only from an address's second
 * sighting in its slot. A SYN flood from a million addresses then makes one
 * short-lived string per address instead of filling a Map that outlives the
 * young generation: with a Map of 4,096 cleared when full, 1 M flows
 * promoted about 100 MB of tables and strings (docs/reliability.md).
 */
export class AddrNames {
  readonly #fmt: (buf: Uint8Array, off: number, version: 4 | 6) => string;
  readonly #bytes = new Uint8Array(16);
  /** Per slot: the address word last seen there. */
  readonly #keys = new Int32Array(V4_SLOTS);
  /** Per slot: 0 empty, 1 seen once (no string kept), 2 string kept. */
  readonly #state = new Uint8Array(V4_SLOTS);
  readonly #names: string[] = new Array<string>(V4_SLOTS).fill("");

  constructor(fmt: (buf: Uint8Array, off: number, version: 4 | 6) => string) {
    this.#fmt = fmt;
  }

  /**
   * The address with these words (IPv4 uses `w0` only).
   *
   * @example
   * ```ts
   * import { addrString } from "../decode/addr.ts";
   * new AddrNames(addrString).text(4, 0x7f000001, 0, 0, 0); // "127.0.0.1"
   * ```
   */
  text(v: 4 | 6, w0: number, w1: number, w2: number, w3: number): string {
    const b = this.#bytes;
    if (v === 4) {
      const slot = Math.imul(w0, 0x9e3779b1) >>> 20;
      const state = this.#state[slot];
      const same = this.#keys[slot] === (w0 | 0);
      if (state === 2 && same) return this.#names[slot];
      putWord(b, 0, w0);
      const text = this.#fmt(b, 0, 4);
      if (state !== 0 && same) {
        this.#state[slot] = 2;
        this.#names[slot] = text;
      } else {
        this.#keys[slot] = w0;
        this.#state[slot] = 1;
        this.#names[slot] = "";
      }
      return text;
    }
    putWord(b, 0, w0);
    putWord(b, 4, w1);
    putWord(b, 8, w2);
    putWord(b, 12, w3);
    return this.#fmt(b, 0, 6);
  }
}

function putWord(b: Uint8Array, off: number, w: number): void {
  b[off] = w >>> 24;
  b[off + 1] = (w >>> 16) & 255;
  b[off + 2] = (w >>> 8) & 255;
  b[off + 3] = w & 255;
}
