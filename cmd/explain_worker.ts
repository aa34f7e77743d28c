/**
 * One shard of `explain --threads N` (cmd/explain_threads.ts, docs/threads.md):
 * runs the explain engine over the frames the reader hands it and answers
 * each batch with the connections that ended, already formatted.
 * @module
 */
import type { ConnFilter, Detail, Explained } from "../lib/explain/engine.ts";
import { ShardRunner } from "../lib/explain/shard.ts";
import { connectionJsonPieces, connectionReport, ndjsonLine } from "../lib/report/json.ts";
import { AsciiBuffer } from "../lib/report/ascii_buffer.ts";
import { writeSummaryRow } from "../lib/report/summary.ts";
import { textChunks } from "../lib/report/text.ts";
import { parentPort } from "../lib/runtime/worker.ts";

/** What a shard formats each connection as. */
export type ShardFormat = "table" | "ndjson" | "text" | "json";

/** The first message a shard gets. */
export interface ShardInit {
  type: "init";
  detail: Detail;
  reuse: boolean;
  filter?: ConnFilter;
  format: ShardFormat;
  color: boolean;
}

function join(parts: Iterable<string>): string {
  let s = "";
  for (const p of parts) s += p;
  return s;
}

/** The formatter of each output format (the same calls as cmd/explain_run.ts). */
export function shardFormatter(init: ShardInit): (e: Explained) => string {
  const row = new AsciiBuffer(512);
  switch (init.format) {
    case "table":
      return (e) => {
        writeSummaryRow(row, e, init.color);
        return row.takeString();
      };
    case "ndjson":
      return init.reuse
        ? (e) => ndjsonLine(connectionReport(e))
        : (e) => join(connectionJsonPieces(e));
    case "text":
      return (e) => join(textChunks(e, init.color));
    case "json":
      return (e) => join(connectionJsonPieces(e, undefined, true));
  }
}

const port = parentPort();
let runner: ShardRunner | undefined;
port.onMessage((data) => {
  const m = data as
    | ShardInit
    | { type: "batch"; seq: number; buf: ArrayBuffer; length: number }
    | { type: "finish"; seq: number; tsSec: number; tsNsec: number };
  try {
    if (m.type === "init") {
      runner = new ShardRunner({
        detail: m.detail,
        reuse: m.reuse,
        filter: m.filter,
        format: shardFormatter(m),
      });
    } else if (m.type === "batch") {
      const report = runner!.run(new Uint8Array(m.buf, 0, m.length));
      port.post({ seq: m.seq, report });
    } else {
      const { report, totals } = runner!.finish(m.tsSec, m.tsNsec);
      port.post({ seq: m.seq, report, totals });
    }
  } catch (e) {
    port.post({ seq: (m as { seq?: number }).seq ?? -1, error: String((e as Error)?.stack ?? e) });
  }
});
