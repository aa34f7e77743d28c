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

function endpoint(e: { addr: string; port: number }): string {
  return e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
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
  const cells = [
    String(conn.id),
    endpoint(conn.client),
    endpoint(conn.server),
    e.verdict.scenario + (conn.rolesGuessed ? "?" : ""),
    e.verdict.section.replace("TCPv1 ", "v1 "),
    String(f.p[SEGS] + f.p[SEGS + 1] + f.icmpCount),
    String(f.p[BYTES]),
    String(f.p[BYTES + 1]),
    Math.max(0, f.lastTime - f.firstTime).toFixed(3),
    String(f.p[RETRANS] + f.p[RETRANS + 1]),
  ];
  const row = cells.map((v, i) => v.padEnd(COLS[i][1])).join(" ").trimEnd();
  const ok = e.verdict.scenario === "normal" || e.verdict.scenario === "half-close" ||
    e.verdict.scenario === "open" || e.verdict.scenario === "keepalive-alive";
  return (ok ? row : c.yellow(row)) + "\n";
}
