/**
 * The HTML report's pure layer, without a browser: the page is self-contained
 * and escaped, the ladder draws one arrow per segment, the Stevens series mark
 * retransmissions, the segment budget, the packed data round-trips, and the
 * embedded assets match their sources.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixtureReport } from "../support/html_fixtures.ts";
import {
  type ExplainReport,
  renderHtmlReport,
  renderLadder,
  stevensSeries,
} from "../../lib/report/html/mod.ts";
import { packReport, unpackConnection } from "../../lib/report/html/compact.ts";
import { ASSETS_INPUT_HASH } from "../../lib/report/html/generated/assets.ts";
import { inputHash } from "../../scripts/build_html_assets.mjs";

/** Per-test time limit (bun's default is 5 s; the fixtures come from running the CLI). */
const T = 60_000;

const crash = () => fixtureReport("server-host-crash").report;
const killed = () => fixtureReport("server-process-terminated").report;

test(
  "html render: generated assets match their sources (else run node scripts/build_html_assets.mjs)",
  { timeout: T },
  () => {
    assert.equal(ASSETS_INPUT_HASH, inputHash());
  },
);

test(
  "html render: page is self-contained: CSP forbids fetches, no external URL, no </script> in data",
  { timeout: T },
  () => {
    const r = killed();
    r.connections[0].summary = "</script><script>alert(1)</script> & <b>";
    r.capture.warnings = ["<img src=x onerror=alert(1)>"];
    const html = renderHtmlReport(r, { captureName: "<evil>.pcap" });
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(html, /(src|href)="https?:/);
    assert.equal(html.split("</script>").length - 1, 3, "only the three script elements close");
    assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
    assert.ok(html.includes("&lt;evil&gt;.pcap"));
    assert.ok(!html.includes("<evil>"));
  },
);

test("html render: ladder: one arrow per segment; RST and retransmissions get their colour class", {
  timeout: T,
}, () => {
  for (const r of [killed(), crash()]) {
    const c = r.connections[0];
    const svg = renderLadder(c);
    assert.equal(svg.match(/<g class="seg /g)?.length, c.segments.length);
    const rst = c.segments.filter((s) => s.flags.includes("RST")).length;
    assert.equal(svg.match(/class="seg k-rst"/g)?.length ?? 0, rst);
    const re = c.segments.filter((s) => s.labels.some((l) => l.endsWith("retransmission"))).length;
    assert.equal(svg.match(/class="seg k-retrans"/g)?.length ?? 0, re);
  }
});

test(
  "html render: ladder: a drawing limit leaves a note instead of the rest",
  { timeout: T },
  () => {
    const c = fixtureReport("lossy-bulk").report.connections[0];
    const svg = renderLadder(c, 50);
    assert.equal(svg.match(/<g class="seg /g)?.length, 50);
    assert.match(svg, new RegExp(`${c.segments.length - 50} more segments not drawn`));
  },
);

test(
  "html render: stevens: §5.14 crash has the data segment resent with nothing acknowledged after",
  { timeout: T },
  () => {
    const c = crash().connections[0];
    const g = stevensSeries(c, "client");
    const expected =
      c.segments.filter((s) =>
        s.from === "client" && s.len > 0 && s.labels.some((l) => l.endsWith("retransmission"))
      ).length;
    assert.ok(expected >= 3);
    assert.equal(g.counts.retrans, expected);
    assert.equal(g.time.length, g.sent.length);
    assert.equal(g.time.length, g.ack.length);
    const acks = g.ack.filter((v) => v !== null) as number[];
    const resent = g.retrans.filter((v) => v !== null) as number[];
    assert.ok(Math.max(...acks) < Math.max(...resent), "the resent data is never acknowledged");
  },
);

test(
  "html render: segment budget keeps unusual connections' segments first",
  { timeout: T },
  () => {
    const base = crash().connections[0];
    const normal = { ...killed().connections[0], scenario: "normal" };
    const connections = [
      { ...normal, id: 1 },
      { ...normal, id: 2 },
      { ...base, id: 3 },
    ];
    const report: ExplainReport = { capture: crash().capture, connections };
    const packed = packReport(report, {
      maxSegments: base.segments.length + normal.segments.length,
    });
    assert.deepEqual(Object.keys(packed.details).sort(), ["1", "3"]);
    assert.equal(packed.omitted, 1);
    assert.equal(packed.rows.length, 3);
    assert.match(renderHtmlReport(report, { maxSegments: 10 }), /listed without their segments/);
  },
);

test("html render: packed data unpacks to the same connection", { timeout: T }, () => {
  for (const r of [killed(), crash()]) {
    const packed = packReport(r, {});
    const c = r.connections[0];
    const back = unpackConnection(packed, packed.rows[0], packed.details[String(c.id)]);
    assert.deepEqual(back, c);
  }
});
