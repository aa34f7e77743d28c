/**
 * `tcpecho explain --format html` end to end under the runtime running the
 * test: the page is written to -o FILE or stdout and embeds exactly the
 * analysis `--format json` prints (one analysis path).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "../support/path.ts";
import { tempDir } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { FIXTURES } from "../support/html_fixtures.ts";
import { type PackedReport, unpackConnection } from "../../lib/report/html/compact.ts";
import type { ExplainReport } from "../../lib/report/html/mod.ts";

/** Per-test time limit (bun's default is 5 s; each test starts the CLI). */
const T = 60_000;

const CRASH = join(FIXTURES, "server-host-crash.pcap");

function embedded(html: string): PackedReport {
  const m = /<script type="application\/json" id="tcpecho-data">(.*?)<\/script>/s.exec(html);
  assert.ok(m, "the page embeds its data");
  return JSON.parse(m[1]) as PackedReport;
}

test(
  "html cli: explain --format html -o FILE writes one self-contained page",
  { timeout: T },
  async () => {
    const dir = tempDir();
    try {
      const out = join(dir.path, "report.html");
      const r = await cli(["explain", CRASH, "--format", "html", "-o", out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /wrote .*report\.html: 1 connection/);
      const html = readFileSync(out, "utf8");
      assert.match(html, /^<!doctype html>/);
      assert.match(html, /server-host-crash\.pcap/);
      assert.doesNotMatch(html, /(src|href)="https?:/);
    } finally {
      dir.cleanup();
    }
  },
);

test("html cli: the page embeds exactly what --format json reports", { timeout: T }, async () => {
  const json = await cli(["explain", CRASH, "--format", "json"]);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as ExplainReport;
  const html = await cli(["explain", CRASH, "--format", "html"]);
  assert.equal(html.code, 0, html.stderr);
  const data = embedded(html.stdout);
  assert.equal(data.rows.length, report.connections.length);
  for (const c of report.connections) {
    const row = data.rows.find((r) => r[0] === c.id)!;
    const back = unpackConnection(data, row, data.details[String(c.id)]);
    assert.deepEqual(back, c);
  }
  assert.ok(report.connections[0].segments.every((s) => typeof s.window === "number"));
});

test(
  "html cli: --output with another format is a usage error (exit 2)",
  { timeout: T },
  async () => {
    const r = await cli(["explain", CRASH, "--format", "json", "-o", "x.json"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot use --output with --format json/);
  },
);

test("html cli: an unwritable output file is exit 1 with the reason", { timeout: T }, async () => {
  const r = await cli(["explain", CRASH, "--format", "html", "-o", "/nonexistent-dir/r.html"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot write report '\/nonexistent-dir\/r\.html'/);
});

test("html cli: --conn N keeps one connection in the page", { timeout: T }, async () => {
  const r = await cli(["explain", CRASH, "--format", "html", "--conn", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(embedded(r.stdout).rows.length, 1);
});
