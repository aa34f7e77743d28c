/**
 * The time attribution's `timing.intervals` array of a connection's JSON
 * written as UTF-8 bytes, as lib/report/json_bytes.ts writes its segments:
 * compact (an NDJSON line) or indented as `--format json` places it. The
 * same text as JSON.stringify makes of json.ts's interval objects;
 * tests/unit/report_stream.test.ts checks it on every fixture.
 * @module
 */
import { CAUSES, type Stall } from "../explain/timing_record.ts";
import type { AsciiBuffer } from "./ascii_buffer.ts";
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

/**
 * Key prefixes of a time-attribution interval, compact [0] and indented [1]
 * (items 10 spaces deep in `--format json`: connection, timing, intervals).
 */
const IV_KEYS = [false, true].map((pretty) => {
  const key = (name: string, first = false) => keyBytes(name, first, pretty, 12);
  return {
    ...arrayPunctuation(pretty, 10),
    cause: key("cause", true),
    kind: key("kind"),
    seconds: key("seconds"),
    start: key("start"),
    firstFrame: key("firstFrame"),
    lastFrame: key("lastFrame"),
    side: key("side"),
    backoff: key("backoff"),
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
 * buffer json_bytes_write.ts's {@link arrayPieces} uses: read each before asking for the next.
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
  const k = IV_KEYS[pretty ? 1 : 0];
  yield* arrayPieces(list === null ? 0 : list.length, k, (out, i) => {
    const s = list![i];
    if (!fastInterval(out, s, k)) interval(out, s, k);
  }, size);
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

/**
 * An interval's constant runs, joined where no number comes between (as
 * json_bytes.ts does for segments): its opening through the seconds key, by
 * kind and cause; the side through the object's end (no backoff).
 */
const HEADS: Map<string, Uint8Array[]>[] = [new Map(), new Map()];
const SIDE_END = IV_KEYS.map((k) =>
  [0, 1].map((side) => joined([k.side, jsonString(side === 0 ? "client" : "server"), k.close]))
);

/** From the object's opening through the seconds key. */
function head(p: 0 | 1, cause: number, kind: string): Uint8Array {
  let byCause = HEADS[p].get(kind);
  if (byCause === undefined) {
    byCause = [];
    if (HEADS[p].size < 4096) HEADS[p].set(kind, byCause);
  }
  let b = byCause[cause];
  if (b === undefined) {
    const k = IV_KEYS[p];
    b = byCause[cause] = joined([
      k.cause,
      jsonString(CAUSES[cause]),
      k.kind,
      jsonString(kind),
      k.seconds,
    ]);
  }
  return b;
}

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
  const p = k === IV_KEYS[0] ? 0 : 1;
  const open = head(p, s.cause, s.kind);
  const end = SIDE_END[p][s.side === 0 ? 0 : 1];
  // Two times of at most 17 characters, three numbers of at most 10 digits.
  const b = out.room(
    open.length + k.start.length + k.firstFrame.length + k.lastFrame.length + end.length +
      k.backoff.length + 70,
  );
  let at = put(b, out.length, open);
  at = micros(b, at, sec);
  at = put(b, at, k.start);
  at = micros(b, at, start);
  at = put(b, at, k.firstFrame);
  at = digits(b, at, firstFrame);
  at = put(b, at, k.lastFrame);
  at = digits(b, at, lastFrame);
  if (rto) {
    at = put(b, at, k.side);
    at = put(b, at, jsonString(s.side === 0 ? "client" : "server"));
    at = put(b, at, k.backoff);
    at = digits(b, at, backoff);
    out.length = put(b, at, k.close);
  } else out.length = put(b, at, end);
  return true;
}
