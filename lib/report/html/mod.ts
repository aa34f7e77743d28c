/**
 * The HTML report of `tcpecho explain --format html`: one self-contained page
 * (inline CSS, JS, data; no network fetch) with a sortable connections table,
 * and per connection the verdict, a ladder diagram and a Stevens graph.
 * Pure: the analysis object in, a string out.
 *
 * @example
 * ```ts
 * import { renderHtmlReport } from "./mod.ts";
 * import type { ExplainReport } from "./mod.ts";
 * declare const report: ExplainReport; // the JSON of `tcpecho explain --format json`, parsed
 * const html = renderHtmlReport(report, { captureName: "capture.pcap" });
 * ```
 * @module
 */
export { renderHtmlReport } from "./page.ts";
export { renderLadder } from "./ladder.ts";
export { stevensSeries } from "./stevens.ts";
export type { ExplainReport, HtmlOptions, ReportConnection, ReportSegment } from "./types.ts";
