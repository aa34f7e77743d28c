/**
 * The `segments` array of a connection's JSON written as UTF-8 bytes straight
 * into a buffer: compact (an NDJSON line) or indented as `--format json`
 * places it (4 levels deep). The same text as JSON.stringify (or
 * lib/report/pretty_json.ts) makes of `segmentJson` objects, without making
 * those objects, the strings, and then the bytes (on the 2.4M-packet
 * benchmark capture that was about a third of NDJSON's time).
 * tests/unit/report_stream.test.ts checks the equality on every fixture.
 * @module
 */
import type { SegmentLog, SegmentRecord } from "../tcp/conn.ts";
import { CAUSES, type Stall } from "../explain/timing_record.ts";
import { labelNames } from "../tcp/labels.ts";
import { AsciiBuffer, wholeMillions } from "./ascii_buffer.ts";
import { flagNames, type FrameOriginLookup } from "./json.ts";

const encoder = new TextEncoder();
const bytesOf = (s: string) => encoder.encode(s);

/** Key prefixes and the array's pieces, compact [0] and indented [1]. */
const KEYS = [false, true].map((pretty) => {
  const key = (name: string, first = false) =>
    bytesOf(
      pretty ? `${first ? "{\n" : ",\n"}          "${name}": ` : `${first ? "{" : ","}"${name}":`,
    );
  return {
    frame: key("frame", true),
    time: key("time"),
    client: bytesOf(pretty ? `,\n          "from": "client"` : `,"from":"client"`),
    server: bytesOf(pretty ? `,\n          "from": "server"` : `,"from":"server"`),
    flags: key("flags"),
    seq: key("seq"),
    ack: key("ack"),
    len: key("len"),
    window: key("window"),
    labels: key("labels"),
    file: key("file"),
    fileFrame: key("fileFrame"),
    close: bytesOf(pretty ? "\n        }" : "}"),
    open: bytesOf(pretty ? "[\n        " : "["),
    between: bytesOf(pretty ? ",\n        " : ","),
    end: bytesOf(pretty ? "\n      ]" : "]"),
  };
});

/** A list of names as a JSON array, compact or indented (items 12 spaces deep). */
function namesJson(names: string[], pretty: boolean): Uint8Array {
  if (names.length === 0 || !pretty) return bytesOf(JSON.stringify(names));
  const items = names.map((n) => `            ${JSON.stringify(n)}`).join(",\n");
  return bytesOf(`[\n${items}\n          ]`);
}

/** Flag and label arrays by value, compact [0] and indented [1] (made on first use). */
const FLAGS: Map<number, Uint8Array>[] = [new Map(), new Map()];
const LABELS: Map<number, Uint8Array>[] = [new Map(), new Map()];

function cached(m: Map<number, Uint8Array>, v: number, make: () => Uint8Array): Uint8Array {
  let b = m.get(v);
  if (b === undefined) {
    b = make();
    if (m.size < 4096) m.set(v, b);
  }
  return b;
}

/** A number as JSON.stringify writes it (integers below 2^31 without a string). */
function num(out: AsciiBuffer, n: number): void {
  if (small(n)) out.uint(n);
  else out.text(JSON.stringify(n));
}

/** `roundTime(t)` (seconds rounded to microseconds) as JSON.stringify writes it. */
function time(out: AsciiBuffer, t: number): void {
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

/** Bytes of a segment object's keys and punctuation, compact [0] and indented [1]. */
const KEY_BYTES = KEYS.map((c) =>
  [c.frame, c.time, c.client, c.flags, c.seq, c.ack, c.len, c.window, c.labels, c.close]
    .reduce((n, b) => n + b.length, 0)
);

/**
 * One segment object (compact, `p` 0, or indented, 1) written straight into
 * the buffer after one reservation, when every number is a small integer and
 * there is no file (else false, and {@link segment} writes it field by field).
 */
function fastSegment(out: AsciiBuffer, s: SegmentRecord, p: 0 | 1): boolean {
  const { frame, seq, ack, len, window } = s;
  const k = Math.round(s.time * 1e6);
  if (
    !(small(frame) && small(seq) && small(ack) && small(len) && small(window) && k >= 0 &&
      k < INT_MAX)
  ) return false;
  const c = KEYS[p];
  const flags = cached(FLAGS[p], s.flags, () => namesJson(flagNames(s.flags), p === 1));
  const labels = cached(LABELS[p], s.labels, () => namesJson(labelNames(s.labels), p === 1));
  // Five numbers of at most 10 digits, a time of at most 17 characters.
  const b = out.room(KEY_BYTES[p] + 80 + flags.length + labels.length);
  let at = put(b, out.length, c.frame);
  at = digits(b, at, frame);
  at = put(b, at, c.time);
  at = micros(b, at, k);
  at = put(b, at, s.side === 0 ? c.client : c.server);
  at = put(b, at, c.flags);
  at = put(b, at, flags);
  at = put(b, at, c.seq);
  at = digits(b, at, seq);
  at = put(b, at, c.ack);
  at = digits(b, at, ack);
  at = put(b, at, c.len);
  at = digits(b, at, len);
  at = put(b, at, c.window);
  at = digits(b, at, window);
  at = put(b, at, c.labels);
  at = put(b, at, labels);
  out.length = put(b, at, c.close);
  return true;
}

const INT_MAX = 2147483648;

/** An integer 0 ≤ n < 2^31 (written by integer arithmetic). */
function small(n: number): boolean {
  return n >= 0 && n < INT_MAX && n === Math.floor(n);
}

/**
 * Writes `k` microseconds (0 ≤ k < 2^31) as seconds the way JSON.stringify
 * writes `k / 1e6`: the whole seconds, then the microseconds without
 * trailing zeros; returns the end.
 */
function micros(b: Uint8Array, at: number, k: number): number {
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

/** Copies `from` into `b` at `at`; returns the end. */
function put(b: Uint8Array, at: number, from: Uint8Array): number {
  for (let i = 0; i < from.length; i++) b[at + i] = from[i];
  return at + from.length;
}

/** Writes integer 0 ≤ n < 2^31 in decimal; returns the end. */
function digits(b: Uint8Array, at: number, n: number): number {
  let v = n | 0;
  let d = 1;
  for (let m = 10; m <= v && d < 10; m *= 10) d++;
  for (let i = at + d - 1; i >= at; i--) {
    b[i] = 0x30 + v % 10;
    v = (v / 10) | 0;
  }
  return at + d;
}

/** One segment object. */
function segment(
  out: AsciiBuffer,
  s: SegmentRecord,
  origins: FrameOriginLookup | undefined,
  pretty: boolean,
): void {
  const p = pretty ? 1 : 0, k = KEYS[p];
  out.bytes(k.frame);
  num(out, s.frame);
  out.bytes(k.time);
  time(out, s.time);
  out.bytes(s.side === 0 ? k.client : k.server);
  out.bytes(k.flags);
  out.bytes(cached(FLAGS[p], s.flags, () => namesJson(flagNames(s.flags), pretty)));
  out.bytes(k.seq);
  num(out, s.seq);
  out.bytes(k.ack);
  num(out, s.ack);
  out.bytes(k.len);
  num(out, s.len);
  out.bytes(k.window);
  num(out, s.window);
  out.bytes(k.labels);
  out.bytes(cached(LABELS[p], s.labels, () => namesJson(labelNames(s.labels), pretty)));
  if (origins !== undefined) {
    const o = origins.lookup(s.frame);
    out.bytes(k.file);
    num(out, o.file);
    out.bytes(k.fileFrame);
    num(out, o.frame);
  }
  out.bytes(k.close);
}

/** One buffer for every connection: empty at each yield (see {@link segmentsJsonBytes}). */
const SCRATCH = new AsciiBuffer((1 << 16) + 4096);

/**
 * The segments array of a connection (`[]` when it has none) in pieces of
 * about `size` bytes. Each piece is a view of a buffer this module reuses:
 * read (or copy) it before asking for the next piece of any connection.
 *
 * @example
 * ```ts
 * import type { TcpConn } from "../tcp/conn.ts";
 * declare const conn: TcpConn, write: (b: Uint8Array) => void; // explained.conn
 * for (const piece of segmentsJsonBytes(conn.segLog, undefined, false)) write(piece);
 * ```
 */
export function* segmentsJsonBytes(
  log: SegmentLog | null,
  origins: FrameOriginLookup | undefined,
  pretty: boolean,
  size = 1 << 16,
): Generator<Uint8Array> {
  // Emptied whenever this generator starts writing: what it holds then was
  // yielded already (lib/report/text_bytes.ts explains the rule).
  const out = SCRATCH;
  out.length = 0;
  const k = KEYS[pretty ? 1 : 0];
  const n = log === null ? 0 : log.length;
  if (n === 0) out.text("[]");
  else {
    out.bytes(k.open);
    for (let i = 0; i < n; i++) {
      if (i > 0) out.bytes(k.between);
      const rec = log!.peek(i);
      if (origins !== undefined || !fastSegment(out, rec, pretty ? 1 : 0)) {
        segment(out, rec, origins, pretty);
      }
      if (out.length >= size) {
        yield out.view();
        out.length = 0;
      }
    }
    out.bytes(k.end);
  }
  yield out.view();
  out.length = 0;
}

/**
 * Key prefixes of a time-attribution interval, compact [0] and indented [1]
 * (items 10 spaces deep in `--format json`: connection, timing, intervals).
 */
const IV_KEYS = [false, true].map((pretty) => {
  const key = (name: string, first = false) =>
    bytesOf(
      pretty ? `${first ? "{\n" : ",\n"}            "${name}": ` : `${first ? "{" : ","}"${name}":`,
    );
  return {
    cause: key("cause", true),
    kind: key("kind"),
    seconds: key("seconds"),
    start: key("start"),
    firstFrame: key("firstFrame"),
    lastFrame: key("lastFrame"),
    side: key("side"),
    backoff: key("backoff"),
    close: bytesOf(pretty ? "\n          }" : "}"),
    open: bytesOf(pretty ? "[\n          " : "["),
    between: bytesOf(pretty ? ",\n          " : ","),
    end: bytesOf(pretty ? "\n        ]" : "]"),
  };
});

/** JSON strings of causes, kinds and sides (made on first use). */
const STRINGS = new Map<string, Uint8Array>();

function jsonString(s: string): Uint8Array {
  let b = STRINGS.get(s);
  if (b === undefined) {
    b = bytesOf(JSON.stringify(s));
    if (STRINGS.size < 4096) STRINGS.set(s, b);
  }
  return b;
}

/**
 * The `timing.intervals` array of a connection, compact (an NDJSON line) or
 * indented as `--format json` places it, in pieces of about `size` bytes:
 * the text JSON.stringify (or lib/report/pretty_json.ts) makes of
 * json.ts's interval objects, without making them. Pieces are views of the
 * buffer {@link segmentsJsonBytes} uses: read each before asking for the next.
 *
 * @example
 * ```ts
 * import type { Stall } from "../explain/timing_record.ts";
 * declare const intervals: Stall[] | null, write: (b: Uint8Array) => void; // explained.timing.intervals
 * for (const piece of intervalsJsonBytes(intervals, false)) write(piece);
 * ```
 */
export function* intervalsJsonBytes(
  list: readonly Stall[] | null,
  pretty: boolean,
  size = 1 << 16,
): Generator<Uint8Array> {
  const out = SCRATCH;
  out.length = 0;
  const k = IV_KEYS[pretty ? 1 : 0];
  const n = list === null ? 0 : list.length;
  if (n === 0) out.text("[]");
  else {
    out.bytes(k.open);
    for (let i = 0; i < n; i++) {
      if (i > 0) out.bytes(k.between);
      const s = list![i];
      if (!fastInterval(out, s, k)) interval(out, s, k);
      if (out.length >= size) {
        yield out.view();
        out.length = 0;
      }
    }
    out.bytes(k.end);
  }
  yield out.view();
  out.length = 0;
}

/** One interval object, field by field (any numbers). */
function interval(out: AsciiBuffer, s: Stall, k: typeof IV_KEYS[number]): void {
  out.bytes(k.cause);
  out.bytes(jsonString(CAUSES[s.cause]));
  out.bytes(k.kind);
  out.bytes(jsonString(s.kind));
  out.bytes(k.seconds);
  time(out, s.seconds);
  out.bytes(k.start);
  time(out, s.start);
  out.bytes(k.firstFrame);
  num(out, s.firstFrame);
  out.bytes(k.lastFrame);
  num(out, s.lastFrame);
  out.bytes(k.side);
  out.bytes(jsonString(s.side === 0 ? "client" : "server"));
  if (s.kind === "rto") {
    out.bytes(k.backoff);
    num(out, s.backoff);
  }
  out.bytes(k.close);
}

/** Bytes of an interval object's keys and punctuation, compact [0] and indented [1]. */
const IV_KEY_BYTES = IV_KEYS.map((c) =>
  [c.cause, c.kind, c.seconds, c.start, c.firstFrame, c.lastFrame, c.side, c.backoff, c.close]
    .reduce((n, b) => n + b.length, 0)
);

/**
 * One interval object written after one reservation when its times and
 * numbers are small (else false: {@link intervalsJsonBytes} writes it field
 * by field).
 */
function fastInterval(out: AsciiBuffer, s: Stall, k: typeof IV_KEYS[number]): boolean {
  const sec = Math.round(s.seconds * 1e6), start = Math.round(s.start * 1e6);
  const { firstFrame, lastFrame, backoff } = s;
  const rto = s.kind === "rto";
  if (
    !(sec >= 0 && sec < INT_MAX && start >= 0 && start < INT_MAX && small(firstFrame) &&
      small(lastFrame) && (!rto || small(backoff)))
  ) return false;
  const cause = jsonString(CAUSES[s.cause]), kind = jsonString(s.kind);
  const side = jsonString(s.side === 0 ? "client" : "server");
  // Two times of at most 17 characters, three numbers of at most 10 digits.
  const keys = IV_KEY_BYTES[k === IV_KEYS[0] ? 0 : 1];
  const b = out.room(keys + 70 + cause.length + kind.length + side.length);
  let at = put(b, out.length, k.cause);
  at = put(b, at, cause);
  at = put(b, at, k.kind);
  at = put(b, at, kind);
  at = put(b, at, k.seconds);
  at = micros(b, at, sec);
  at = put(b, at, k.start);
  at = micros(b, at, start);
  at = put(b, at, k.firstFrame);
  at = digits(b, at, firstFrame);
  at = put(b, at, k.lastFrame);
  at = digits(b, at, lastFrame);
  at = put(b, at, k.side);
  at = put(b, at, side);
  if (rto) {
    at = put(b, at, k.backoff);
    at = digits(b, at, backoff);
  }
  out.length = put(b, at, k.close);
  return true;
}
