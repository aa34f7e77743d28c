/**
 * One shard of `explain --threads N` (cmd/explain_threads.ts, docs/threads.md):
 * runs the explain engine over the frames the reader hands it and answers
 * each batch with the connections that ended, already formatted. The worker
 * thread's entry is cmd/explain_worker.ts; tests run {@link shardHandler} in
 * their own thread.
 * @module
 */
import type { ConnFilter, Detail, Explained } from "../lib/explain/engine.ts";
import type { TrackerLimits } from "../lib/tcp/tracker_options.ts";
import { type ShardOptions, ShardRunner } from "../lib/explain/shard.ts";
import { connectionJsonParts, connectionJsonPieces, ndjsonNow } from "../lib/report/json_stream.ts";
import { AsciiBuffer } from "../lib/report/ascii_buffer.ts";
import { writeSummaryRow } from "../lib/report/summary.ts";
import { textChunks } from "../lib/report/text.ts";
import { textBytes } from "../lib/report/text_bytes.ts";

/** What a shard formats each connection as. */
export type ShardFormat = "table" | "ndjson" | "text" | "json";

/** The first message a shard gets. */
export interface ShardInit {
  type: "init";
  detail: Detail;
  reuse: boolean;
  filter?: ConnFilter;
  limits?: TrackerLimits;
  format: ShardFormat;
  color: boolean;
}

/** The pieces of one connection's output as one string. */
export function joinPieces(parts: Iterable<string>): string {
  let s = "";
  for (const p of parts) s += p;
  return s;
}

/**
 * The pieces of one connection's output in one piece: a string when they are
 * all strings, else the UTF-8 bytes of them all (the text without colour is
 * made as bytes: lib/report/text_bytes.ts).
 */
export function joinParts(parts: Iterable<string | Uint8Array>): string | Uint8Array {
  let text = "";
  // Bytes are copied as they come (a piece may be a view its maker reuses).
  let bytes: AsciiBuffer | null = null;
  for (const p of parts) {
    if (bytes === null && typeof p === "string") text += p;
    else {
      bytes ??= new AsciiBuffer(4096);
      if (text !== "") bytes.utf8(text);
      text = "";
      bytes.append(p);
    }
  }
  return bytes === null ? text : bytes.take();
}
const ascii = new TextDecoder();

/** The formatter of each output format (the same calls as cmd/explain_run.ts). */
export function shardFormatter(init: ShardInit): (e: Explained) => string {
  const row = new AsciiBuffer(512);
  switch (init.format) {
    case "table":
      return (e) => {
        writeSummaryRow(row, e, init.color);
        return ascii.decode(row.take());
      };
    case "ndjson":
      return (e) => ndjsonNow(e) ?? joinPieces(connectionJsonPieces(e));
    case "text":
      return (e) => joinPieces(textChunks(e, init.color));
    case "json":
      return (e) => joinPieces(connectionJsonPieces(e, undefined, true));
  }
}

/**
 * Where the output goes as bytes (every format but the table and coloured
 * text): each connection's pieces into one buffer per report, the same bytes
 * as the formatter's string (the pieces cmd/explain_run.ts writes with one
 * thread).
 */
export function shardFormatInto(init: ShardInit): ShardOptions["formatInto"] {
  const sink = new AsciiBuffer(1 << 16);
  const put = (parts: Iterable<string | Uint8Array>) => {
    for (const p of parts) sink.append(p);
  };
  switch (init.format) {
    case "table":
      return undefined;
    case "ndjson":
      return {
        sink,
        // As one thread writes it: a line of a few segments is one string.
        write: (e) => {
          if ((e.conn.segLog?.length ?? 0) < NDJSON_BYTES_MIN) sink.append(ndjsonNow(e)!);
          else put(connectionJsonParts(e));
        },
      };
    case "text":
      return init.color ? undefined : { sink, write: (e) => put(textBytes(e)) };
    case "json":
      return { sink, write: (e) => put(connectionJsonParts(e, undefined, true)) };
  }
}

/** NDJSON: connections of fewer segments are made as one string (cmd/explain_run.ts). */
const NDJSON_BYTES_MIN = 8;

/** The messages a shard gets after {@link ShardInit}. */
export type ShardMessage =
  | ShardInit
  | {
    type: "batch";
    seq: number;
    buf: ArrayBuffer;
    length: number;
    /** Earlier reports' buffers, given back to be written again (ShardRunner.recycle). */
    spares?: ArrayBuffer[];
  }
  | { type: "finish"; seq: number; tsSec: number; tsNsec: number };

/** A shard's message handler; `reply` answers each batch (giving its buffer back) and the finish. */
export function shardHandler(
  reply: (msg: unknown, transfer?: ArrayBuffer[]) => void,
): (data: unknown) => void {
  let runner: ShardRunner | undefined;
  return (data) => {
    const m = data as ShardMessage;
    try {
      if (m.type === "init") {
        runner = new ShardRunner({
          detail: m.detail,
          reuse: m.reuse,
          filter: m.filter,
          limits: m.limits,
          format: shardFormatter(m),
          formatInto: shardFormatInto(m),
        });
      } else if (m.type === "batch") {
        if (m.spares !== undefined) { for (const b of m.spares) runner!.recycle(b); }
        const report = runner!.run(new Uint8Array(m.buf, 0, m.length));
        // The batch's buffer goes back to the reader, which writes the next batch in it.
        const transfer = [m.buf];
        if (report.bytes !== null) transfer.push(report.bytes);
        reply({ seq: m.seq, report, buf: m.buf }, transfer);
      } else {
        const { report, totals } = runner!.finish(m.tsSec, m.tsNsec);
        reply({ seq: m.seq, report, totals }, report.bytes === null ? [] : [report.bytes]);
      }
    } catch (e) {
      reply({ seq: (m as { seq?: number }).seq ?? -1, error: String((e as Error)?.stack ?? e) });
    }
  };
}
