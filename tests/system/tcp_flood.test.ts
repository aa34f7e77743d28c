/**
 * A SYN flood of 1,000,000 SYNs from random sources through the TCP tracker
 * (as `explain --summary` runs it), in a subprocess so its peak RSS is its own
 * (tests/support/tcp_flood.ts). Slow (tens of seconds), hence the system tier.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { EXEC, ROOT, RUNTIME } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import type { FloodResult } from "../support/tcp_flood.ts";
import { MAX_HALF_OPEN } from "../../lib/tcp/tracker_options.ts";

test(
  "tcp flood: 1,000,000 SYNs from random sources -> bounded memory (< 300 MB peak RSS over the baseline), every one reported",
  {
    timeout: 300_000,
  },
  () => {
    const script = join(ROOT, "tests", "support", "tcp_flood.ts");
    const args = RUNTIME === "deno" ? ["run", "-A", "--no-check", script] : [script];
    const r = spawnSync(EXEC, [...args, "1000000", "10000"], {
      encoding: "utf8",
      timeout: 280_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as FloodResult;
    console.log(`tcp flood (${RUNTIME}): ${JSON.stringify(res)}`);
    assert.equal(res.reported, 1_000_000, "every SYN's connection is reported");
    assert.equal(res.unassigned, 0);
    assert.equal(res.peakOpen, MAX_HALF_OPEN, "half-open connections capped");
    assert.ok(res.expired.cap > 900_000, "the oldest half-open ones were expired by the cap");
    assert.ok(res.peakRssMB - res.baseRssMB < 300, `peak RSS ${res.peakRssMB} MB`);
  },
);
