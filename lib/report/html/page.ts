/**
 * Assembles the self-contained HTML document: head (CSP that forbids every
 * network fetch, inline styles), the capture header rendered here, and the
 * embedded data, uPlot and browser code that build the table, the ladders and
 * the graphs in the page.
 * @module
 */
import { packReport } from "./compact.ts";
import { escapeHtml, jsonForScript } from "./escape.ts";
import {
  CLIENT_JS,
  UPLOT_CSS,
  UPLOT_JS,
  UPLOT_LICENSE,
  UPLOT_VERSION,
} from "./generated/assets.ts";
import { PAGE_CSS } from "./style.ts";
import type { ExplainReport, HtmlOptions } from "./types.ts";

/** No network at view time: only inline styles and scripts, data: images. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " +
  "img-src data:; connect-src 'none'; font-src 'none'; form-action 'none'; base-uri 'none'";

function linkTypeName(t: number): string {
  const names: Record<number, string> = {
    0: "null/loopback",
    1: "Ethernet",
    101: "raw IP",
    113: "Linux cooked (SLL)",
    276: "Linux cooked v2 (SLL2)",
  };
  return names[t] ? `${names[t]} (${t})` : String(t);
}

/** What the page header says about the capture. */
export interface HeaderFacts {
  capture: ExplainReport["capture"];
  connections: number;
  /** Seconds from the first record to the last segment of any connection. */
  span: number;
}

/** The largest segment time of the report (the header's time span). */
export function timeSpan(connections: ExplainReport["connections"]): number {
  let span = 0;
  for (const k of connections) {
    if (k.segments.length) span = Math.max(span, k.segments[k.segments.length - 1].time);
  }
  return span;
}

function header(h: HeaderFacts, title: string, captureName: string): string {
  const c = h.capture;
  const facts = [
    captureName ? `<code>${escapeHtml(captureName)}</code>` : "",
    `${escapeHtml(c.format)}`,
    `link types: ${escapeHtml(c.linkTypes.map(linkTypeName).join(", ") || "none")}`,
    `${c.frames} frames`,
    `${h.connections} TCP connections`,
    `time span ${h.span.toFixed(3)} s`,
    c.truncated ? `<span class="warn">file truncated</span>` : "",
  ].filter(Boolean).join(" · ");
  const warnings = c.warnings.length
    ? `<ul class="warn">${
      c.warnings.slice(0, 50).map((w) => `<li>${escapeHtml(w)}</li>`).join("")
    }${c.warnings.length > 50 ? `<li>… ${c.warnings.length - 50} more</li>` : ""}</ul>`
    : "";
  return `<header><h1>${escapeHtml(title)}</h1><p class="meta">${facts}</p>${warnings}</header>`;
}

/**
 * The page up to the start of the embedded data (the data follows as JSON,
 * then {@link pageEnd}).
 *
 * @example
 * ```ts
 * import type { ExplainReport } from "./types.ts";
 * import { packReport } from "./compact.ts";
 * import { jsonForScript } from "./escape.ts";
 * declare const report: ExplainReport; // the JSON of `tcpecho explain --format json`, parsed
 * const packed = packReport(report, {});
 * const head = { capture: report.capture, connections: 3, span: timeSpan(report.connections) };
 * const html = pageStart(head, packed.omitted, {}) + jsonForScript(packed) + pageEnd();
 * ```
 */
export function pageStart(h: HeaderFacts, omitted: number, opts: HtmlOptions): string {
  const title = opts.title ?? "tcpecho explain";
  const note = omitted
    ? `<p class="note">${omitted} connections are listed without their segments (the ` +
      `report embeds at most ${opts.maxSegments ?? 200_000} segments; unusual scenarios first). ` +
      `Use <code>--conn N</code> for one of them.</p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="tcpecho">
<title>${escapeHtml(title)}${opts.captureName ? ` · ${escapeHtml(opts.captureName)}` : ""}</title>
<style>${UPLOT_CSS}</style>
<style>${PAGE_CSS}</style>
</head><body>
${header(h, title, opts.captureName ?? "")}
<noscript><p class="warn">The table, ladder diagrams and graphs are drawn by the page's ` +
    `own scripts (nothing is fetched); enable JavaScript to see them.</p></noscript>
<section id="table"></section>
${note}
<p class="note noprint">Open a connection to draw its ladder diagram and Stevens graph. ` +
    `Printing prints the open connections.</p>
<main id="sections"></main>
<script type="application/json" id="tcpecho-data">`;
}

/** The page after the embedded data: uPlot and the page's own code. */
export function pageEnd(): string {
  return `</script>
<script>/*! uPlot ${UPLOT_VERSION}: ${UPLOT_LICENSE.replace(/\*\//g, "* /")} */
${UPLOT_JS}</script>
<script>${CLIENT_JS}</script>
</body></html>
`;
}

/**
 * Renders the report as one HTML document.
 *
 * @example
 * ```ts
 * declare const jsonText: string; // the output of `tcpecho explain --format json`
 * const html = renderHtmlReport(JSON.parse(jsonText), { captureName: "crash.pcap" });
 * html.startsWith("<!doctype html>"); // true
 * ```
 */
export function renderHtmlReport(report: ExplainReport, opts: HtmlOptions = {}): string {
  const title = opts.title ?? "tcpecho explain";
  const packed = packReport(report, { ...opts, title });
  const facts = {
    capture: report.capture,
    connections: report.connections.length,
    span: timeSpan(report.connections),
  };
  return pageStart(facts, packed.omitted, opts) + jsonForScript(packed) + pageEnd();
}
