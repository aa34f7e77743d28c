/**
 * Time attribution on every explain fixture (real kernel captures): the
 * causes add up to each connection's duration, the --summary table (detail
 * "table", reused records) shows the same largest stall as the full report,
 * retransmitted bytes match the retransmission labels, and no calm fixture
 * gets a slowness sentence.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/helpers.ts";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { connectionReport } from "../../lib/report/json.ts";
import { summaryRow } from "../../lib/report/summary.ts";
import { renderText } from "../../lib/report/text.ts";
import { CAUSES } from "../../lib/explain/timing.ts";

const DIR = join(ROOT, "tests", "fixtures", "explain");
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".pcap")).sort();
const RETRANS = new Set(["retransmission", "fast-retransmission", "spurious-retransmission"]);

test("timing fixtures: causes add up to the duration; retransmitted bytes match the labels", {
  timeout: 60_000,
}, async () => {
  for (const f of FILES) {
    const bytes = new Uint8Array(readFileSync(join(DIR, f)));
    await explainCapture(bytes, {
      onConnection: (e) => {
        const r = connectionReport(e);
        const t = r.timing!;
        const sum = CAUSES.reduce((a, c) => a + t.seconds[c], 0);
        assert.ok(Math.abs(sum - t.duration) < 1e-5, `${f}: ${sum} vs ${t.duration}`);
        const first = r.segments[0].time, last = r.segments[r.segments.length - 1].time;
        assert.ok(Math.abs(t.duration - (last - first)) < 1e-5, f);
        for (const side of ["client", "server"] as const) {
          const rtx = r.segments
            .filter((s) => s.from === side && s.labels.some((l) => RETRANS.has(l)))
            .reduce((a, s) => a + s.len, 0);
          assert.equal(t[side].retransmittedBytes, rtx, `${f} ${side}`);
          const sent = r.segments.filter((s) => s.from === side).reduce((a, s) => a + s.len, 0);
          assert.equal(t[side].bytes, sent, `${f} ${side}`);
        }
        if (t.rtt) assert.ok(t.rtt.min <= t.rtt.median! && t.rtt.median! <= t.rtt.max, f);
        for (let i = 1; i < t.intervals.length; i++) {
          assert.equal(t.intervals[i].firstFrame, t.intervals[i - 1].lastFrame, `${f} timeline`);
        }
      },
    });
  }
});

test("timing fixtures: the summary table's stall columns agree with the full report", {
  timeout: 60_000,
}, async () => {
  for (const f of FILES) {
    const bytes = new Uint8Array(readFileSync(join(DIR, f)));
    const full = new Map<number, string>();
    await explainCapture(bytes, {
      onConnection: (e) => {
        const s = connectionReport(e).timing!.largestStall;
        full.set(e.conn.id, s ? `${s.seconds.toFixed(3)} ${s.kind}` : "");
      },
    });
    await explainCapture(bytes, {
      detail: "table",
      reuse: true,
      onConnection: (e) => {
        const row = summaryRow(e, false).trimEnd();
        const want = full.get(e.conn.id)!;
        if (want === "") {
          assert.ok(!/\d\.\d{3}\s+\d+\s+\d+\.\d{3}\s+\S+$/.test(row), `${f}: ${row}`);
        } else {
          const [secs, kind] = want.split(" ");
          assert.ok(row.includes(secs), `${f}: ${row} / ${want}`);
          const cause = kind === "answer" || kind === "idle"
            ? CAUSES[e.timing!.largest!.cause]
            : kind;
          assert.ok(row.endsWith(cause), `${f}: ${row} / ${want}`);
        }
      },
    });
  }
});

test("timing fixtures: the lossy bulk transfer: loss time, a zero window, RTT and loss rate", {
  timeout: 60_000,
}, async () => {
  const bytes = new Uint8Array(readFileSync(join(DIR, "lossy-bulk.pcap")));
  const out: ReturnType<typeof connectionReport>[] = [];
  await explainCapture(bytes, { onConnection: (e) => out.push(connectionReport(e)) });
  const t = out[0].timing!;
  assert.ok(t.seconds.loss > 0);
  assert.ok(t.seconds["receive-window"] > 0);
  assert.ok(t.intervals.some((s) => s.kind === "zero-window"));
  assert.equal(t.client.goodBytes, 2_000_000);
  assert.ok(
    t.client.retransmittedBytes > 0 && t.client.lossRate > 0.01 && t.client.lossRate < 0.05,
  );
  assert.ok(t.rtt !== null && t.rtt.samples > 10);
  // A 21 ms loopback transfer is not slow, whatever happened inside it.
  assert.equal(out[0].slow, null);
});

test("timing fixtures: no calm fixture gets a slowness line in the text report", {
  timeout: 60_000,
}, async () => {
  for (const f of FILES) {
    const bytes = new Uint8Array(readFileSync(join(DIR, f)));
    await explainCapture(bytes, {
      onConnection: (e) => {
        const text = renderText(e, false);
        assert.ok(!text.includes("time ["), `${f}:\n${text.slice(0, 400)}`);
      },
    });
  }
});
