/**
 * The HTML report written connection by connection (lib/report/html/stream.ts)
 * embeds the same data as the whole-report renderer, and keeps segments within
 * its budgets when connections are many.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { renderHtmlReport } from "../../lib/report/html/mod.ts";
import { HtmlStreamWriter, memorySpill } from "../../lib/report/html/stream.ts";
import type { ReportConnection } from "../../lib/report/html/types.ts";
import { captureJson, type ConnectionReport, connectionReport } from "../../lib/report/json.ts";
import { ROOT } from "../support/helpers.ts";

const DIR = join(ROOT, "tests", "fixtures", "explain");

/** The capture object of an empty pcap (for pages built from hand-made connections). */
function emptyCapture() {
  return captureJson({
    format: "pcap",
    linkTypes: [1],
    frames: 0,
    packets: 0,
    truncated: false,
    damaged: false,
    warnings: [],
    warningKinds: [],
    gzip: false,
    bytes: 0,
  });
}

function embedded(html: string): Record<string, unknown> {
  const m = html.match(/<script type="application\/json" id="tcpecho-data">([\s\S]*?)<\/script>/);
  assert.ok(m, "the data script");
  return JSON.parse(m[1]);
}

test("html stream: every fixture -> the same page data and header as renderHtmlReport", async () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".pcap"));
  assert.ok(files.length > 10);
  for (const f of files) {
    const list: ConnectionReport[] = [];
    const done = await explainCapture(new Uint8Array(readFileSync(join(DIR, f))), {
      onConnection: (e) => list.push(connectionReport(e)),
    });
    list.sort((a, b) => a.id - b.id);
    const capture = captureJson(done.capture);
    const whole = renderHtmlReport({ capture, connections: list }, { captureName: f });
    const w = new HtmlStreamWriter(memorySpill(), { captureName: f });
    for (const c of list) w.add(c);
    const streamed = [...w.finish(capture)].join("");
    assert.deepEqual(embedded(streamed), embedded(whole), f);
    const head = (html: string) => html.slice(0, html.indexOf("<script"));
    assert.equal(head(streamed), head(whole), f);
  }
});

function fake(id: number, scenario: string, n: number): ReportConnection {
  return {
    id,
    client: { addr: "198.18.0.1", port: 40000 + id },
    server: { addr: "198.18.0.2", port: 9877 },
    rolesGuessed: false,
    scenario,
    section: "5.6",
    summary: `connection ${id}`,
    phases: [],
    segments: Array.from({ length: n }, (_, i) => ({
      frame: id * 100 + i,
      time: id + i / 1000,
      from: "client" as const,
      flags: ["ACK"],
      seq: i,
      ack: 0,
      len: 0,
      labels: [],
    })),
    states: { client: [], server: [] },
    retransmissions: { count: 0, intervals: [] },
  };
}

test("html stream: many ordinary connections first -> an unusual one later still keeps its segments", () => {
  const w = new HtmlStreamWriter(memorySpill(), { maxSegments: 100 });
  for (let id = 1; id <= 30; id++) w.add(fake(id, "normal", 10));
  w.add(fake(31, "server-host-crash", 10));
  const data = embedded([...w.finish(emptyCapture())].join("")) as {
    rows: unknown[];
    details: Record<string, unknown>;
    omitted: number;
  };
  assert.equal(data.rows.length, 31);
  assert.ok(data.details["31"], "the unusual connection keeps its segments");
  assert.equal(Object.keys(data.details).length, 11, "10 ordinary (the budget) + 1 unusual");
  assert.equal(data.omitted, 20);
});

test("html stream: a connection too long to embed -> its row from the records, same figures", async () => {
  const { recordStats, connectionStats } = await import("../../lib/report/html/stats.ts");
  const file = join(DIR, "lossy-bulk.pcap");
  const list: import("../../lib/explain/pipeline.ts").Explained[] = [];
  await explainCapture(new Uint8Array(readFileSync(file)), { onConnection: (e) => list.push(e) });
  const e = list[0];
  const full = connectionReport(e);
  const fromRecords = recordStats(e.conn.segments ?? [], full.retransmissions.count);
  const fromReport = connectionStats(full);
  // Report times are rounded to the microsecond; the row rounds both alike.
  assert.ok(Math.abs(fromRecords.duration - fromReport.duration) < 1e-6);
  assert.deepEqual({ ...fromRecords, rtt: null, duration: 0 }, {
    ...fromReport,
    rtt: null,
    duration: 0,
  });
  const w = new HtmlStreamWriter(memorySpill(), { maxSegments: 10 });
  assert.equal(w.fits(full.scenario, full.segments.length), false);
  w.addRow(connectionReport(e, undefined, false), fromRecords, full.segments.length);
  const w2 = new HtmlStreamWriter(memorySpill(), { maxSegments: 10 });
  w2.add(full);
  const cap = emptyCapture();
  const a = embedded([...w.finish(cap)].join("")) as { rows: unknown[] };
  const b = embedded([...w2.finish(cap)].join("")) as { rows: unknown[] };
  assert.deepEqual(a.rows, b.rows);
});
