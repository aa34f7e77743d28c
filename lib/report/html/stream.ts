/**
 * The HTML report built connection by connection, for captures of any size:
 * the page holds the same data as {@link renderHtmlReport}'s, but nothing in
 * memory grows with the number of connections: the table rows, the embedded
 * details and the string table each go to a spill (a temporary file the
 * caller provides) as connections arrive, and are copied into the page at
 * the end, when the header's counts are known.
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
  /**
   * Everything written, in pieces, once writing is over: strings, or UTF-8
   * bytes (a temporary file gives its bytes as they are, not decoded only to
   * be encoded again; a byte piece is valid only until the next is asked for).
   */
  read(): Iterable<string | Uint8Array>;
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

/** The three parts of the page spilled while connections arrive. */
export type SpillPart = "rows" | "details" | "strings";

/** Text gathered before it is handed to a spill (fewer, larger writes). */
const PIECE = 1 << 16;

/**
 * Most long strings the interning index remembers (see {@link SpilledStrings}).
 * Long strings are mostly summary sentences, one per connection and rarely
 * repeated, so a big index only keeps them alive: at 50,000 a 1 M SYN flood
 * promoted 64 MB of them; at 4,096 its page is the same.
 */
const INDEX_CAP = 4096;

/** A spill with its pending text. */
class Part {
  #spill: Spill;
  #pending = "";
  count = 0;
  constructor(spill: Spill) {
    this.#spill = spill;
  }
  /** Appends one element (a comma first when it is not the first). */
  add(text: string): void {
    this.#pending += this.count++ === 0 ? text : "," + text;
    if (this.#pending.length >= PIECE) {
      this.#spill.write(this.#pending);
      this.#pending = "";
    }
  }
  /** Everything added, in pieces (see {@link Spill.read}). */
  *read(): Generator<string | Uint8Array> {
    if (this.#pending) this.#spill.write(this.#pending);
    this.#pending = "";
    yield* this.#spill.read();
  }
}

/** Strings at most this long stay in the interning index for good (see {@link SpilledStrings}). */
const SHORT_STRING = 64;

/**
 * The string table of a streamed report: each new string goes to `sink` (a
 * spill) instead of a list, and the index of long strings (summary
 * sentences, one per connection in a SYN flood) forgets them all once it
 * holds `indexCap`: a long string seen again after that is added once more
 * under a new index (the page reads strings by index, so a repeat is
 * harmless). Short strings (names of scenarios, flags, labels, states,
 * phases) are always found again. Below the cap the indexes are those of
 * {@link Strings}.
 */
class SpilledStrings extends Strings {
  #next = 0;
  #short = new Map<string, number>();
  #long = new Map<string, number>();
  readonly #sink: (s: string) => void;
  readonly #cap: number;

  constructor(sink: (s: string) => void, indexCap: number) {
    super();
    this.#sink = sink;
    this.#cap = indexCap;
  }

  override id(s: string): number {
    const index = s.length <= SHORT_STRING ? this.#short : this.#long;
    let i = index.get(s);
    if (i === undefined) {
      i = this.#next++;
      this.#sink(s);
      if (index === this.#long && index.size >= this.#cap) index.clear();
      index.set(s, i);
    }
    return i;
  }
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
  #opts: HtmlOptions;
  #rowsOut: Part;
  #detailsOut: Part;
  #stringsOut: Part;
  #str: Strings;
  #budget: number;
  #usedPlain = 0;
  #usedUnusual = 0;
  #omitted = 0;
  #span = 0;

  /**
   * `spill` makes a spill for each part of the page (rows, embedded details,
   * the string table: the CLI gives temporary files); a single spill is used
   * for the rows, and the other parts are then kept in memory.
   */
  constructor(spill: Spill | ((part: SpillPart) => Spill), opts: HtmlOptions = {}) {
    const make = typeof spill === "function" ? spill : undefined;
    this.#rowsOut = new Part(make ? make("rows") : spill as Spill);
    this.#detailsOut = new Part(make ? make("details") : memorySpill());
    this.#stringsOut = new Part(make ? make("strings") : memorySpill());
    const strings = this.#stringsOut;
    this.#str = new SpilledStrings((s) => strings.add(jsonForScript(s)), INDEX_CAP);
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
    this.#rowsOut.add(jsonForScript(packRow(c, this.#str, { st: stats, segments })));
    this.#omitted++;
  }

  /** The last segment's time of connections added with {@link HtmlStreamWriter.addRow}. */
  seeTime(t: number): void {
    this.#span = Math.max(this.#span, t);
  }

  /**
   * One connection (in the order the table should list them: id order, as
   * the CLI gives them, lists the embedded details in the order
   * renderHtmlReport does; any other order embeds the same data).
   */
  add(c: ReportConnection): void {
    const n = c.segments.length;
    if (n > 0) this.#span = Math.max(this.#span, c.segments[n - 1].time);
    // The row first, then the detail: strings are interned in the order
    // renderHtmlReport interns them, so the two pages embed the same data.
    const row = jsonForScript(packRow(c, this.#str));
    const plain = UNREMARKABLE.has(c.scenario);
    const used = plain ? this.#usedPlain : this.#usedUnusual;
    if (used + n <= this.#budget) {
      this.#detailsOut.add('"' + c.id + '":' + jsonForScript(packDetail(c, this.#str)));
      if (plain) this.#usedPlain += n;
      else this.#usedUnusual += n;
    } else this.#omitted++;
    this.#rowsOut.add(row);
  }

  /**
   * The whole page, in pieces: strings, and the spills' pieces as they give
   * them (UTF-8 bytes from a temporary file, valid until the next piece).
   */
  *finish(capture: ReportCapture): Generator<string | Uint8Array> {
    const title = this.#opts.title ?? "tcpecho explain";
    const facts: HeaderFacts = { capture, connections: this.#rowsOut.count, span: this.#span };
    yield pageStart(facts, this.#omitted, this.#opts);
    // jsonForScript of the whole embedded object, made in pieces (the same
    // bytes as jsonForScript of the object with its strings and details).
    const head = jsonForScript({
      v: 2,
      title,
      captureName: this.#opts.captureName ?? "",
      capture,
    });
    yield head.slice(0, -1) + ',"strings":[';
    yield* this.#stringsOut.read();
    yield '],"details":{';
    yield* this.#detailsOut.read();
    const tail = jsonForScript({
      omitted: this.#omitted,
      maxLadderSegments: this.#opts.maxLadderSegments ?? 2000,
    });
    yield "}," + tail.slice(1, -1) + ',"rows":[';
    yield* this.#rowsOut.read();
    yield "]}";
    yield pageEnd();
  }
}
