import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { recordStats, reportRowStats } from "../../lib/report/html/stats.ts";
import { connectionReport } from "../../lib/report/json.ts";
import { ROOT } from "../support/helpers.ts";

/** Every plain fixture capture (the scenario captures and the others). */
function fixtures(): string[] {
  const base = join(ROOT, "tests", "fixtures");
  const out: string[] = [];
  for (const dir of readdirSync(base, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(base, dir.name))) {
      if (/\.pcap(ng)?$/.test(f)) out.push(join(base, dir.name, f));
    }
  }
  return out.sort();
}

// cmd/explain_html.ts makes a short connection's report when it ends and
// decides in table order whether its segments are embedded; a row without
// them then takes its figures from the report (reportRowStats) instead of the
// records (recordStats), which the reused record no longer has.
test("html ready: a row's figures from the report equal those from the segment records", async () => {
  let compared = 0;
  for (const file of fixtures()) {
    await explainCapture(new Uint8Array(readFileSync(file)), {
      onConnection: (e) => {
        const segs = e.conn.segLog!;
        const n = segs.length;
        const report = connectionReport(e);
        const retrans = report.retransmissions.count;
        const duration = n > 1 ? segs.at(n - 1).time - segs.at(0).time : 0;
        assert.deepEqual(
          reportRowStats(report.segments, duration, retrans),
          recordStats(segs, retrans),
          `${file} #${e.conn.id}`,
        );
        compared++;
      },
    });
  }
  assert.ok(compared >= 50, `${compared} connections compared`);
});
