/**
 * The streamed JSON of explain: one connection's JSON text in pieces made
 * lazily (`--format json` and NDJSON), and the `--format json` document
 * written connection by connection ({@link JsonStreamWriter}). The objects
 * themselves are json.ts's.
 * @module
 */
import type { Explained } from "../explain/engine.ts";
import {
  type CaptureJson,
  connectionReport,
  type FrameOriginLookup,
  type SegmentJson,
  segmentJson,
} from "./json.ts";
import { ndjsonLine } from "./json.ts";
import { stringifyAt, stringifyItemsAt } from "./pretty_json.ts";
import { segmentsJsonBytes } from "./json_bytes.ts";
import { intervalsJsonBytes } from "./json_bytes_intervals.ts";

/**
 * Most segments of a connection whose NDJSON line {@link ndjsonNow} makes at
 * once (about 150 bytes each: a line of at most about 600 KB).
 */
export const LINE_AT_ONCE_SEGMENTS = 4096;

/**
 * A connection's NDJSON line made now, as one string, when it has at most
 * {@link LINE_AT_ONCE_SEGMENTS} segments (the caller may then forget the
 * connection and its record be reused); undefined for a longer one, whose
 * line is written in pieces by {@link connectionJsonPieces} (never one huge
 * string). Either way the same bytes.
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained;
 * const line = ndjsonNow(explained) ?? [...connectionJsonPieces(explained)].join("");
 * ```
 */
export function ndjsonNow(e: Explained, origins?: FrameOriginLookup): string | undefined {
  const n = e.conn.segLog?.length ?? 0;
  return n <= LINE_AT_ONCE_SEGMENTS ? ndjsonLine(connectionReport(e, origins)) : undefined;
}

/**
 * One connection as JSON text, in pieces made lazily from the connection: its
 * segments are converted one at a time, never as one array, so a connection
 * of millions of segments never becomes one object or one string. `pretty`:
 * the indented form inside the `--format json` document (4 spaces deep);
 * otherwise one NDJSON line, "\n" included, equal to
 * `ndjsonLine(connectionReport(e, origins))`.
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained, write: (s: string) => Promise<void>;
 * for (const piece of connectionJsonPieces(explained)) await write(piece);
 * ```
 */
export function* connectionJsonPieces(
  e: Explained,
  origins?: FrameOriginLookup,
  pretty = false,
): Generator<string> {
  const [head, tail] = aroundSegments(e, origins, pretty);
  yield head;
  const segs = e.conn.segLog;
  if (segs === null || segs.length === 0) yield "[]";
  else if (pretty && segs.length <= PRETTY_BATCH) {
    // Segments are 4 levels deep in the document (the array 3): indented by the runtime.
    yield stringifyAt(Array.from(segs, (x) => segmentJson(x, origins)), 3);
  } else if (pretty) {
    // A long connection: its segments stringified in batches.
    let batch = "[\n        ";
    const items: SegmentJson[] = [];
    for (let i = 0; i < segs.length; i++) {
      items.push(segmentJson(segs.at(i), origins));
      if (items.length === PRETTY_BATCH || i === segs.length - 1) {
        if (i >= items.length) batch += ",\n        ";
        batch += stringifyItemsAt(items, 3);
        items.length = 0;
        if (batch.length >= 1 << 16) {
          yield batch;
          batch = "";
        }
      }
    }
    yield batch + "\n      ]";
  } else {
    let batch = "[";
    for (let i = 0; i < segs.length; i++) {
      batch += (i === 0 ? "" : ",") + JSON.stringify(segmentJson(segs.at(i), origins));
      if (batch.length >= 1 << 16) {
        yield batch;
        batch = "";
      }
    }
    yield batch + "]";
  }
  yield tail;
}

/**
 * A connection's JSON text before and after its segments array (the tail
 * ends the NDJSON line with its newline).
 */
function aroundSegments(
  e: Explained,
  origins: FrameOriginLookup | undefined,
  pretty: boolean,
): [string, string] {
  const r = connectionReport(e, origins, false);
  const text = pretty
    ? stringifyAt({ ...r, segments: SEGMENTS_MARK }, 2)
    : JSON.stringify({ ...r, segments: SEGMENTS_MARK });
  const at = text.indexOf(MARK_JSON);
  return [text.slice(0, at), text.slice(at + MARK_JSON.length) + (pretty ? "" : "\n")];
}

/**
 * {@link connectionJsonPieces} with the segments array and the time
 * attribution's intervals written as UTF-8 bytes (lib/report/json_bytes.ts):
 * the same text, made faster. Byte pieces
 * are views of a reused buffer: read each before asking for the next.
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained, write: (s: string | Uint8Array) => void;
 * for (const part of connectionJsonParts(explained)) write(part);
 * ```
 */
export function* connectionJsonParts(
  e: Explained,
  origins?: FrameOriginLookup,
  pretty = false,
): Generator<string | Uint8Array> {
  const t = e.timing;
  if (t === null || t === undefined) {
    const [head, tail] = aroundSegments(e, origins, pretty);
    yield head;
    yield* segmentsJsonBytes(e.conn.segLog, origins, pretty);
    yield tail;
    return;
  }
  // The time attribution's intervals (a third of a benchmark connection's
  // JSON) as bytes too: the rest is stringified with a mark for each array.
  // --format json on the 1x benchmark capture: Bun 5.2-5.5 s, 141 MiB ->
  // 3.8-4.7 s, 96-99 MiB; 4x: 21-22 s, 230 MiB -> 15 s, 124 MiB. NDJSON
  // (compact): the same time, peak 100 -> 88 MiB (Bun), 102 -> 96 (Deno).
  const r = connectionReport(e, origins, false, false);
  const o = { ...r, segments: SEGMENTS_MARK, timing: { ...r.timing!, intervals: INTERVALS_MARK } };
  const text = pretty ? stringifyAt(o, 2) : JSON.stringify(o);
  const at = text.indexOf(MARK_JSON);
  const iv = text.indexOf(INTERVALS_MARK_JSON, at);
  yield text.slice(0, at);
  yield* segmentsJsonBytes(e.conn.segLog, origins, pretty);
  yield text.slice(at + MARK_JSON.length, iv);
  yield* intervalsJsonBytes(t.intervals, pretty);
  yield text.slice(iv + INTERVALS_MARK_JSON.length) + (pretty ? "" : "\n");
}

/**
 * The streamed `--format json` document: the same object as {@link renderJson}
 * with `connections` first, written connection by connection as each ends,
 * and `capture` last (it is known only at the end; JSON key order carries no
 * meaning). Each piece is made only when the caller iterates it.
 *
 * @example
 * ```ts
 * const w = new JsonStreamWriter();
 * const text = w.head() + w.end({ format: "pcap", linkTypes: [1], frames: 0, truncated: false, warnings: [] });
 * // JSON.parse(text).connections.length === 0
 * ```
 */
export class JsonStreamWriter {
  #count = 0;

  /** The document's opening. */
  head(): string {
    return '{\n  "connections": [';
  }

  /**
   * One connection's pieces (iterate them in the order the connections were
   * given). It is counted now, not when iterated, so the closing bracket's
   * line does not depend on when the output was flushed.
   */
  connection(e: Explained, origins?: FrameOriginLookup): Iterable<string> {
    const sep = this.separator();
    return (function* () {
      yield sep;
      yield* connectionJsonPieces(e, origins, true);
    })();
  }

  /** The separator {@link connection} would put before the next connection (counts it). */
  separator(): string {
    return this.#count++ === 0 ? "\n    " : ",\n    ";
  }

  /**
   * One connection whose text is already made (`connectionJsonPieces(e,
   * origins, true)` joined), with the separator {@link connection} would give it.
   */
  connectionText(text: string): string {
    return this.separator() + text;
  }

  /** Closes the array and writes the capture object. */
  end(capture: CaptureJson): string {
    const close = this.#count === 0 ? "]" : "\n  ]";
    return `${close},\n  "capture": ${stringifyAt(capture, 1)}\n}\n`;
  }
}

const SEGMENTS_MARK = "\u0000segments\u0000";
const MARK_JSON = JSON.stringify(SEGMENTS_MARK);
const INTERVALS_MARK = "\u0000intervals\u0000";
const INTERVALS_MARK_JSON = JSON.stringify(INTERVALS_MARK);

/**
 * Segments stringified together in `--format json` (one call of the runtime's
 * JSON.stringify). Bigger batches are faster but raise Bun's peak RSS on the
 * 2.4 M-packet benchmark capture (measured: 1: 147 MiB, 4: 168, 8: 181, 32 or
 * more: 200; CPU 0.84 of the former per-segment indentation at 4, 0.74 at 256).
 */
const PRETTY_BATCH = 4;
