/**
 * A reusable, growable byte buffer that text is appended to directly, so a
 * report of many short lines (the --summary table: one row per connection,
 * 100,000 rows on a big capture) makes no string per line. Building rows as
 * strings and joining them was the largest source of garbage on that path
 * (cons strings held until the next write; ~45 MB of Deno's peak RSS).
 * @module
 */

const encoder = new TextEncoder();

/**
 * ⌊n / 10^6⌋ for an integer n ≥ 0, exact where the division's rounding
 * would cross an integer (times in microseconds split into seconds).
 *
 * @example
 * ```ts
 * wholeMillions(2_999_999); // 2
 * ```
 */
export function wholeMillions(n: number): number {
  const w = Math.floor(n / 1e6);
  const rest = n - w * 1e6;
  return rest < 0 ? w - 1 : rest >= 1e6 ? w + 1 : w;
}
/** Spaces for padding (ASCII 0x20). */
const SPACE = 0x20;

/** The longest string {@link AsciiBuffer} encodes by hand (longer ones: TextEncoder.encodeInto). */
const UTF8_LOOP_MAX = 1024;

/** Bytes appended in order; {@link AsciiBuffer.take} hands them out and empties it. */
export class AsciiBuffer {
  #bytes: Uint8Array;
  /** The other buffer of {@link drainTo}, free (null while a write holds it, or before the first). */
  #spare: Uint8Array | null = null;
  /** Bytes used. */
  length = 0;

  constructor(capacity = 64 * 1024) {
    this.#bytes = new Uint8Array(capacity);
  }

  /**
   * Appends a string: ASCII byte by byte (the common case), anything else as UTF-8.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.text("127.0.0.1");
   * ```
   */
  text(s: string): void {
    this.#reserve(s.length * 3);
    const bytes = this.#bytes;
    let at = this.length;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.length = at;
        this.#utf8(s.slice(i));
        return;
      }
      bytes[at++] = c;
    }
    this.length = at;
  }

  /**
   * Appends a string as UTF-8 in one call (no byte-by-byte loop): for long
   * pieces of output such as a connection's JSON line or a ladder.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.utf8("a → b\n");
   * b.length; // 8
   * ```
   */
  utf8(s: string): void {
    this.#utf8(s);
  }

  /**
   * Appends a piece of output: text as UTF-8, bytes as they are.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.append("a");
   * b.append(new Uint8Array([0x62]));
   * b.takeString(); // "ab"
   * ```
   */
  append(piece: string | Uint8Array): void {
    if (typeof piece === "string") this.#utf8(piece);
    else this.bytes(piece);
  }

  /**
   * Appends `n` spaces.
   *
   * @example
   * ```ts
   * new AsciiBuffer().spaces(3);
   * ```
   */
  spaces(n: number): void {
    if (n <= 0) return;
    this.#reserve(n);
    // A loop, not fill(): padding is a few bytes and fill's call costs more.
    const bytes = this.#bytes;
    for (let i = 0; i < n; i++) bytes[this.length + i] = SPACE;
    this.length += n;
  }

  /**
   * Appends a non-negative integer in decimal (as `String(n)` writes it).
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.uint(100000);
   * b.takeString(); // "100000"
   * ```
   */
  uint(n: number): void {
    // Counters arrive as doubles; `| 0` makes the digit loop integer
    // arithmetic (a double `%` is a slow call). Anything else goes via String.
    let v = n | 0;
    if (v !== n || v < 0) {
      this.text(String(n));
      return;
    }
    let digits = 1;
    for (let m = v; m >= 10; m = (m / 10) | 0) digits++;
    this.#reserve(digits);
    const bytes = this.#bytes;
    let at = this.length + digits;
    this.length = at;
    do {
      bytes[--at] = 0x30 + v % 10;
      v = (v / 10) | 0;
    } while (v > 0);
  }

  /**
   * Appends bytes as they are (UTF-8 made once, such as a run of box-drawing dashes).
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.bytes(new Uint8Array([0xe2, 0x94, 0x80]));
   * b.takeString(); // "─"
   * ```
   */
  bytes(from: Uint8Array): void {
    this.#reserve(from.length);
    const bytes = this.#bytes;
    const at = this.length;
    // A loop for short runs (dashes, flag names): set()'s call costs more.
    if (from.length <= 64) {
      for (let i = 0; i < from.length; i++) bytes[at + i] = from[i];
    } else bytes.set(from, at);
    this.length = at + from.length;
  }

  /**
   * Appends a non-negative integer below 2^31 in exactly `width` decimal
   * digits, zero-padded on the left (`String(n).padStart(width, "0")` for n
   * with at most `width` digits).
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.zeroPadded(42, 6);
   * b.takeString(); // "000042"
   * ```
   */
  zeroPadded(n: number, width: number): void {
    this.#reserve(width);
    const bytes = this.#bytes;
    let v = n | 0;
    for (let at = this.length + width - 1; at >= this.length; at--) {
      bytes[at] = 0x30 + v % 10;
      v = (v / 10) | 0;
    }
    this.length += width;
  }

  /**
   * Appends `x.toFixed(3)` (the same text) without making a string where it
   * can: a non-negative number below 2^31 / 1000 whose thousandths are not
   * within 1e-6 of a tie is rounded as integers (toFixed rounds the exact
   * decimal value, and the product's error is far below that margin);
   * anything else goes through toFixed.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.fixed3(0.0305); // writes "0.031", as (0.0305).toFixed(3)
   * b.length; // 5
   * ```
   */
  fixed3(x: number): void {
    const y = x * 1000;
    const n = Math.round(y);
    if (!(x >= 0) || y >= 2147483647 || Math.abs(Math.abs(y - n) - 0.5) < 1e-6) {
      this.text(x.toFixed(3));
      return;
    }
    const whole = (n / 1000) | 0;
    const frac = n - whole * 1000;
    this.uint(whole);
    this.#reserve(4);
    const bytes = this.#bytes;
    const at = this.length;
    bytes[at] = 0x2e;
    bytes[at + 1] = 0x30 + ((frac / 100) | 0);
    bytes[at + 2] = 0x30 + (((frac / 10) | 0) % 10);
    bytes[at + 3] = 0x30 + (frac % 10);
    this.length = at + 4;
  }

  /**
   * Appends an IPv4 address in dotted decimal from its 32-bit word (as
   * lib/decode addrString writes it), without making a string: the
   * --summary table's endpoints (one per connection, mostly distinct).
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.ipv4(0xc6120001); // writes "198.18.0.1"
   * b.length; // 10
   * ```
   */
  ipv4(word: number): void {
    this.#reserve(15);
    const bytes = this.#bytes;
    let at = this.length;
    for (let shift = 24; shift >= 0; shift -= 8) {
      const o = (word >>> shift) & 255;
      if (o >= 100) {
        bytes[at++] = 0x30 + ((o / 100) | 0);
        bytes[at++] = 0x30 + (((o / 10) | 0) % 10);
      } else if (o >= 10) bytes[at++] = 0x30 + ((o / 10) | 0);
      bytes[at++] = 0x30 + (o % 10);
      if (shift > 0) bytes[at++] = 0x2e;
    }
    this.length = at;
  }

  /**
   * The bytes written so far (a copy: the buffer is reused) and empties the buffer.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.text("x\n");
   * b.take(); // Uint8Array [120, 10]
   * ```
   */
  take(): Uint8Array {
    const out = this.#bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }

  /**
   * Room for `n` more bytes: returns the buffer itself, to be written from
   * {@link length} on by a caller that then moves `length` past what it
   * wrote (a writer of many small fields reserves once: the text ladder).
   * The array is valid until the next call that appends.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * const bytes = b.room(1);
   * bytes[b.length++] = 0x41;
   * b.takeString(); // "A"
   * ```
   */
  room(n: number): Uint8Array {
    this.#reserve(n);
    return this.#bytes;
  }

  /**
   * The bytes appended so far, as a view of the buffer (no copy): valid until
   * the buffer is next written to or cleared.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.text("ab");
   * b.view().length; // 2
   * ```
   */
  view(): Uint8Array {
    return this.#bytes.subarray(0, this.length);
  }

  /**
   * Writes the bytes appended so far with `write` (a view of the buffer, not
   * a copy) and empties the buffer. Text appended while the write is awaited
   * (a capture set reads its other files meanwhile) goes to a second buffer,
   * never over the bytes being written; the two buffers then take turns.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.text("x\n");
   * await b.drainTo(async (bytes) => { bytes.length; }); // 2 bytes written; b.length === 0
   * ```
   */
  async drainTo(write: (bytes: Uint8Array) => Promise<void>): Promise<void> {
    if (this.length === 0) return;
    const bytes = this.#bytes, n = this.length;
    const spare = this.#spare;
    this.#spare = null;
    this.#bytes = spare ?? new Uint8Array(bytes.length);
    this.length = 0;
    await write(bytes.subarray(0, n));
    this.#spare ??= bytes;
  }

  /**
   * The text written so far, decoded, and empties the buffer.
   *
   * @example
   * ```ts
   * const b = new AsciiBuffer();
   * b.text("x");
   * b.takeString(); // "x"
   * ```
   */
  takeString(): string {
    return new TextDecoder().decode(this.take());
  }

  #utf8(s: string): void {
    this.#reserve(s.length * 3);
    if (s.length > UTF8_LOOP_MAX) {
      const r = encoder.encodeInto(s, this.#bytes.subarray(this.length));
      this.length += r.written;
      return;
    }
    // A short string (a verdict sentence, a state cell) by hand: encodeInto's
    // view and result object cost more (Bun: 0.18 s for the benchmark
    // capture's 100,000 verdicts). The same bytes: a lone surrogate becomes
    // U+FFFD, as TextEncoder writes it.
    const b = this.#bytes;
    let at = this.length;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) b[at++] = c;
      else if (c < 0x800) {
        b[at++] = 0xc0 | (c >> 6);
        b[at++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[at++] = 0xe0 | (c >> 12);
        b[at++] = 0x80 | ((c >> 6) & 0x3f);
        b[at++] = 0x80 | (c & 0x3f);
      } else {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          b[at++] = 0xf0 | (cp >> 18);
          b[at++] = 0x80 | ((cp >> 12) & 0x3f);
          b[at++] = 0x80 | ((cp >> 6) & 0x3f);
          b[at++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          b[at++] = 0xef;
          b[at++] = 0xbf;
          b[at++] = 0xbd;
        }
      }
    }
    this.length = at;
  }

  #reserve(n: number): void {
    if (this.length + n <= this.#bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.#bytes.length * 2, this.length + n));
    bigger.set(this.#bytes.subarray(0, this.length));
    this.#bytes = bigger;
  }
}
