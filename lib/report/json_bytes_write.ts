/**
 * What lib/report/json_bytes.ts and json_bytes_intervals.ts share: the
 * number writers that give JSON.stringify's text as bytes, the key prefixes
 * of an object at a depth, the one buffer they write into, and the array
 * written in pieces.
 * @module
 */
import { AsciiBuffer, wholeMillions } from "./ascii_buffer.ts";

const encoder = new TextEncoder();
/** A string's UTF-8 bytes. */
export const bytesOf = (s: string): Uint8Array => encoder.encode(s);

/**
 * A key prefix (`,"name":`, or `{` first) of an object whose keys are
 * `indent` spaces deep when indented (`pretty`).
 *
 * @example
 * ```ts
 * new TextDecoder().decode(keyBytes("seq", false, false, 10)); // ',"seq":'
 * ```
 */
export function keyBytes(
  name: string,
  first: boolean,
  pretty: boolean,
  indent: number,
): Uint8Array {
  const open = first ? "{" : ",";
  return bytesOf(pretty ? `${open}\n${" ".repeat(indent)}"${name}": ` : `${open}"${name}":`);
}

/** The punctuation of an array of objects, and of each object's end. */
export interface ArrayPunctuation {
  open: Uint8Array;
  between: Uint8Array;
  end: Uint8Array;
  close: Uint8Array;
}

/**
 * The punctuation of an array whose items are `indent` spaces deep when
 * indented (the array's own brackets 2 less).
 *
 * @example
 * ```ts
 * new TextDecoder().decode(arrayPunctuation(false, 8).between); // ","
 * ```
 */
export function arrayPunctuation(pretty: boolean, indent: number): ArrayPunctuation {
  const item = " ".repeat(indent), outer = " ".repeat(indent - 2);
  return {
    open: bytesOf(pretty ? `[\n${item}` : "["),
    between: bytesOf(pretty ? `,\n${item}` : ","),
    end: bytesOf(pretty ? `\n${outer}]` : "]"),
    close: bytesOf(pretty ? `\n${item}}` : "}"),
  };
}

/**
 * The pieces one after another in one array (a constant run of an object's
 * keys and punctuation, made once).
 *
 * @example
 * ```ts
 * joined([bytesOf("a"), bytesOf("bc")]).length; // 3
 * ```
 */
export function joined(parts: Uint8Array[]): Uint8Array {
  const b = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    b.set(x, at);
    at += x.length;
  }
  return b;
}

/** A number as JSON.stringify writes it (integers below 2^31 without a string). */
export function num(out: AsciiBuffer, n: number): void {
  if (small(n)) out.uint(n);
  else out.text(JSON.stringify(n));
}

/** `roundTime(t)` (seconds rounded to microseconds) as JSON.stringify writes it. */
export function time(out: AsciiBuffer, t: number): void {
  const k = Math.round(t * 1e6);
  if (!(k >= 0 && k < 2 ** 52)) {
    out.text(JSON.stringify(k / 1e6));
    return;
  }
  const whole = wholeMillions(k);
  let us = k - whole * 1e6;
  if (whole >= INT_MAX) {
    out.text(JSON.stringify(k / 1e6));
    return;
  }
  out.uint(whole);
  if (us === 0) return;
  // The shortest decimal that reads back as k / 1e6 is k's own with six
  // places, trailing zeros dropped (a double holds far finer steps here).
  let width = 6;
  while (us % 10 === 0) {
    us /= 10;
    width--;
  }
  out.text(".");
  out.zeroPadded(us, width);
}

export const INT_MAX = 2147483648;

/** An integer 0 ≤ n < 2^31 (written by integer arithmetic). */
export function small(n: number): boolean {
  return n >= 0 && n < INT_MAX && n === Math.floor(n);
}

/**
 * Writes `k` microseconds (0 ≤ k < 2^31) as seconds the way JSON.stringify
 * writes `k / 1e6`: the whole seconds, then the microseconds without
 * trailing zeros; returns the end.
 */
export function micros(b: Uint8Array, at: number, k: number): number {
  const whole = (k / 1e6) | 0;
  let us = k - whole * 1e6;
  at = digits(b, at, whole);
  if (us === 0) return at;
  let width = 6;
  while (us % 10 === 0) {
    us = (us / 10) | 0;
    width--;
  }
  b[at++] = 0x2e;
  for (let i = at + width - 1; i >= at; i--) {
    b[i] = 0x30 + us % 10;
    us = (us / 10) | 0;
  }
  return at + width;
}

/**
 * Copies `from` into `b` at `at`; returns the end. Short pieces byte by byte,
 * longer ones (an indented key prefix, a flags array) with `set`: in V8 the
 * loop cost 1.4 s of the 2.4M-packet benchmark capture's `--format json`.
 */
export function put(b: Uint8Array, at: number, from: Uint8Array): number {
  const n = from.length;
  if (n > PUT_LOOP_MAX) b.set(from, at);
  else for (let i = 0; i < n; i++) b[at + i] = from[i];
  return at + n;
}

/** The longest piece {@link put} copies byte by byte. */
const PUT_LOOP_MAX = 16;

/** Writes integer 0 ≤ n < 2^31 in decimal; returns the end. */
export function digits(b: Uint8Array, at: number, n: number): number {
  let v = n | 0;
  let d = 1;
  for (let m = 10; m <= v && d < 10; m *= 10) d++;
  for (let i = at + d - 1; i >= at; i--) {
    b[i] = 0x30 + v % 10;
    v = (v / 10) | 0;
  }
  return at + d;
}

/** One buffer for every connection: empty at each yield (see {@link arrayPieces}). */
const SCRATCH = new AsciiBuffer((1 << 16) + 4096);

/**
 * A JSON array of `n` items (`[]` when none) in pieces of about `size`
 * bytes, `item(out, i)` writing item i. Each piece is a view of a buffer
 * this module reuses: read (or copy) it before asking for the next piece of
 * any array. The buffer is emptied whenever a generator starts writing:
 * what it holds then was yielded already (lib/report/text_bytes.ts explains
 * the rule).
 *
 * @example
 * ```ts
 * const p = arrayPunctuation(false, 8);
 * const pieces = [...arrayPieces(2, p, (out, i) => out.uint(i))].map((b) => new TextDecoder().decode(b));
 * // pieces.join("") === "[0,1]"
 * ```
 */
export function* arrayPieces(
  n: number,
  p: ArrayPunctuation,
  item: (out: AsciiBuffer, i: number) => void,
  size = 1 << 16,
): Generator<Uint8Array> {
  const out = SCRATCH;
  out.length = 0;
  if (n === 0) out.text("[]");
  else {
    out.bytes(p.open);
    for (let i = 0; i < n; i++) {
      if (i > 0) out.bytes(p.between);
      item(out, i);
      if (out.length >= size) {
        yield out.view();
        out.length = 0;
      }
    }
    out.bytes(p.end);
  }
  yield out.view();
  out.length = 0;
}
