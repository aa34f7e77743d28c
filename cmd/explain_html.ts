/**
 * `tcpecho explain --format html`: renders the same report objects as
 * `--format json` into one self-contained HTML page, connection by connection
 * (lib/report/html/stream.ts), and writes it to `-o FILE` or standard output.
 * @module
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TcpechoError } from "../lib/errors.ts";
import { HtmlStreamWriter, type Spill } from "../lib/report/html/stream.ts";
import type { Explained } from "../lib/explain/pipeline.ts";
import { type ConnectionStats, recordStats, reportRowStats } from "../lib/report/html/stats.ts";
import {
  type CaptureJson,
  type ConnectionReport,
  connectionReport,
  type FrameOriginLookup,
} from "../lib/report/json.ts";
import type { CommandContext } from "./cli.ts";

const WHY: Record<string, string> = {
  ENOENT: "its folder does not exist",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
};

/**
 * Each part of the page (rows, embedded details, strings) is kept in memory
 * up to this many characters, then spilled to a temporary file. Small: what
 * is held outlives the young generation, and V8 then grows the heap for it
 * (at 4 Mi characters a part, the 2x benchmark capture's page took Deno's
 * heap in use to 47 MB and its peak RSS to 180-200 MiB; at 256 Ki, 17 MB and
 * 154 MiB). A report smaller than this makes no temporary file.
 */
const SPILL_MEMORY = 256 * 1024;

/**
 * A spill that holds rows in memory and moves them to a temporary file past
 * {@link SPILL_MEMORY} (where a temporary file cannot be made, for example
 * under Deno without --allow-write, it stays in memory). The file is removed
 * when the report is written.
 */
class TempSpill implements Spill {
  #parts: string[] = [];
  #size = 0;
  #dir = "";
  #fd = -1;

  write(text: string): void {
    if (this.#fd < 0 && this.#size + text.length > SPILL_MEMORY) this.#open();
    if (this.#fd >= 0) writeSync(this.#fd, text);
    else {
      this.#parts.push(text);
      this.#size += text.length;
    }
  }

  #open(): void {
    try {
      this.#dir = mkdtempSync(join(tmpdir(), "tcpecho-html-"));
      this.#fd = openSync(join(this.#dir, "rows.json"), "w+");
      for (const p of this.#parts) writeSync(this.#fd, p);
      this.#parts = [];
      this.#size = 0;
    } catch {
      this.#fd = -1; // no temporary file: keep going in memory
    }
  }

  /**
   * The rows as written: the file's bytes in pieces of up to 1 MiB (one
   * buffer, reused: the page is written piece by piece). Decoding them to
   * be encoded again made two copies of a page that can be hundreds of MB,
   * in strings the runtimes collect late (the 1 M-SYN flood's page: Deno's
   * peak RSS 552 MiB at the end against 466 while reading).
   */
  *read(): Generator<string | Uint8Array> {
    yield* this.#parts;
    if (this.#fd < 0) return;
    const buf = new Uint8Array(1 << 20);
    for (let pos = 0;;) {
      const n = readSync(this.#fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      pos += n;
      yield buf.subarray(0, n);
    }
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * A connection's part of the page made when it ended, so that its record can
 * be reused while it waits for its turn in the table: its report with the
 * segments, and what a row without them needs (whether the segments are
 * embedded is decided in table order, by {@link HtmlOutput.addReady}).
 */
export interface HtmlReady {
  report: ConnectionReport;
  /** Seconds from the first to the last segment record (unrounded). */
  duration: number;
  /** The last segment record's time (0 without segments). */
  lastTime: number;
  /**
   * Set when the segments could no longer be embedded when the connection
   * ended (the budget only fills up, so they cannot be later): the row's
   * figures, `report` then has no segments, and `segments` is their count.
   */
  row?: ConnectionStats;
  segments?: number;
}

/**
 * The HTML report being written: connections are added as they end (rows,
 * embedded details and strings spill to temporary files, so memory stays flat), and the page is written
 * at the end to `-o FILE` or standard output.
 *
 * @example
 * ```ts
 * import type { CommandContext } from "./cli.ts";
 * import type { CaptureInfo } from "../lib/capture/mod.ts";
 * import type { Explained } from "../lib/explain/engine.ts";
 * import { captureJson } from "../lib/report/json.ts";
 * declare const ctx: CommandContext, e: Explained, info: CaptureInfo;
 * const html = new HtmlOutput(ctx, "report.html", "capture.pcap");
 * html.add(e); // … one call per connection
 * await html.finish(captureJson(info));
 * ```
 */
export class HtmlOutput {
  #ctx: CommandContext;
  #output: string | undefined;
  #spills: TempSpill[] = [];
  #writer: HtmlStreamWriter;
  #count = 0;

  constructor(ctx: CommandContext, output: string | undefined, file: string) {
    this.#ctx = ctx;
    this.#output = output === "-" ? undefined : output;
    const captureName = file === "-" ? "standard input" : file.split("/").pop() ?? file;
    this.#writer = new HtmlStreamWriter(() => {
      const spill = new TempSpill();
      this.#spills.push(spill);
      return spill;
    }, { captureName });
  }

  /** One connection, in table order. */
  add(e: Explained, origins?: FrameOriginLookup): void {
    this.#count++;
    const segs = e.conn.segLog ?? [];
    if (this.#writer.fits(e.verdict.scenario, segs.length)) {
      this.#writer.add(connectionReport(e, origins));
      return;
    }
    // Too long to embed: its row only, without making a report object per segment.
    const r = connectionReport(e, origins, false);
    this.#writer.addRow(r, recordStats(segs, r.retransmissions.count), segs.length);
    if (segs.length > 0) this.#writer.seeTime(segs.at(segs.length - 1)!.time);
  }

  /**
   * Makes a connection's part now (see {@link HtmlReady}); {@link addReady}
   * adds it later with the same result as {@link add} now.
   */
  prepare(e: Explained, origins?: FrameOriginLookup): HtmlReady {
    const segs = e.conn.segLog;
    const n = segs?.length ?? 0;
    const first = n > 0 ? segs!.at(0).time : 0;
    const last = n > 0 ? segs!.at(n - 1).time : 0;
    if (!this.#writer.fits(e.verdict.scenario, n)) {
      // As add() makes a row without segments (no report object per segment:
      // in a big capture most connections come after the budget is used up).
      const report = connectionReport(e, origins, false);
      const row = recordStats(segs ?? [], report.retransmissions.count);
      return { report, duration: 0, lastTime: last, row, segments: n };
    }
    return {
      report: connectionReport(e, origins),
      duration: n > 1 ? last - first : 0,
      lastTime: last,
    };
  }

  /** One connection made by {@link prepare}, in table order. */
  addReady(r: HtmlReady): void {
    this.#count++;
    const c = r.report;
    if (r.row !== undefined) {
      this.#writer.addRow(c, r.row, r.segments ?? 0);
      if ((r.segments ?? 0) > 0) this.#writer.seeTime(r.lastTime);
      return;
    }
    const n = c.segments.length;
    if (this.#writer.fits(c.scenario, n)) {
      this.#writer.add(c);
      return;
    }
    this.#writer.addRow(
      { ...c, segments: [] },
      reportRowStats(c.segments, r.duration, c.retransmissions.count),
      n,
    );
    if (n > 0) this.#writer.seeTime(r.lastTime);
  }

  /** Writes the page. */
  async finish(capture: CaptureJson): Promise<void> {
    const { rt } = this.#ctx;
    try {
      if (this.#output === undefined) {
        for (const piece of this.#writer.finish(capture)) await rt.writeStdoutBatch(piece);
        return;
      }
      let bytes = 0;
      const enc = new TextEncoder();
      let fd = -1;
      try {
        fd = openSync(this.#output, "w");
        for (const piece of this.#writer.finish(capture)) {
          const b = typeof piece === "string" ? enc.encode(piece) : piece;
          bytes += b.length;
          writeSync(fd, b);
        }
      } catch (e) {
        const code = (e as { code?: string }).code ?? "EIO";
        const why = WHY[code] ?? (e as Error).message;
        throw new TcpechoError(`Cannot write report '${this.#output}': ${why} (${code})`, {
          code,
          hint: "choose a file in a folder you can write to",
          cause: e,
        });
      } finally {
        if (fd >= 0) closeSync(fd);
      }
      const kb = (bytes / 1024).toFixed(0);
      await rt.writeStderr(`wrote ${this.#output}: ${this.#count} connection(s), ${kb} KiB\n`);
    } finally {
      for (const spill of this.#spills) spill.close();
    }
  }
}
