/**
 * The HTML report built connection by connection, for captures of any size:
 * the page is the same as {@link renderHtmlReport}'s, but nothing grows with
 * the number of connections except the table rows, which go to a spill (a
 * temporary file the caller provides) and are copied into the page at the
 * end.
 *
 * Which connections keep their segments is decided as they arrive (the whole
 * list is never held): an unusual scenario keeps them while the unusual ones
 * so far stay within the segment budget, an ordinary one while the ordinary
 * ones stay within it; so at most twice the budget is embedded, and the
 * unusual connections are never crowded out by ordinary ones that came first.
 * @module
 */
import { packDetail, packRow, Strings, UNREMARKABLE } from "./compact.ts";
import { jsonForScript } from "./escape.ts";
import { type HeaderFacts, pageEnd, pageStart } from "./page.ts";
import type { ConnectionStats } from "./stats.ts";
import type { HtmlOptions, ReportCapture, ReportConnection } from "./types.ts";

/** Where the rows wait until the page is written (a temporary file in the CLI). */
export interface Spill {
  /** Appends text. */
  write(text: string): void;
  /** Everything written, in pieces, once writing is over. */
  read(): Iterable<string>;
}

/**
 * A spill held in memory (for tests and small reports).
 *
 * @example
 * ```ts
 * const s = memorySpill();
 * s.write("a"); s.write("b");
 * [...s.read()].join(""); // "ab"
 * ```
 */
export function memorySpill(): Spill {
  const parts: string[] = [];
  return { write: (t) => void parts.push(t), read: () => parts };
}

/**
 * Builds the HTML report as connections arrive (see the module rules).
 *
 * @example
 * ```ts
 * import type { ReportCapture, ReportConnection } from "./types.ts";
 * declare const conns: ReportConnection[], capture: ReportCapture; // connectionReport(e) each, captureJson(info)
 * const w = new HtmlStreamWriter(memorySpill(), { captureName: "x.pcap" });
 * for (const c of conns) w.add(c);
 * let page = "";
 * for (const piece of w.finish(capture)) page += piece;
 * ```
 */
export class HtmlStreamWriter {
  #spill: Spill;
  #opts: HtmlOptions;
  #str = new Strings();
  /**
   * Embedded details as JSON text by connection id (text takes a fraction of
   * the memory of the packed arrays: a SYN flood embeds 400,000 of them).
   */
  #details = new Map<number, string>();
  #budget: number;
  #usedPlain = 0;
  #usedUnusual = 0;
  #rows = 0;
  #omitted = 0;
  #span = 0;
  #pending = "";

  constructor(spill: Spill, opts: HtmlOptions = {}) {
    this.#spill = spill;
    this.#opts = opts;
    this.#budget = opts.maxSegments ?? 200_000;
  }

  /**
   * Whether a connection of `n` segments and this scenario would keep its
   * segments: when not, the caller may give {@link HtmlStreamWriter.addRow}
   * its figures instead of the whole report.
   */
  fits(scenario: string, n: number): boolean {
    const used = UNREMARKABLE.has(scenario) ? this.#usedPlain : this.#usedUnusual;
    return used + n <= this.#budget;
  }

  /**
   * A connection whose segments will not be embedded: its table row from the
   * report without segments and the figures computed by the caller.
   */
  addRow(c: ReportConnection, stats: ConnectionStats, segments: number): void {
    this.#row(jsonForScript(packRow(c, this.#str, { st: stats, segments })));
    this.#omitted++;
  }

  /** The last segment's time of connections added with {@link HtmlStreamWriter.addRow}. */
  seeTime(t: number): void {
    this.#span = Math.max(this.#span, t);
  }

  #row(row: string): void {
    this.#pending += (this.#rows++ === 0 ? "" : ",") + row;
    if (this.#pending.length >= 1 << 16) {
      this.#spill.write(this.#pending);
      this.#pending = "";
    }
  }

  /** One connection (in the order the table should list them). */
  add(c: ReportConnection): void {
    const n = c.segments.length;
    if (n > 0) this.#span = Math.max(this.#span, c.segments[n - 1].time);
    // The row first, then the detail: strings are interned in the order
    // renderHtmlReport interns them, so the two pages embed the same data.
    const row = jsonForScript(packRow(c, this.#str));
    const plain = UNREMARKABLE.has(c.scenario);
    const used = plain ? this.#usedPlain : this.#usedUnusual;
    if (used + n <= this.#budget) {
      this.#details.set(c.id, jsonForScript(packDetail(c, this.#str)));
      if (plain) this.#usedPlain += n;
      else this.#usedUnusual += n;
    } else this.#omitted++;
    this.#row(row);
  }

  /** The whole page, in pieces. */
  *finish(capture: ReportCapture): Generator<string> {
    if (this.#pending) this.#spill.write(this.#pending);
    this.#pending = "";
    const title = this.#opts.title ?? "tcpecho explain";
    const facts: HeaderFacts = { capture, connections: this.#rows, span: this.#span };
    yield pageStart(facts, this.#omitted, this.#opts);
    // jsonForScript of the whole head object, made in pieces: `details` is an
    // object whose integer keys JSON lists in ascending order.
    const head = jsonForScript({
      v: 2,
      title,
      captureName: this.#opts.captureName ?? "",
      capture,
      strings: this.#str.list,
    });
    yield head.slice(0, -1) + ',"details":{';
    const ids = [...this.#details.keys()].sort((a, b) => a - b);
    let piece = "";
    for (let i = 0; i < ids.length; i++) {
      piece += (i === 0 ? '"' : ',"') + ids[i] + '":' + this.#details.get(ids[i]);
      if (piece.length >= 1 << 16) {
        yield piece;
        piece = "";
      }
    }
    this.#details.clear();
    const tail = jsonForScript({
      omitted: this.#omitted,
      maxLadderSegments: this.#opts.maxLadderSegments ?? 2000,
    });
    yield piece + "}," + tail.slice(1, -1) + ',"rows":[';
    yield* this.#spill.read();
    yield "]}";
    yield pageEnd();
  }
}
