/**
 * Browser side: the time-attribution bar of a connection (docs/slow.md), one
 * coloured segment per cause sized by its share, the text report's letter in
 * it, a tooltip with seconds and frames; the full one with a legend for the
 * connection's section, a small one for the table and the section heading.
 * Built with textContent and properties only (the data comes from a capture).
 * @module
 */
import {
  barLegend,
  barSegments,
  causeClass,
  fmtSeconds,
  pct,
  readTiming,
  type TimingView,
} from "../timebar.ts";

function span(cls: string, text?: string): HTMLSpanElement {
  const e = document.createElement("span");
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function bar(t: TimingView, small: boolean): HTMLSpanElement {
  const segs = barSegments(t);
  const b = span(small ? "timebar mini" : "timebar");
  b.setAttribute("role", "img");
  b.setAttribute(
    "aria-label",
    `where the time went: ${
      barLegend(segs).map((s) => `${s.cause} ${pct(s.share)}`).join(", ") || "nothing"
    }`,
  );
  for (const s of segs) {
    const e = span(`tseg ${causeClass(s.cause)}`, small ? undefined : s.letter);
    e.dataset.cause = s.cause;
    e.dataset.share = s.share.toFixed(4);
    e.style.flexGrow = String(s.share);
    e.title = s.title;
    b.append(e);
  }
  if (small) b.title = `${fmtSeconds(t.duration)}: ${segs.map((s) => s.title).join("; ")}`;
  return b;
}

/**
 * The small bar of a connection's `timing` (table row, section heading), or
 * null when the report has no timing for it (e.g. `--summary` tables of old
 * reports, one-frame connections).
 */
export function miniTimeBar(timing: unknown): HTMLSpanElement | null {
  const t = readTiming(timing);
  return t === null ? null : bar(t, true);
}

/**
 * The full bar with its heading and legend for a connection's section, or
 * null when there is nothing to draw.
 *
 * @example
 * ```ts
 * declare const conn: { timing?: unknown }; // a connection of the page's data
 * const box = timeBarBox(conn.timing);
 * if (box) document.body.append(box);
 * ```
 */
export function timeBarBox(timing: unknown): HTMLDivElement | null {
  const t = readTiming(timing);
  if (t === null) return null;
  const box = document.createElement("div");
  box.className = "timebox";
  const head = document.createElement("h3");
  head.textContent = `Where the time went (${fmtSeconds(t.duration)})`;
  box.append(head, bar(t, false));
  const legend = document.createElement("div");
  legend.className = "tlegend";
  for (const s of barLegend(barSegments(t))) {
    const e = span(causeClass(s.cause));
    e.append(span("sw", s.letter), ` ${s.name} ${pct(s.share)} (${fmtSeconds(s.seconds)})`);
    e.title = s.title;
    legend.append(e);
  }
  box.append(legend);
  return box;
}
