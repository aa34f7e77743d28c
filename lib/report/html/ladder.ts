/**
 * The ladder (time-line) diagram of one connection as an SVG string: client and
 * server as vertical lines, one arrow per segment with its flags, seq/ack/len
 * and labels, phase bands, and each endpoint's states beside its line. Colour
 * classes (see style.ts) make retransmissions, RSTs and keepalives stand out.
 * @module
 */
import { endpointText } from "./compact.ts";
import { escapeHtml } from "./escape.ts";
import { LADDER, layoutLadder, type PlacedSegment } from "./ladder_layout.ts";
import type { ReportConnection, ReportSegment, ReportState } from "./types.ts";
import { causeClass, readTiming, stallBands } from "./timebar.ts";

/** The colour class of a segment: the most important thing about it. */
export function segmentClass(seg: ReportSegment): string {
  const l = new Set(seg.labels);
  if (seg.flags.includes("RST") || l.has("rst")) return "k-rst";
  if ([...l].some((x) => x.endsWith("retransmission"))) return "k-retrans";
  if (l.has("keepalive") || l.has("keepalive-ack")) return "k-keepalive";
  if (l.has("lost-segment") || l.has("out-of-order")) return "k-lost";
  if (l.has("zero-window") || l.has("window-probe")) return "k-window";
  if (l.has("dup-ack")) return "k-dup";
  if (seg.flags.includes("SYN")) return "k-syn";
  if (seg.flags.includes("FIN")) return "k-fin";
  if (seg.len > 0) return "k-data";
  return "k-ack";
}

function fmtGap(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(s >= 0.01 ? 0 : 2)} ms`;
}

/** The one-line text written on an arrow. */
export function arrowText(seg: ReportSegment): string {
  const parts = [seg.flags.join(",") || "(no flags)", `seq=${seg.seq}`];
  if (seg.flags.includes("ACK")) parts.push(`ack=${seg.ack}`);
  parts.push(`len=${seg.len}`);
  if (typeof seg.window === "number") parts.push(`win=${seg.window}`);
  return parts.join(" ");
}

function arrow(p: PlacedSegment): string {
  const { seg, y, y2 } = p;
  const fromClient = seg.from === "client";
  const x1 = fromClient ? LADDER.clientX : LADDER.serverX;
  const x2 = fromClient ? LADDER.serverX : LADDER.clientX;
  const dir = fromClient ? 1 : -1;
  const hx = x2 - dir * 9;
  const head = `${x2},${y2} ${hx},${y2 - 4.5} ${hx},${y2 + 4.5}`;
  const mid = (LADDER.clientX + LADDER.serverX) / 2;
  const labels = seg.labels.filter((l) => l !== "ack" && l !== "data");
  const text = escapeHtml(arrowText(seg));
  const tags = labels.length ? ` <tspan class="tag">${escapeHtml(labels.join(" "))}</tspan>` : "";
  // Text wider than the space between the lines is squeezed to fit (about 6.9 px a glyph).
  const chars = arrowText(seg).length + (labels.length ? 1 + labels.join(" ").length : 0);
  const room = LADDER.serverX - LADDER.clientX - 30;
  const fit = chars * 6.9 > room ? ` textLength="${room}" lengthAdjust="spacingAndGlyphs"` : "";
  const title = escapeHtml(
    `frame ${seg.frame}, t=${seg.time}s, ${seg.from}: ${arrowText(seg)} [${seg.labels.join(", ")}]`,
  );
  return `<g class="seg ${segmentClass(seg)}" data-frame="${seg.frame}"><title>${title}</title>` +
    `<line x1="${x1}" y1="${y}" x2="${hx}" y2="${y2}"/><polygon points="${head}"/>` +
    `<text x="${mid}" y="${(y + y2) / 2 - 5}" text-anchor="middle"${fit}>${text}${tags}</text>` +
    `<text class="when" x="6" y="${y + 4}">#${seg.frame}</text>` +
    `<text class="when" x="112" y="${y + 4}" text-anchor="end">${seg.time.toFixed(6)}</text></g>`;
}

function statesText(
  states: ReportState[],
  yOf: Map<number, number>,
  x: number,
  anchor: string,
): string {
  const byY = new Map<number, string[]>();
  for (const st of states) {
    const y = yOf.get(st.frame);
    if (y === undefined) continue;
    byY.set(y, [...(byY.get(y) ?? []), st.state]);
  }
  return [...byY].map(([y, names]) =>
    `<text class="state" x="${x}" y="${y + 4}" text-anchor="${anchor}">` +
    `${escapeHtml(names.join(" → "))}</text>`
  ).join("");
}

function bands(placed: PlacedSegment[], conn: ReportConnection): string {
  const yOfFrame = new Map(placed.map((p) => [p.seg.frame, p]));
  const out: string[] = [];
  let i = 0;
  for (const ph of conn.phases ?? []) {
    const first = yOfFrame.get(ph.firstFrame);
    const lastP = [...placed].reverse().find((p) => p.seg.frame <= ph.lastFrame);
    if (!first || !lastP) continue;
    const top = first.y - LADDER.phaseStrip - 8;
    const h = Math.max(LADDER.row, lastP.y2 + 10 - top);
    out.push(
      `<g class="phase phase-${i++ % 2}"><rect x="0" y="${top}" width="${LADDER.width}" ` +
        `height="${h}"/><text x="6" y="${top + 13}">${escapeHtml(ph.name)}</text></g>`,
    );
  }
  return out.join("");
}

/**
 * The connection's stalls (docs/slow.md) as shaded bands across the ladder,
 * from the frame a stall starts after to the frame that ends it, labelled
 * with the cause and duration; none for stalls beyond the drawn segments.
 */
function stallShades(placed: PlacedSegment[], conn: ReportConnection): string {
  const t = readTiming(conn.timing);
  if (t === null || placed.length === 0) return "";
  const lastDrawn = placed[placed.length - 1].seg.frame;
  const out: string[] = [];
  for (const b of stallBands(t)) {
    if (b.lastFrame > lastDrawn) continue;
    // The placed segment at or before the first frame, at or after the last.
    let top: PlacedSegment | undefined, bottom: PlacedSegment | undefined;
    for (const p of placed) {
      if (p.seg.frame <= b.firstFrame) top = p;
      if (bottom === undefined && p.seg.frame >= b.lastFrame) bottom = p;
    }
    if (!top || !bottom) continue;
    const y1 = top.y;
    const h = Math.max(6, bottom.y - y1);
    const x = 118;
    // The label in the gutter left of the client's line: the cause, then the
    // kind and duration (one line when the band is short).
    const tx = x + 4;
    const label = h >= 30
      ? `<text x="${tx}" y="${y1 + h / 2 - 2}">${escapeHtml(b.cause)}</text>` +
        `<text x="${tx}" y="${y1 + h / 2 + 10}">${escapeHtml(b.short)}</text>`
      : `<text x="${tx}" y="${y1 + h / 2 + 4}">${escapeHtml(b.label)}</text>`;
    out.push(
      `<g class="stall ${causeClass(b.cause)}" data-cause="${escapeHtml(b.cause)}" ` +
        `data-kind="${
          escapeHtml(b.kind)
        }" data-first="${b.firstFrame}" data-last="${b.lastFrame}">` +
        `<title>${escapeHtml(b.title)}</title>` +
        `<rect x="${x}" y="${y1}" width="${LADDER.width - x}" height="${h}"/>${label}</g>`,
    );
  }
  return out.join("");
}

/**
 * Renders the ladder diagram of a connection (at most `limit` segments).
 *
 * @example
 * ```ts
 * import type { ExplainReport } from "./types.ts";
 * declare const report: ExplainReport; // the JSON of `tcpecho explain --format json`, parsed
 * const svg = renderLadder(report.connections[0], 2000);
 * svg.startsWith("<svg"); // true; one <g class="seg …"> per segment
 * ```
 */
export function renderLadder(conn: ReportConnection, limit = 2000): string {
  const { placed, height, omitted } = layoutLadder(conn, limit);
  const yOf = new Map<number, number>();
  for (const p of placed) if (!yOf.has(p.seg.frame)) yOf.set(p.seg.frame, p.y);
  const gaps = placed.filter((p) => p.gap >= 0.05).map((p) =>
    `<text class="gap" x="${(LADDER.clientX + LADDER.serverX) / 2}" y="${p.y - 22}" ` +
    `text-anchor="middle">⋯ ${fmtGap(p.gap)} later ⋯</text>`
  ).join("");
  const h = height + (omitted ? 24 : 0);
  const more = omitted
    ? `<text class="gap" x="${LADDER.width / 2}" y="${height}" text-anchor="middle">` +
      `${omitted} more segments not drawn: see the graph, or --format json</text>`
    : "";
  const c = escapeHtml(endpointText(conn.client));
  const s = escapeHtml(endpointText(conn.server));
  return `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${LADDER.width} ${h}" ` +
    `width="${LADDER.width}" height="${h}" role="img" aria-label="ladder diagram of connection ${conn.id}">` +
    bands(placed, conn) + stallShades(placed, conn) +
    `<text class="end" x="${LADDER.clientX}" y="16" text-anchor="middle">client ${c}</text>` +
    `<text class="end" x="${LADDER.serverX}" y="16" text-anchor="middle">server ${s}</text>` +
    `<line class="life" x1="${LADDER.clientX}" y1="22" x2="${LADDER.clientX}" y2="${
      height - 20
    }"/>` +
    `<line class="life" x1="${LADDER.serverX}" y1="22" x2="${LADDER.serverX}" y2="${
      height - 20
    }"/>` +
    statesText(conn.states?.client ?? [], yOf, LADDER.clientX - 8, "end") +
    statesText(conn.states?.server ?? [], yOf, LADDER.serverX + 8, "start") +
    gaps + placed.map(arrow).join("") + more + `</svg>`;
}
