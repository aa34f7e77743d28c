/**
 * `--summary`: one line per connection, fixed-width columns so rows can be
 * printed as connections end (streaming, no buffering of the whole table).
 * Rows are written as bytes into an {@link AsciiBuffer} ({@link writeSummaryRow}):
 * a big capture makes 100,000 rows, and a string per row was most of the
 * garbage of the whole --summary run.
 * @module
 */
import { BYTES, RETRANS, SEGS, type TcpConn } from "../tcp/conn.ts";
import { createColors } from "./colors.ts";
import type { Explained } from "../explain/engine.ts";
import { AsciiBuffer } from "./ascii_buffer.ts";
import { CAUSES } from "../explain/timing.ts";

export { AsciiBuffer } from "./ascii_buffer.ts";

const PLAIN = createColors(false);
const COLOR = createColors(true);
/** picocolors' yellow, split into its opening and closing codes (rows never contain them). */
const [YELLOW_OPEN, YELLOW_CLOSE] = COLOR.yellow("\u0000").split("\u0000");

/** The padded scenario and section cells, made once per scenario (few distinct values). */
const VERDICT_CELLS = new Map<string, string>();

function verdictCells(scenario: string, section: string, guessed: boolean): string {
  const key = guessed ? scenario + "?" : scenario;
  let cells = VERDICT_CELLS.get(key);
  if (cells === undefined) {
    const sec = section.startsWith("TCPv1 ") ? "v1 " + section.slice(6) : section;
    cells = pad(key, 26) + pad(sec, 6);
    VERDICT_CELLS.set(key, cells);
  }
  return cells;
}

/** `s` padded to `w` characters plus the column gap (one space). */
function pad(s: string, w: number): string {
  return s + " ".repeat(gap(s.length, w));
}

/** Spaces after a cell of `len` characters in a column `w` wide: at least the one-space gap. */
function gap(len: number, w: number): number {
  return len >= w ? 1 : w - len + 1;
}

/** Pads the cell that started at byte `start` of `out` to width `w` plus the gap. */
function endCell(out: AsciiBuffer, start: number, w: number): void {
  out.spaces(gap(out.length - start, w));
}

/**
 * `addr:port` of endpoint A (`a`) or B, IPv6 addresses in brackets, as one
 * padded cell; IPv4 written from the address word (no string made).
 */
function endpointCell(out: AsciiBuffer, conn: TcpConn, a: boolean, w: number): void {
  const start = out.length;
  if (conn.v === 4) {
    out.ipv4(a ? conn.a0 : conn.b0);
    out.text(":");
  } else {
    const addr = a ? conn.aAddr : conn.bAddr;
    const v6 = addr.includes(":");
    if (v6) out.text("[");
    out.text(addr);
    out.text(v6 ? "]:" : ":");
  }
  out.uint(a ? conn.aPort : conn.bPort);
  endCell(out, start, w);
}

/** A non-negative integer as one padded cell. */
function uintCell(out: AsciiBuffer, n: number, w: number): void {
  const start = out.length;
  out.uint(n);
  endCell(out, start, w);
}

const COLS: [string, number][] = [
  ["id", 6],
  ["client", 22],
  ["server", 22],
  ["scenario", 26],
  ["§", 6],
  ["pkts", 7],
  ["bytes c→s", 10],
  ["bytes s→c", 10],
  ["secs", 9],
  ["rexmit", 7],
  ["stall", 8],
  ["cause", 18],
];

/**
 * The header line of the summary table.
 *
 * @example
 * ```ts
 * summaryHeader(false); // "id     client …"
 * ```
 */
export function summaryHeader(color: boolean): string {
  const c = color ? COLOR : PLAIN;
  return c.bold(COLS.map(([n, w]) => n.padEnd(w)).join(" ").trimEnd()) + "\n";
}

/**
 * Appends one summary row (with its newline) for a connection to `out`.
 *
 * @example
 * ```ts
 * import { AsciiBuffer } from "./ascii_buffer.ts";
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained; // from explainCapture's onConnection
 * const out = new AsciiBuffer();
 * writeSummaryRow(out, explained, false); // out holds "1      127.0.0.1:40512 …\n"
 * ```
 */
export function writeSummaryRow(out: AsciiBuffer, e: Explained, color: boolean): void {
  const conn = e.conn;
  const f = conn.facts;
  const a = conn.clientIsA;
  const yellow = color && e.verdict.trouble;
  if (yellow) out.text(YELLOW_OPEN);
  uintCell(out, conn.id, 6);
  endpointCell(out, conn, a, 22);
  endpointCell(out, conn, !a, 22);
  out.text(verdictCells(e.verdict.scenario, e.verdict.section, conn.rolesGuessed));
  uintCell(out, f.p[SEGS] + f.p[SEGS + 1] + f.icmpCount, 7);
  uintCell(out, f.p[BYTES], 10);
  uintCell(out, f.p[BYTES + 1], 10);
  const secs = out.length;
  out.fixed3(Math.max(0, f.lastTime - f.firstTime));
  endCell(out, secs, 9);
  const rexmit = out.length;
  out.uint(f.p[RETRANS] + f.p[RETRANS + 1]);
  const big = e.timing?.largest ?? null;
  if (big !== null) {
    endCell(out, rexmit, 7);
    const stall = out.length;
    out.fixed3(big.seconds);
    endCell(out, stall, 8);
    out.text(big.kind === "answer" || big.kind === "idle" ? CAUSES[big.cause] : big.kind);
  }
  if (yellow) out.text(YELLOW_CLOSE);
  out.text("\n");
}

/** Scratch buffer of {@link summaryRow}. */
const scratch = new AsciiBuffer(256);

/**
 * One summary row for a connection, as a string ({@link writeSummaryRow} makes none).
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained; // from explainCapture's onConnection
 * summaryRow(explained, false); // "1      127.0.0.1:40512 …\n"
 * ```
 */
export function summaryRow(e: Explained, color: boolean): string {
  writeSummaryRow(scratch, e, color);
  return scratch.takeString();
}
