/**
 * Browser side: the connections table, sortable by any column, filterable by
 * text, shown a page at a time so 100,000 rows stay fast.
 * @module
 */
import { UNREMARKABLE } from "../compact.ts";

/** A table row: a packed row with its scenario as text. */
export type TableRow = [
  number,
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  0 | 1,
];

/** Rows shown per page. */
export const PAGE_SIZE = 100;

interface Column {
  title: string;
  key: number;
  num?: boolean;
  fmt?: (row: TableRow) => string;
}

function fmtBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e4 ? `${(n / 1e3).toFixed(1)} kB` : `${n}`;
}

function fmtSec(s: number): string {
  return s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(s >= 0.01 ? 1 : 3)} ms`;
}

const COLUMNS: Column[] = [
  { title: "#", key: 0, num: true },
  { title: "client", key: 1 },
  { title: "server", key: 2 },
  { title: "scenario", key: 3, fmt: (r) => `${r[3]} §${r[4]}` },
  { title: "duration", key: 5, num: true, fmt: (r) => fmtSec(r[5]) },
  { title: "bytes C→S", key: 6, num: true, fmt: (r) => fmtBytes(r[6]) },
  { title: "bytes S→C", key: 7, num: true, fmt: (r) => fmtBytes(r[7]) },
  { title: "retrans", key: 8, num: true },
  { title: "RTT", key: 9, num: true, fmt: (r) => (r[9] < 0 ? "–" : fmtSec(r[9])) },
];

/** State of the table view. */
export interface TableView {
  rows: TableRow[];
  shown: TableRow[];
  page: number;
  sortKey: number;
  sortDir: 1 | -1;
  filter: string;
}

function matches(row: TableRow, f: string): boolean {
  if (!f) return true;
  return `${row[0]} ${row[1]} ${row[2]} ${row[3]} ${row[4]}`.toLowerCase().includes(f);
}

function apply(v: TableView): void {
  const f = v.filter.trim().toLowerCase();
  const shown = f ? v.rows.filter((r) => matches(r, f)) : v.rows.slice();
  const k = v.sortKey;
  shown.sort((a, b) => {
    const x = a[k];
    const y = b[k];
    const c = typeof x === "number" && typeof y === "number"
      ? x - y
      : String(x).localeCompare(String(y));
    return c * v.sortDir || a[0] - b[0];
  });
  v.shown = shown;
  v.page = Math.min(v.page, Math.max(0, Math.ceil(shown.length / PAGE_SIZE) - 1));
}

/**
 * Builds the table with its controls in `root`; `open(id)` is called when a
 * row's link is followed; `timeBar(id)`, when given, fills a last column (the
 * small time-attribution bar of the connection, or nothing).
 *
 * @example
 * ```ts
 * declare const rows: TableRow[]; // the page's rows, with their strings resolved
 * mountTable(document.getElementById("table")!, rows, (id) => location.hash = `#conn-${id}`);
 * ```
 */
export function mountTable(
  root: HTMLElement,
  rows: TableRow[],
  open: (id: number) => void,
  timeBar?: (id: number) => HTMLElement | null,
): void {
  const v: TableView = { rows, shown: rows, page: 0, sortKey: 0, sortDir: 1, filter: "" };
  const controls = document.createElement("div");
  controls.className = "controls noprint";
  const input = document.createElement("input");
  input.type = "search";
  input.placeholder = "filter: address, port, scenario…";
  const prev = document.createElement("button");
  prev.textContent = "‹ prev";
  const next = document.createElement("button");
  next.textContent = "next ›";
  const info = document.createElement("span");
  info.className = "pageinfo";
  controls.append(input, prev, next, info);
  const table = document.createElement("table");
  table.className = "conns";
  const head = table.createTHead().insertRow();
  const ths = COLUMNS.map((c) => {
    const th = document.createElement("th");
    th.textContent = c.title;
    if (c.num) th.className = "num";
    th.addEventListener("click", () => {
      v.sortDir = v.sortKey === c.key ? (v.sortDir === 1 ? -1 : 1) : 1;
      v.sortKey = c.key;
      apply(v);
      draw();
    });
    head.append(th);
    return th;
  });
  if (timeBar) {
    const th = document.createElement("th");
    th.textContent = "where the time went";
    th.className = "tb";
    head.append(th);
  }
  const tbody = table.createTBody();
  root.append(controls, table);

  function draw(): void {
    const start = v.page * PAGE_SIZE;
    const page = v.shown.slice(start, start + PAGE_SIZE);
    tbody.textContent = "";
    for (const r of page) {
      const tr = tbody.insertRow();
      if (!UNREMARKABLE.has(r[3])) tr.className = "bad";
      for (const c of COLUMNS) {
        const td = tr.insertCell();
        td.className = (c.num ? "num " : "") + (c.key === 3 ? "sc" : c.key === 8 ? "re" : "");
        if (c.key === 8 && r[8] > 0) td.className += " some";
        // Without segments (--summary) the figures derived from them are unknown.
        const unknown = r[10] === 0 && c.key >= 5 && c.key !== 8;
        const text = unknown ? "–" : c.fmt ? c.fmt(r) : String(r[c.key]);
        if (c.key === 0) {
          const a = document.createElement("a");
          a.href = `#conn-${r[0]}`;
          a.textContent = text;
          a.addEventListener("click", () => open(r[0]));
          td.append(a);
        } else td.textContent = text;
      }
      if (timeBar) {
        const td = tr.insertCell();
        td.className = "tb";
        const b = timeBar(r[0]);
        if (b) td.append(b);
      }
    }
    ths.forEach((th, i) => {
      const sorted = COLUMNS[i].key === v.sortKey;
      th.setAttribute(
        "aria-sort",
        sorted ? (v.sortDir === 1 ? "ascending" : "descending") : "none",
      );
    });
    const pages = Math.max(1, Math.ceil(v.shown.length / PAGE_SIZE));
    info.textContent = `${v.shown.length} of ${v.rows.length} connections · page ${
      v.page + 1
    } of ${pages}`;
    prev.disabled = v.page === 0;
    next.disabled = v.page + 1 >= pages;
  }
  input.addEventListener("input", () => {
    v.filter = input.value;
    v.page = 0;
    apply(v);
    draw();
  });
  prev.addEventListener("click", () => {
    v.page = Math.max(0, v.page - 1);
    draw();
  });
  next.addEventListener("click", () => {
    v.page++;
    draw();
  });
  draw();
}
