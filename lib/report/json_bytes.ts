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
import { labelNames } from "../tcp/labels.ts";
import type { AsciiBuffer } from "./ascii_buffer.ts";
import { flagNames, type FrameOriginLookup } from "./json.ts";
import {
  arrayPieces,
  arrayPunctuation,
  bytesOf,
  digits,
  INT_MAX,
  joined,
  keyBytes,
  micros,
  num,
  put,
  small,
  time,
} from "./json_bytes_write.ts";

/** Key prefixes and the array's pieces, compact [0] and indented [1] (keys 10 spaces deep). */
const KEYS = [false, true].map((pretty) => {
  const key = (name: string, first = false) => keyBytes(name, first, pretty, 10);
  return {
    ...arrayPunctuation(pretty, 8),
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

/**
 * A segment object's constant runs, compact [0] and indented [1], joined
 * where no number comes between: the opening with the frame key; from the
 * side through the flags to the seq key (by side and flags value); the
 * labels key through the object's end (by labels value). Fewer, longer
 * copies: indented, the copies of ten pieces were the most costly step of
 * `--format json` on Deno.
 */
const HEAD = KEYS.map((c) => c.frame);
const FROM_FLAGS: Map<number, Uint8Array>[] = [new Map(), new Map()];
const LABELS_END: Map<number, Uint8Array>[] = [new Map(), new Map()];

/** From the side's key through the seq key: `flags` is a segment's flags, `side` bit 16. */
function fromFlags(p: 0 | 1, side: number, flags: number): Uint8Array {
  const c = KEYS[p];
  return cached(FROM_FLAGS[p], (side << 16) | flags, () =>
    joined([
      side === 0 ? c.client : c.server,
      c.flags,
      cached(FLAGS[p], flags, () => namesJson(flagNames(flags), p === 1)),
      c.seq,
    ]));
}

/** From the labels key through the object's end. */
function labelsEnd(p: 0 | 1, labels: number): Uint8Array {
  const c = KEYS[p];
  return cached(LABELS_END[p], labels, () =>
    joined([
      c.labels,
      cached(LABELS[p], labels, () => namesJson(labelNames(labels), p === 1)),
      c.close,
    ]));
}

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
  const head = HEAD[p];
  const mid = fromFlags(p, s.side, s.flags);
  const end = labelsEnd(p, s.labels);
  // Five numbers of at most 10 digits, a time of at most 17 characters.
  const b = out.room(
    head.length + c.time.length + mid.length + c.ack.length + c.len.length + c.window.length +
      end.length + 80,
  );
  let at = put(b, out.length, head);
  at = digits(b, at, frame);
  at = put(b, at, c.time);
  at = micros(b, at, k);
  at = put(b, at, mid);
  at = digits(b, at, seq);
  at = put(b, at, c.ack);
  at = digits(b, at, ack);
  at = put(b, at, c.len);
  at = digits(b, at, len);
  at = put(b, at, c.window);
  at = digits(b, at, window);
  out.length = put(b, at, end);
  return true;
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
  const p = pretty ? 1 : 0;
  yield* arrayPieces(log === null ? 0 : log.length, KEYS[p], (out, i) => {
    const rec = log!.peek(i);
    if (origins !== undefined || !fastSegment(out, rec, p)) segment(out, rec, origins, pretty);
  }, size);
}
