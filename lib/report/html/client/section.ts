/**
 * Browser side: one connection's section, a <details> element whose body (the
 * ladder and the graphs) is built the first time it is opened.
 * @module
 */
import { type PackedReport, unpackConnection } from "../compact.ts";
import type { TableRow } from "./table.ts";
import { renderLadder } from "../ladder.ts";
import { graphDirections } from "../stevens.ts";
import { drawStevens } from "./graph.ts";
import { miniTimeBar, timeBarBox } from "./bar.ts";

const LEGEND: [string, string][] = [
  ["k-syn", "SYN"],
  ["k-data", "data"],
  ["k-ack", "ACK"],
  ["k-fin", "FIN"],
  ["k-rst", "RST"],
  ["k-retrans", "retransmission"],
  ["k-keepalive", "keepalive"],
  ["k-lost", "after capture gap / out of order"],
  ["k-dup", "dup ACK"],
  ["k-window", "zero window / probe"],
];

/** Up to this many segments the ladder comes before the graphs. */
const LADDER_FIRST = 60;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmtInterval(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toPrecision(3)} ms`;
}

/** The page anchor of a connection. */
export function connAnchor(id: number): string {
  return `conn-${id}`;
}

function fillBody(body: HTMLElement, data: PackedReport, row: TableRow): void {
  const detail = data.details[String(row[0])];
  if (!detail) {
    body.append(el(
      "p",
      "note",
      `This connection's ${row[10]} segments are not embedded (the report keeps at most ` +
        `a fixed number of segments). Run: tcpecho explain CAPTURE --format html --conn ${row[0]}`,
    ));
    return;
  }
  const packedRow = [...row] as unknown as Parameters<typeof unpackConnection>[1];
  packedRow[3] = data.strings.indexOf(row[3]);
  const conn = unpackConnection(data, packedRow, detail);
  // The slowness verdict and where the time went (docs/slow.md), when the
  // report has them (also with --summary: they need no segments).
  if (conn.slow && typeof conn.slow.sentence === "string") {
    body.append(el("p", "slowline", conn.slow.sentence));
  }
  const tb = timeBarBox(conn.timing);
  if (tb) body.append(tb);
  if (conn.segments.length === 0) {
    body.append(el("p", "note", "No segments in this report (made with --summary)."));
    return;
  }
  const facts: string[] = [];
  if (conn.rolesGuessed) facts.push("roles guessed (no SYN in the capture)");
  const iv = conn.retransmissions.intervals;
  if (iv.length) facts.push(`retransmission intervals: ${iv.map(fmtInterval).join(", ")}`);
  if (facts.length) body.append(el("p", "note", facts.join(" · ")));
  const legend = el("div", "legend");
  for (const [cls, name] of LEGEND) legend.append(el("span", cls, name));
  body.append(legend);
  const graphs = el("div", "graphs");
  const ladder = el("div", "ladder-wrap");
  ladder.innerHTML = renderLadder(conn, data.maxLadderSegments);
  // A short exchange reads best as a ladder; a long one needs the graph's overview first.
  body.append(...(conn.segments.length <= LADDER_FIRST ? [ladder, graphs] : [graphs, ladder]));
  const width = Math.max(480, Math.min(1100, body.clientWidth - 30));
  for (const sender of graphDirections(conn)) {
    const box = el("div", "graph");
    box.dataset.sender = sender;
    box.append(el(
      "h3",
      "",
      `Stevens graph: data sent by the ${sender} (drag to zoom, double-click to reset)`,
    ));
    const plot = el("div", "plot");
    box.append(plot);
    graphs.append(box);
    drawStevens(plot, conn, sender, width);
    box.dataset.retrans = plot.dataset.retrans;
    box.dataset.lost = plot.dataset.lost;
  }
}

/**
 * Creates the collapsed section of a connection.
 *
 * @example
 * ```ts
 * import type { PackedReport } from "../compact.ts";
 * import type { TableRow } from "./table.ts";
 * declare const data: PackedReport, row: TableRow; // the page's data and one table row
 * document.body.append(connSection(data, row, false));
 * ```
 */
export function connSection(data: PackedReport, row: TableRow, open: boolean): HTMLDetailsElement {
  const d = el("details", "conn");
  d.id = connAnchor(row[0]);
  const sum = el("summary", "");
  sum.append(el("h2", "", `#${row[0]} ${row[1]} → ${row[2]} · ${row[3]} (§${row[4]})`));
  const detail = data.details[String(row[0])];
  sum.append(el("p", "verdict", detail ? data.strings[detail.s] : "(verdict not embedded)"));
  const mini = detail ? miniTimeBar(detail.tm) : null;
  if (mini) sum.append(mini);
  d.append(sum);
  const body = el("div", "body");
  d.append(body);
  let built = false;
  const build = () => {
    if (built || !d.open) return;
    built = true;
    fillBody(body, data, row);
  };
  d.addEventListener("toggle", build);
  if (open) d.open = true;
  return d;
}
