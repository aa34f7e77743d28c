/**
 * The verdict's shortcut for plain orderly closes (lib/explain/scenarios.ts,
 * plainClose) gives what the ordered walk gives: on every fixture and sample
 * capture, each connection's scenario and sentence with the shortcut on and
 * off. tests/system/wild_verdicts.test.ts does the same over the wild
 * captures. The list of rules before `normal` is pinned, so that a new rule
 * there makes this test fail until the shortcut is checked against it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { BEFORE_NORMAL, SCENARIOS, shortcut } from "../../lib/explain/scenarios.ts";

test("verdict shortcut: written against the rules now before `normal`", () => {
  const ids = SCENARIOS.map((s) => s.id);
  assert.deepEqual(ids.slice(0, ids.indexOf("normal")), [...BEFORE_NORMAL]);
});

/** Scenario and sentence of each connection, by id. */
async function verdicts(bytes: Uint8Array, on: boolean): Promise<string[]> {
  const out: string[] = [];
  shortcut.plainClose = on;
  try {
    await explainCapture(bytes, {
      onConnection: (e) => out.push(`${e.conn.id} ${e.verdict.scenario} ${e.verdict.summary}`),
    });
  } finally {
    shortcut.plainClose = true;
  }
  return out.sort();
}

test("verdict shortcut: every fixture and sample gets the ordered walk's verdicts", async () => {
  const dirs = ["samples", "tests/fixtures/explain", "tests/fixtures/formats"];
  let files = 0, conns = 0, normal = 0;
  for (const d of dirs) {
    for (const f of readdirSync(join(ROOT, d)).sort()) {
      if (!/\.(pcap|pcapng|cap)(\.gz)?$/.test(f)) continue;
      const bytes = new Uint8Array(readFileSync(join(ROOT, d, f)));
      const fast = await verdicts(bytes, true);
      const walked = await verdicts(bytes, false);
      assert.deepEqual(fast, walked, `${d}/${f}`);
      files++;
      conns += fast.length;
      normal += fast.filter((v) => v.split(" ")[1] === "normal").length;
    }
  }
  assert.ok(files >= 10 && normal > 0, `${files} captures, ${conns} connections, ${normal} normal`);
});
