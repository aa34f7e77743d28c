import { test } from "node:test";
import assert from "node:assert/strict";
import { explainCapture, type Explained } from "../../lib/explain/pipeline.ts";
import { connectionReport } from "../../lib/report/json.ts";
import { interleavedCapture } from "../support/threads.ts";

test("explain reuse: a connection onConnection keeps (returns true) is not reused; the others are", async () => {
  const bytes = interleavedCapture();
  // The reports without reuse, for comparison.
  const fresh = new Map<number, string>();
  await explainCapture(bytes, {
    onConnection: (e) => void fresh.set(e.conn.id, JSON.stringify(connectionReport(e))),
  });
  assert.ok(fresh.size >= 10, `${fresh.size} connections`);
  const kept: Explained[] = [];
  const records = new Set<unknown>();
  let calls = 0;
  await explainCapture(bytes, {
    reuse: true,
    onConnection: (e) => {
      calls++;
      records.add(e.conn);
      assert.equal(
        JSON.stringify(connectionReport(e)),
        fresh.get(e.conn.id),
        `#${e.conn.id} as without reuse`,
      );
      if (e.conn.id % 3 === 1) {
        kept.push(e);
        return true;
      }
      return false;
    },
  });
  assert.equal(calls, fresh.size);
  assert.ok(records.size < calls, "records were reused");
  // Each kept connection still reads as it did when it ended.
  for (const e of kept) {
    assert.equal(JSON.stringify(connectionReport(e)), fresh.get(e.conn.id), `kept #${e.conn.id}`);
  }
});
