/**
 * The path beyond one machine (docs/json.md): explain's NDJSON of the lab's
 * captures loads into DuckDB (embedded, npm @duckdb/node-api, run by Node.js
 * as a user would) and the documented example queries answer what the
 * connections say.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { haveCommand, ROOT, runCli, skipUnless, tempDir } from "../support/helpers.ts";

const LAB = join(ROOT, "tests", "fixtures", "scenarios");
const SCRIPT = join(ROOT, "docs", "examples", "duckdb_queries.mjs");
const DUCKDB = join(ROOT, "node_modules", "@duckdb", "node-api");

test("duckdb: the lab's NDJSON loads and the example queries agree with the connections", {
  skip: skipUnless(haveCommand("node"), "Node.js is not installed (it runs the DuckDB example)") ||
    skipUnless(existsSync(DUCKDB), "npm package @duckdb/node-api is not installed (npm ci)"),
  timeout: 300_000,
}, () => {
  const tmp = tempDir();
  try {
    const lines: string[] = [];
    for (const f of readdirSync(LAB).filter((n) => n.endsWith(".pcap")).sort()) {
      const r = runCli(["explain", join(LAB, f), "--format", "ndjson"]);
      assert.equal(r.code, 0, r.stderr);
      lines.push(...r.stdout.trim().split("\n").filter(Boolean));
    }
    const ndjson = join(tmp.path, "lab.ndjson");
    writeFileSync(ndjson, lines.join("\n") + "\n");
    const conns = lines.map((l) => JSON.parse(l));
    assert.ok(conns.length >= 14, `${conns.length} connections`);

    const q = spawnSync("node", [SCRIPT, ndjson], { timeout: 120_000 });
    assert.equal(q.status, 0, q.stderr?.toString());
    const out = JSON.parse(q.stdout.toString());

    const want = new Map<string, number>();
    for (const c of conns) want.set(c.scenario, (want.get(c.scenario) ?? 0) + 1);
    const got = new Map<string, number>(
      out.verdicts.map((v: { scenario: string; connections: string }) => [
        v.scenario,
        Number(v.connections),
      ]),
    );
    assert.deepEqual(got, want);

    const duration = (c: { segments: { time: number }[] }) =>
      c.segments.length
        ? Math.max(...c.segments.map((s) => s.time)) - Math.min(...c.segments.map((s) => s.time))
        : 0;
    const longest = Math.max(...conns.map(duration));
    assert.ok(Math.abs(out.slowest[0].seconds - longest) < 1e-5, "the slowest connection");

    const retrans = conns.reduce((n, c) => n + c.retransmissions.count, 0);
    const total = out.retransmissionRates.reduce(
      (n: number, r: { retransmissions: string }) => n + Number(r.retransmissions),
      0,
    );
    assert.equal(total, retrans);
  } finally {
    tmp.cleanup();
  }
});
