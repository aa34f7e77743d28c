import { test } from "node:test";
import assert from "node:assert/strict";
import { SegmentLog, type SegmentRecord } from "../../lib/tcp/conn.ts";

/** A record with every field derived from `i` (some beyond the compact fields when `odd`). */
function record(i: number, odd: boolean): SegmentRecord {
  return {
    frame: odd && i % 7 === 0 ? 2 ** 33 + i : i * 3 + 1,
    time: i / 1e6 + (i % 3 === 0 ? 0.123456789 : 0),
    side: (i % 2) as 0 | 1,
    flags: odd && i % 11 === 0 ? 0x8000 + i : i & 0xfff,
    seq: odd && i % 13 === 0 ? -i : (i * 1460) >>> 0,
    ack: (i * 977 + 2 ** 31) >>> 0,
    len: i % 1461,
    labels: odd && i % 17 === 0 ? 0.5 : i & 0x3fffff,
    window: (i * 4099) >>> 0,
  };
}

function add(log: SegmentLog, r: SegmentRecord): void {
  log.add(r.frame, r.time, r.side, r.flags, r.seq, r.ack, r.len, r.labels, r.window);
}

test("segment log: 200,000 records across the object head and growing chunks come back equal", () => {
  for (const odd of [false, true]) {
    const log = new SegmentLog();
    const n = 200_000;
    for (let i = 0; i < n; i++) add(log, record(i, odd));
    assert.equal(log.length, n);
    let i = 0;
    for (const r of log) assert.deepEqual(r, record(i++, odd), `record ${i - 1} (odd ${odd})`);
    assert.equal(i, n);
    // Random access after iteration (chunk lookups out of order).
    for (const j of [n - 1, 0, 31, 32, 33, 287, 288, 65_000, 131_327, 131_328, 5]) {
      assert.deepEqual(log.at(j), record(j, odd), `at(${j})`);
    }
  }
});

test("segment log: a record handed out is a copy (changing it changes nothing kept)", () => {
  const log = new SegmentLog();
  for (let i = 0; i < 40; i++) add(log, record(i, false));
  log.at(3).seq = 42;
  log.at(35).seq = 42;
  assert.deepEqual(log.at(3), record(3, false));
  assert.deepEqual(log.at(35), record(35, false));
  assert.deepEqual(log.toArray(), Array.from({ length: 40 }, (_, i) => record(i, false)));
});
