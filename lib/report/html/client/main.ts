/**
 * Browser entry point of the HTML report (bundled into generated/assets.ts by
 * scripts/build_html_assets.mjs): reads the embedded data, mounts the table,
 * and creates connection sections (all of them for small reports, on demand
 * when a row is followed for big ones).
 * @module
 */
import type { PackedReport } from "../compact.ts";
import { connAnchor, connSection } from "./section.ts";
import { mountTable, type TableRow } from "./table.ts";
import { miniTimeBar } from "./bar.ts";

/** Up to this many connections every section exists up front (collapsed). */
const ALL_SECTIONS = 300;
/** Up to this many connections every section starts open. */
const OPEN_ALL = 5;

function start(): void {
  const script = document.getElementById("tcpecho-data");
  if (!script?.textContent) return;
  const data = JSON.parse(script.textContent) as PackedReport;
  const sections = document.getElementById("sections")!;
  const rows = data.rows.map((r) => {
    const t = [...r] as unknown as TableRow;
    t[3] = data.strings[r[3]];
    return t;
  });
  const rowsById = new Map(rows.map((r) => [r[0], r]));
  const ensure = (id: number): HTMLDetailsElement | null => {
    const have = document.getElementById(connAnchor(id));
    if (have) return have as HTMLDetailsElement;
    const row = rowsById.get(id);
    if (!row) return null;
    const d = connSection(data, row, false);
    sections.prepend(d);
    return d;
  };
  const openConn = (id: number) => {
    const d = ensure(id);
    if (!d) return;
    d.open = true;
    d.scrollIntoView();
  };
  // The small time bar column, when any embedded connection has its timing.
  const timed = Object.values(data.details).some((d) => d.tm !== undefined && d.tm !== null);
  const bar = (id: number) => miniTimeBar(data.details[String(id)]?.tm);
  mountTable(document.getElementById("table")!, rows, openConn, timed ? bar : undefined);
  if (rows.length <= ALL_SECTIONS) {
    const open = rows.length <= OPEN_ALL;
    for (const r of rows) sections.append(connSection(data, r, open));
  }
  const fromHash = () => {
    const m = /^#conn-(\d+)$/.exec(location.hash);
    if (m) openConn(Number(m[1]));
  };
  addEventListener("hashchange", fromHash);
  fromHash();
  document.body.dataset.ready = "1";
}

start();
