/**
 * "Why was it slow" in the HTML report's pure layer (lib/report/html/timebar.ts
 * and the ladder's stall bands): the causes and letters are the text report's,
 * the bar of a real slow capture has one segment per cause with the report's
 * seconds and frames, the stalls become bands in time order, nothing is drawn
 * without timing or stalls, and hostile timing objects are dropped or escaped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { ROOT } from "../support/helpers.ts";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { connectionReport } from "../../lib/report/json.ts";
import { verdictLines } from "../../lib/report/text.ts";
import { CAUSES } from "../../lib/explain/timing.ts";
import {
  barLegend,
  barSegments,
  fmtSeconds,
  readTiming,
  stallBands,
  TIME_CAUSES,
} from "../../lib/report/html/timebar.ts";
import { renderLadder, type ReportConnection } from "../../lib/report/html/mod.ts";

const T = 60_000;
const SLOW = join(ROOT, "tests", "fixtures", "html", "slow-reader.pcap");

/** The slow-reader capture's one connection, its JSON object and its text verdict lines. */
async function slowReader(): Promise<{ conn: ReportConnection; text: string }> {
  let conn: ReportConnection | undefined, text = "";
  await explainCapture(new Uint8Array(readFileSync(SLOW)), {
    onConnection: (e) => {
      conn = connectionReport(e) as unknown as ReportConnection;
      text = verdictLines(e, false);
    },
  });
  assert.ok(conn);
  return { conn, text };
}

test("html timebar: the causes are the analysis's, with the text report's bar letters", {
  timeout: T,
}, async () => {
  assert.deepEqual(TIME_CAUSES.map((c) => c.id), [...CAUSES]);
  const { text } = await slowReader();
  // The text legend: "w receive-window 93% · s server-app 3% · L loss 3%".
  const legend = /time \[.*\] (.*)$/m.exec(text);
  assert.ok(legend, text);
  const pairs = legend[1].split(" · ").map((p) => p.split(" ").slice(0, 2));
  assert.ok(pairs.length >= 2, legend[1]);
  for (const [letter, cause] of pairs) {
    assert.equal(TIME_CAUSES.find((c) => c.id === cause)?.letter, letter, cause);
  }
});

test(
  "html timebar: a slow reader's bar has one segment per cause, the report's seconds and frames",
  {
    timeout: T,
  },
  async () => {
    const { conn } = await slowReader();
    const timing = conn.timing as {
      duration: number;
      seconds: Record<string, number>;
      intervals: { cause: string; firstFrame: number; lastFrame: number }[];
      stalls: { cause: string; kind: string; seconds: number; start: number }[];
    };
    const t = readTiming(conn.timing);
    assert.ok(t);
    assert.equal(t.duration, timing.duration);
    const segs = barSegments(t);
    const spent = Object.entries(timing.seconds).filter(([, s]) => s > 0).map(([c]) => c);
    assert.deepEqual(segs.map((s) => s.cause), CAUSES.filter((c) => spent.includes(c)));
    const total = segs.reduce((a, s) => a + s.share, 0);
    assert.ok(Math.abs(total - 1) < 1e-3, `shares add up to ${total}`);
    for (const s of segs) {
      assert.equal(s.seconds, timing.seconds[s.cause]);
      const mine = timing.intervals.filter((i) => i.cause === s.cause);
      assert.equal(s.intervals, mine.length);
      assert.equal(s.firstFrame, Math.min(...mine.map((i) => i.firstFrame)));
      assert.equal(s.lastFrame, Math.max(...mine.map((i) => i.lastFrame)));
      assert.ok(
        s.title.includes(fmtSeconds(s.seconds)) && s.title.includes(`frames ${s.firstFrame}`),
      );
    }
    // The slow cause leads the legend.
    assert.equal(barLegend(segs)[0].cause, "receive-window");
    const bands = stallBands(t);
    assert.equal(bands.length, timing.stalls.length);
    assert.ok(bands.length > 0);
    for (let i = 1; i < bands.length; i++) assert.ok(bands[i - 1].start <= bands[i].start);
    for (const b of bands) {
      assert.ok(b.label.startsWith(b.cause) && b.label.includes(fmtSeconds(b.seconds)), b.label);
      assert.ok(Math.abs(b.end - b.start - b.seconds) < 1e-9);
    }
  },
);

test("html timebar: the ladder shades each stall between its frames, within the drawn segments", {
  timeout: T,
}, async () => {
  const { conn } = await slowReader();
  const t = readTiming(conn.timing)!;
  const svg = renderLadder(conn, 2000);
  const shaded = [...svg.matchAll(/<g class="stall tc-([a-z-]+)" data-cause="([a-z-]+)"/g)];
  assert.equal(shaded.length, t.stalls.length);
  for (const m of shaded) assert.equal(m[1], m[2]);
  // Only the stalls that end within the first 40 segments are drawn when the ladder stops there.
  const lastDrawn = conn.segments[39].frame;
  const partial = renderLadder(conn, 40);
  const want = t.stalls.filter((s) => s.lastFrame <= lastDrawn).length;
  assert.equal([...partial.matchAll(/<g class="stall /g)].length, want);
  // No timing (an older report) or no stall: no band.
  assert.ok(!renderLadder({ ...conn, timing: undefined }).includes('class="stall'));
  const calm = { ...(conn.timing as object), stalls: [] };
  assert.ok(!renderLadder({ ...conn, timing: calm }).includes('class="stall'));
});

test("html timebar: nothing to draw without timing or duration", () => {
  assert.equal(readTiming(undefined), null);
  assert.equal(readTiming(null), null);
  assert.equal(readTiming("timing"), null);
  assert.equal(readTiming({ duration: 0, seconds: { transfer: 0 } }), null);
  assert.equal(readTiming({ duration: 1, seconds: {} }), null);
  const t = readTiming({ duration: 2, seconds: { loss: 1.5, transfer: 0.5 } });
  assert.ok(t);
  assert.deepEqual(t.seconds, [0, 0, 0, 0, 1.5, 0, 0, 0.5]);
  assert.deepEqual(stallBands(t), []);
  const segs = barSegments(t);
  assert.deepEqual(segs.map((s) => [s.cause, s.share, s.firstFrame]), [
    ["loss", 0.75, null],
    ["transfer", 0.25, null],
  ]);
});

test("html timebar: hostile timing objects are dropped or escaped", { timeout: T }, async () => {
  const evil = "<img src=x onerror=alert(1)>";
  const good = {
    cause: "loss",
    kind: evil,
    seconds: 0.5,
    start: 0,
    firstFrame: 1,
    lastFrame: 3,
    side: "client",
  };
  const timing = {
    duration: 1,
    seconds: { loss: 0.5, transfer: "0.5", [evil]: 3, pmtu: -1, nagle: NaN },
    intervals: [good, { ...good, cause: evil }, { ...good, seconds: "1" }, null, 7],
    stalls: [good, { ...good, cause: "__proto__" }, { ...good, firstFrame: Infinity }],
  };
  const t = readTiming(timing);
  assert.ok(t);
  assert.deepEqual(t.seconds, [0, 0, 0, 0, 0.5, 0, 0, 0]);
  assert.equal(t.intervals.length, 1);
  assert.equal(t.stalls.length, 1);
  assert.ok(t.stalls[0].kind.length <= 40);
  assert.equal(readTiming({ duration: 1, seconds: { loss: 1 }, stalls: "x" })?.stalls.length, 0);
  const { conn } = await slowReader();
  const svg = renderLadder({ ...conn, timing });
  assert.ok(svg.includes('class="stall tc-loss"'));
  assert.ok(!svg.includes("<img"), "the kind is escaped");
  assert.ok(svg.includes("&lt;img src=x"));
});
