/**
 * `--summary`: one line per connection, fixed-width columns so rows can be
 * printed as connections end (streaming, no buffering of the whole table).
 * @module
 */
import { BYTES, RETRANS, SEGS } from "../tcp/conn.ts";
import { createColors } from "picocolors";
import type { Explained } from "../explain/engine.ts";

const PLAIN = createColors(false);
const COLOR = createColors(true);

const SPACES = " ".repeat(64);

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
  return s.length >= w ? s + " " : s + SPACES.slice(0, w - s.length + 1);
}

function endpoint(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
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
  ["rexmit", 6],
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
 * One summary row for a connection.
 *
 * @example
 * ```ts
 * // summaryRow(explained, false) -> "1      127.0.0.1:40512 …\n"
 * ```
 */
export function summaryRow(e: Explained, color: boolean): string {
  const c = color ? COLOR : PLAIN;
  const conn = e.conn;
  const f = conn.facts;
  const a = conn.clientIsA;
  const row = pad(String(conn.id), 6) +
    pad(endpoint(a ? conn.aAddr : conn.bAddr, a ? conn.aPort : conn.bPort), 22) +
    pad(endpoint(a ? conn.bAddr : conn.aAddr, a ? conn.bPort : conn.aPort), 22) +
    verdictCells(e.verdict.scenario, e.verdict.section, conn.rolesGuessed) +
    pad(String(f.p[SEGS] + f.p[SEGS + 1] + f.icmpCount), 7) +
    pad(String(f.p[BYTES]), 10) + pad(String(f.p[BYTES + 1]), 10) +
    pad(Math.max(0, f.lastTime - f.firstTime).toFixed(3), 9) +
    String(f.p[RETRANS] + f.p[RETRANS + 1]);
  const ok = e.verdict.scenario === "normal" || e.verdict.scenario === "half-close" ||
    e.verdict.scenario === "open" || e.verdict.scenario === "keepalive-alive";
  return (ok ? row : c.yellow(row)) + "\n";
}
