/**
 * Runs `tcpecho explain`: opens the capture, runs the pipeline
 * (lib/explain/pipeline.ts) over it and writes the chosen output as
 * connections end. A progress line goes to stderr for big files when stderr
 * is a terminal.
 * @module
 */
import type { ByteSource, CaptureInfo } from "../lib/capture/types.ts";
import {
  type ConnFilter,
  explainCapture,
  type Explained,
  type ExplainSummary,
  FrameOrigins,
} from "../lib/explain/pipeline.ts";
import { ID_TEXT, withId, withIdBytes } from "../lib/explain/shard_merge.ts";
import { type HeapPacer, heapPacer, V8_THREADS_LIMIT } from "../lib/runtime/heap.ts";
import type { WorkerHandle } from "../lib/runtime/worker.ts";
import { explainThreaded, threadsFor } from "./explain_threads.ts";
import { captureJson } from "../lib/report/json.ts";
import {
  connectionJsonParts,
  connectionJsonPieces,
  JsonStreamWriter,
  LINE_AT_ONCE_SEGMENTS,
  ndjsonNow,
} from "../lib/report/json_stream.ts";
import { IdOrder } from "../lib/report/order.ts";
import { OutputQueue } from "../lib/report/output_queue.ts";
import { AsciiBuffer, summaryHeader, writeSummaryRow } from "../lib/report/summary.ts";
import { textChunks } from "../lib/report/text.ts";
import { textBytes } from "../lib/report/text_bytes.ts";
import type { CommandContext } from "./cli.ts";
import type { HtmlOutput, HtmlReady } from "./explain_html.ts";
import type { TrackerLimits } from "../lib/tcp/tracker_options.ts";
import {
  captureFiles,
  fileLines,
  fileSize,
  isDirectory,
  open,
  progressReporter,
  pumpingSource,
} from "./explain_input.ts";
import { joinParts } from "./explain_shard.ts";

/** What the explain command was asked to do. */
export interface ExplainRequest {
  /**
   * Capture files (or "-" alone for stdin). Several files, or a folder (its
   * files in name order), are read as one capture merged by timestamp.
   */
  files: string[];
  format: "text" | "json" | "ndjson" | "html";
  /** File for the html report (stdout when absent). */
  output?: string;
  summary: boolean;
  filter: ConnFilter;
  /** The tracker's limits (--max-open, --max-half-open, --half-open-timeout, --idle-timeout). */
  limits?: TrackerLimits;
  /**
   * Worker threads (docs/threads.md); 1 or absent: the single-threaded
   * pipeline. Used where the output can be made identical (not html, not
   * --conn, not json/ndjson of a capture set); elsewhere 1.
   */
  threads?: number;
  /** Tests: starts shard `i` in their own thread instead of a worker (explain_threads.ts). */
  spawn?(i: number): WorkerHandle;
}

/**
 * Most bytes read between two flushes of the output: a connection's output
 * waits, encoded (lib/report/output_queue.ts), until the next flush, and the
 * heap pacer (lib/runtime/heap.ts) looks at the heap at each flush; 128 KiB
 * of a SYN flood ends about 1,800 connections (2-5 MB of output).
 */
const READ_CAP = 128 * 1024;
/**
 * The --summary table keeps nothing per ended connection but its row (about
 * 130 bytes), so it reads whole 1 MiB chunks (fewer reads and writes: Deno 1.67 -> 1.42 s wall, Bun unchanged).
 */
const TABLE_READ_CAP = 1 << 20;
/** NDJSON connections of at least this many segments have them written as bytes. */
const NDJSON_BYTES_MIN = 8;
/** The table is written in pieces of at least this many bytes (and at the end). */
const TABLE_FLUSH = 1 << 16;
/**
 * HTML: a connection of at most this many segments is made into its report
 * object when it ends and waits for its turn in the table as that, so its
 * record is reused (a 1 M SYN flood: every record died old before, 2 GB of
 * promoted garbage). Longer ones keep their record, which holds segments
 * compactly (34 bytes each against ~200 as report objects), so the reorder
 * window (1,024 connections) holds at most ~13 MB of report objects.
 */
const HTML_AT_ONCE_SEGMENTS = 64;

/**
 * Runs explain; returns the exit code: 0 when the capture was read whole, 1
 * when it was cut short or damaged (everything readable is still reported,
 * and the warning names the byte offset).
 *
 * Every format streams: a connection is written when it ends (text, json and
 * html in id order within a window, see lib/report/order.ts; ndjson and the
 * --summary table in end order) and then forgotten, so memory follows the
 * connections open at the same time. The html page is written at the end:
 * its table rows, embedded details and string table wait in temporary files, and only a bounded number of
 * connections keep their segments (lib/report/html/stream.ts).
 *
 * @example
 * ```ts
 * import type { CommandContext } from "./cli.ts";
 * declare const ctx: CommandContext;
 * await runExplain(ctx, { files: ["x.pcap"], format: "text", summary: false, filter: {} });
 * ```
 */
export async function runExplain(ctx: CommandContext, req: ExplainRequest): Promise<number> {
  const { rt } = ctx;
  /** Text, json and ndjson output, encoded to bytes as each connection is written. */
  const out = new OutputQueue();
  /** The --summary table goes here as bytes (no string per row); other formats use `out`. */
  const table = new AsciiBuffer();
  // The html report's modules load only for html (start-up of the other formats).
  const html: HtmlOutput | undefined = req.format === "html"
    ? new (await import("./explain_html.ts")).HtmlOutput(ctx, req.output, req.files.join(", "))
    : undefined;
  const tableMode = req.format === "text" && req.summary;
  const json = req.format === "json" ? new JsonStreamWriter() : undefined;
  if (json) out.push(json.head());
  /** For a capture set: where each merged frame came from (JSON segments carry it). */
  const origins = req.files.length > 1 || isDirectory(rt, req.files[0])
    ? new FrameOrigins()
    : undefined;
  let written = 0;
  let jsonCount = 0;
  /** A connection's text: bytes without colour (no string per line), else strings. */
  const text = (e: Explained): Iterable<string | Uint8Array> =>
    ctx.color ? textChunks(e, true) : textBytes(e);
  const write = (e: Explained) => {
    written++;
    // From the worker threads: the connection's output, made there.
    const made = (e as unknown as { text?: string | Uint8Array }).text;
    if (made !== undefined) {
      const id = (e as unknown as { id: number }).id;
      if (req.format !== "text") out.push(jsonCount++ === 0 ? "\n    " : ",\n    ");
      // Bytes are copied now (pushNow): their buffer goes back to the worker.
      if (typeof made === "string") out.push(withId(made, id));
      else out.pushNow(withIdBytes(made, id));
      return;
    }
    // Made as the connection ended and written at once, piece by piece
    // (it was next in id order: no joined string is made).
    const pieces = (e as unknown as { pieces?: Iterable<string | Uint8Array> }).pieces;
    if (pieces !== undefined) {
      if (req.format !== "text") out.push(json!.separator());
      for (const piece of pieces) out.push(piece);
      return;
    }
    // Made when the connection ended (its record was reused since).
    const ready = (e as unknown as { ready?: string | Uint8Array }).ready;
    if (ready !== undefined) {
      if (req.format !== "text") out.push(json!.separator());
      out.push(ready);
      return;
    }
    const htmlReady = (e as unknown as { html?: HtmlReady }).html;
    if (htmlReady !== undefined) {
      html!.addReady(htmlReady);
      return;
    }
    if (req.format === "text") out.push(text(e));
    else if (html) html.add(e, origins);
    else out.push(json!.connection(e, origins));
  };
  const order = new IdOrder<Explained & { id: number }>(write);
  /** Returns true when it keeps the connection (its record is then not reused). */
  const onConnection = (e: Explained): boolean => {
    if (req.format === "ndjson") {
      // A line is made now and the record reused; a connection of more
      // segments than a line should hold at once is written in pieces later
      // and keeps its record.
      // Its segments are written as bytes; a connection of a few segments
      // (a SYN flood's) is one string as before: as bytes, the 1 M flood's
      // NDJSON peaked at 283 MiB on Bun in CI, against 222-229 as a string.
      const n = e.conn.segLog?.length ?? 0;
      if (n < NDJSON_BYTES_MIN) out.push(ndjsonNow(e, origins)!);
      else if (n <= LINE_AT_ONCE_SEGMENTS) out.pushNow(connectionJsonParts(e, origins));
      else {
        out.push(connectionJsonParts(e, origins));
        return true;
      }
      return false;
    }
    if (tableMode) {
      writeSummaryRow(table, e, ctx.color);
      return false;
    }
    // Text and JSON: a connection of up to LINE_AT_ONCE_SEGMENTS segments is
    // made now (it waits for its turn as a string, its record reused); a
    // longer one waits as itself and is made in pieces when written.
    // HTML: a connection of up to HTML_AT_ONCE_SEGMENTS segments is made
    // into its report now (it waits as that, its record reused).
    if (html && (e.conn.segLog?.length ?? 0) <= HTML_AT_ONCE_SEGMENTS) {
      order.push(
        { id: e.conn.id, html: html.prepare(e, origins) } as unknown as Explained & {
          id: number;
        },
      );
      return false;
    }
    if (!html && (e.conn.segLog?.length ?? 0) <= LINE_AT_ONCE_SEGMENTS) {
      // Next in id order (the common case): written now, the pieces read
      // while the record is still this connection's; else it waits joined.
      // Text as bytes (lib/report/text_bytes.ts); JSON written now with its
      // segments and intervals as bytes (docs/benchmarks.md); JSON that waits
      // as one string (as bytes, the 1 M SYN flood's Deno peak: 237 -> 289 MiB).
      const next = order.isNext(e.conn.id);
      const item = req.format === "text"
        ? next ? { id: e.conn.id, pieces: text(e) } : { id: e.conn.id, ready: joinParts(text(e)) }
        : next
        ? { id: e.conn.id, pieces: connectionJsonParts(e, origins, true) }
        : { id: e.conn.id, ready: [...connectionJsonPieces(e, origins, true)].join("") };
      order.push(item as unknown as Explained & { id: number });
      return false;
    }
    order.push({ ...e, id: e.conn.id });
    return true;
  };
  if (tableMode) table.text(summaryHeader(ctx.color));
  // Records are reset and reused in every format: each connection's output is made when it
  // ends (a line, a string, an HTML report object), and a consumer that keeps a record (a long
  // connection) says so by returning true from onConnection. A 1 M SYN flood in ndjson, through
  // a pipe: peak RSS Deno 295 -> 261 MiB, Bun 316 -> 287, CPU 0.75 / 0.73 (its records no longer
  // die old); in html see HTML_AT_ONCE_SEGMENTS.
  const reuse = true;
  // None for the table (it keeps little; the speed benchmark). Set once the thread count is known:
  // with threads, the reader's heap stays small, and so does its budget on Deno (V8_THREADS_LIMIT).
  let pacer: HeapPacer | undefined;
  const flush = async (final = false) => {
    pacer?.tick();
    // The table's rows are small: written in pieces of at least 64 KiB.
    const write = (data: Uint8Array | string) => rt.writeStdoutBatch(data);
    if (final || table.length >= TABLE_FLUSH) await table.drainTo(write);
    await out.writeTo(write);
  };
  const readCap = tableMode ? TABLE_READ_CAP : READ_CAP;
  const { files, skipped } = await captureFiles(rt, req.files);
  if (skipped.length > 0) {
    const names = skipped.slice(0, 5).join(", ") + (skipped.length > 5 ? ", …" : "");
    await rt.writeStderr(
      `tcpecho: left out ${skipped.length} file(s) of the folder that are not captures: ${names}\n`,
    );
  }
  const opened: (ByteSource & { close(): void })[] = [];
  let done: ExplainSummary;
  let frames = 0;
  const size = files.reduce((n, f) => n + fileSize(rt, f), 0);
  const progress = progressReporter(ctx, size, () => frames);
  try {
    for (const f of files) opened.push(await open(ctx, f));
    const input = opened.length === 1
      ? pumpingSource(opened[0], flush, progress?.report, readCap)
      : opened.map((src, i) => ({
        name: files[i],
        source: i === 0 ? pumpingSource(src, flush, progress?.report, readCap) : src,
      }));
    const threads = threadsFor(req, origins !== undefined, size);
    if (!tableMode) pacer = await heapPacer(threads > 1 ? { v8: V8_THREADS_LIMIT } : {});
    done = threads > 1
      ? await explainThreaded(input, {
        threads,
        spawn: req.spawn,
        origins,
        detail: req.summary ? (tableMode ? "table" : "verdict") : "full",
        reuse,
        filter: req.filter,
        limits: req.limits,
        format: tableMode ? "table" : req.format as "text" | "json" | "ndjson",
        color: ctx.color,
        // Bytes are valid only during the call (their buffer goes back to
        // the worker): copied into the output now, or kept as a copy.
        onOutput: (id, text) => {
          if (text === undefined) order.skip(id);
          else if (tableMode) table.text(summaryRowWithId(text as string, id));
          else if (req.format === "ndjson") {
            if (typeof text === "string") out.push(withId(text, id));
            else out.pushNow(withIdBytes(text, id));
          } else {
            if (typeof text !== "string" && !order.isNext(id)) text = text.slice();
            order.push({ id, text } as unknown as Explained & { id: number });
          }
        },
        onFrame: (n) => {
          frames = n;
        },
      })
      : await explainCapture(input, {
        origins,
        detail: req.summary ? (tableMode ? "table" : "verdict") : "full",
        reuse,
        filter: req.filter,
        limits: req.limits,
        onConnection,
        onFiltered: (id) => order.skip(id),
        onFrame: (n) => {
          frames = n;
        },
      });
  } finally {
    for (const src of opened) src.close();
    await progress?.done();
  }
  order.flush();
  const info = done.capture;
  // JSON carries the warnings and the unplaced counts in its capture object;
  // every other format says them on stderr, so a damaged capture is never silent.
  if (req.format !== "json") {
    for (const w of info.warnings) await rt.writeStderr(`tcpecho: warning: ${w}\n`);
  }
  // The frames in no connection and the expired connections, one line each.
  const unplaced = [unplacedLine(done.unplaced), expiredLine(done.expired)].filter(Boolean)
    .join("\n");
  if (html) {
    await flush();
    await html.finish(captureJson(info, done.unplaced, done.expired));
  } else if (json) {
    const end = json.end(captureJson(info, done.unplaced, done.expired));
    // The writer closes a non-empty array on its own line; it saw none of the threads' connections.
    out.push(jsonCount > 0 ? "\n  " + end : end);
  } else if (req.format === "text" && !req.summary) {
    if (written === 0) out.push(noConnections(done.connections));
    const set = fileLines(info);
    if (set) out.push(set);
    if (unplaced) out.push(unplaced + "\n");
  } else if (tableMode) {
    table.text(
      totals(done.connections, info) + (unplaced ? unplaced + "\n" : "") + fileLines(info),
    );
  } else if (unplaced) await rt.writeStderr(`tcpecho: ${unplaced}\n`);
  await flush(true);
  return info.truncated || info.damaged ? 1 : 0;
}

/** A summary row made by a worker, with the id cell written for `id` (summary.ts's widths). */
function summaryRowWithId(row: string, id: number): string {
  const at = row.indexOf(ID_TEXT);
  const digits = String(id);
  const pad = digits.length >= 6 ? 1 : 7 - digits.length;
  return row.slice(0, at) + digits + " ".repeat(pad) + row.slice(at + ID_TEXT.length + 1);
}

/**
 * One line naming the frames that belong to no connection, by reason, or ""
 * when there are none.
 *
 * @example
 * ```ts
 * unplacedLine({ "unsupported link type 147": 3 });
 * // "3 frame(s) that may carry TCP belong to no connection: unsupported link type 147 (3)"
 * ```
 */
export function unplacedLine(unplaced: Record<string, number>): string {
  const entries = Object.entries(unplaced).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return "";
  const total = entries.reduce((n, [, c]) => n + c, 0);
  return `${total} frame(s) that may carry TCP belong to no connection: ` +
    entries.map(([why, n]) => `${why} (${n})`).join(", ");
}

/**
 * One line saying how many connections ended "expired" and by which limit,
 * or "" when none did.
 *
 * @example
 * ```ts
 * expiredLine({ "half-open": 0, idle: 2, cap: 0 });
 * // "2 connection(s) expired (reported, not dropped): idle 2"
 * ```
 */
export function expiredLine(expired: Record<string, number>): string {
  const parts = Object.entries(expired).filter(([, n]) => n > 0);
  if (parts.length === 0) return "";
  const total = parts.reduce((n, [, c]) => n + c, 0);
  return `${total} connection(s) expired (reported, not dropped): ` +
    parts.map(([why, n]) => `${why} ${n}`).join(", ");
}

function noConnections(total: number): string {
  return total === 0
    ? "No TCP connections in this capture.\n"
    : `No connection matches the filter (${total} in the capture).\n`;
}

function totals(total: number, info: CaptureInfo): string {
  const trunc = info.truncated
    ? " (capture truncated)"
    : info.damaged
    ? " (capture damaged: see the warnings)"
    : "";
  return `${total} connection(s), ${info.frames} frame(s)${trunc}\n`;
}
