/**
 * Runs `tcpecho explain`: opens the capture, streams it through the reader,
 * decoder and explain engine, and writes the chosen output as connections
 * end (text and json are ordered by connection id at the end; ndjson and
 * --summary rows stream). A progress line goes to stderr for big files when
 * stderr is a terminal.
 * @module
 */
import { statSync } from "node:fs";
import { readCapture } from "../lib/capture/mod.ts";
import type { ByteSource, CaptureInfo } from "../lib/capture/types.ts";
import { addrString, decodeFrame, newPacket } from "../lib/decode/mod.ts";
import { type ConnFilter, type Explained, Explainer } from "../lib/explain/engine.ts";
import { TcpechoError } from "../lib/errors.ts";
import { connectionReport, ndjsonLine, renderJson } from "../lib/report/json.ts";
import { AsciiBuffer, summaryHeader, writeSummaryRow } from "../lib/report/summary.ts";
import { renderText } from "../lib/report/text.ts";
import type { CommandContext } from "./cli.ts";
import { writeHtmlReport } from "./explain_html.ts";

/** What the explain command was asked to do. */
export interface ExplainRequest {
  file: string;
  format: "text" | "json" | "ndjson" | "html";
  /** File for the html report (stdout when absent). */
  output?: string;
  summary: boolean;
  filter: ConnFilter;
}

/** Files at least this big get a progress line (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

async function open(ctx: CommandContext, file: string): Promise<ByteSource & { close(): void }> {
  if (file === "-") return ctx.rt.stdin();
  try {
    return await ctx.rt.openFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code ?? "EIO";
    const why = code === "ENOENT"
      ? "no such file"
      : code === "EACCES"
      ? "permission denied"
      : code === "EISDIR"
      ? "it is a directory"
      : (e as Error).message;
    throw new TcpechoError(`Cannot open capture '${file}': ${why} (${code})`, {
      code,
      hint: "give a pcap or pcapng file, or - to read standard input",
      cause: e,
    });
  }
}

function fileSize(file: string): number {
  try {
    return file === "-" ? 0 : statSync(file).size;
  } catch {
    return 0;
  }
}

/** A source that flushes pending output before each read and reports progress. */
function pumpingSource(
  src: ByteSource,
  flush: () => Promise<void>,
  progress: ((bytes: number) => Promise<void>) | undefined,
): ByteSource {
  let total = 0;
  return {
    async read(into) {
      await flush();
      const n = await src.read(into);
      if (n !== null) {
        total += n;
        if (progress) await progress(total);
      }
      return n;
    },
  };
}

function progressReporter(ctx: CommandContext, size: number, frames: () => number) {
  if (size < PROGRESS_MIN_BYTES || !ctx.rt.isTerminal(2)) return undefined;
  let last = 0;
  const report = async (bytes: number) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    const pct = Math.min(100, (bytes / size) * 100).toFixed(0);
    await ctx.rt.writeStderr(`\rexplain: ${pct}%  ${frames().toLocaleString("en")} frames  `);
  };
  return { report, done: () => ctx.rt.writeStderr("\r\x1b[K") };
}

/**
 * Runs explain; returns the exit code (0 when the capture was read).
 *
 * @example
 * ```ts
 * // await runExplain(ctx, { file: "x.pcap", format: "text", summary: false, filter: {} });
 * ```
 */
export async function runExplain(ctx: CommandContext, req: ExplainRequest): Promise<number> {
  const { rt } = ctx;
  const pending: string[] = [];
  /** The --summary table goes here as bytes (no string per row); other formats use `pending`. */
  const table = new AsciiBuffer();
  const collected: Explained[] = [];
  const tableMode = req.format === "text" && req.summary;
  const streaming = req.format === "ndjson" || tableMode;
  const onConnection = (e: Explained) => {
    if (req.format === "ndjson") pending.push(ndjsonLine(connectionReport(e)));
    else if (tableMode) writeSummaryRow(table, e, ctx.color);
    else collected.push(e);
  };
  const ex = new Explainer({
    keepDetail: !req.summary,
    tableOnly: tableMode,
    // Rows and ndjson lines are written as each connection ends; nothing keeps it.
    transient: streaming,
    filter: req.filter,
    onConnection,
    addrString: (buf, off, v) => addrString(buf, off, v),
  });
  if (tableMode) table.text(summaryHeader(ctx.color));
  const flush = async () => {
    if (table.length > 0) await rt.writeStdout(table.take());
    if (pending.length === 0) return;
    const text = pending.join("");
    pending.length = 0;
    await rt.writeStdout(text);
  };
  const src = await open(ctx, req.file);
  const pkt = newPacket();
  let frames = 0;
  const progress = progressReporter(ctx, fileSize(req.file), () => frames);
  let info: CaptureInfo;
  try {
    info = await readCapture(pumpingSource(src, flush, progress?.report), (frame) => {
      frames++;
      ex.push(decodeFrame(frame, pkt));
    });
  } finally {
    src.close();
    await progress?.done();
  }
  ex.finish();
  // JSON carries the warnings in its capture object; every other format says
  // them on stderr, so a truncated capture is never silent.
  if (req.format !== "json") {
    for (const w of info.warnings) await rt.writeStderr(`tcpecho: warning: ${w}\n`);
  }
  if (!streaming) collected.sort((a, b) => a.conn.id - b.conn.id);
  if (req.format === "html") {
    await writeHtmlReport(ctx, req.output, req.file, info, collected.map(connectionReport));
    return 0;
  }
  if (req.format === "json") pending.push(renderJson(info, collected.map(connectionReport)));
  else if (req.format === "text" && !req.summary) {
    for (const e of collected) pending.push(renderText(e, ctx.color));
    if (collected.length === 0) pending.push(noConnections(ex.connections));
  } else if (tableMode) table.text(totals(ex.connections, info));
  await flush();
  return 0;
}

function noConnections(total: number): string {
  return total === 0
    ? "No TCP connections in this capture.\n"
    : `No connection matches the filter (${total} in the capture).\n`;
}

function totals(total: number, info: CaptureInfo): string {
  const trunc = info.truncated ? " (capture truncated)" : "";
  return `${total} connection(s), ${info.frames} frame(s)${trunc}\n`;
}
