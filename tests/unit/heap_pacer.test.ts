import { test } from "node:test";
import assert from "node:assert/strict";
import { heapPacer, jscPacer, v8Pacer } from "../../lib/runtime/heap.ts";

const MB = 1024 * 1024;

test("heap pacer (V8): nothing below the budget, a nudge above it, none again until the heap grows by the factor", () => {
  let used = 10 * MB;
  let nudges = 0;
  const p = v8Pacer(() => used, { budget: 100 * MB, factor: 1.5 }, () => nudges++);
  for (const mb of [10, 50, 99, 100]) {
    used = mb * MB;
    p.tick();
  }
  assert.equal(nudges, 0);
  used = 120 * MB; // over the budget
  p.tick();
  assert.equal(nudges, 1);
  // The collection has not come yet: no second nudge until 1.5 x 120 MB.
  for (const mb of [125, 150, 179]) {
    used = mb * MB;
    p.tick();
  }
  assert.equal(nudges, 1);
  used = 181 * MB;
  p.tick();
  assert.equal(nudges, 2);
  // A collection left 40 MB: the limit is the budget again (1.5 x 40 < 100).
  used = 40 * MB;
  p.tick();
  used = 101 * MB;
  p.tick();
  assert.equal(nudges, 3);
  // A mostly live heap: 90 MB left, so the next nudge waits for 135 MB.
  used = 90 * MB;
  p.tick();
  used = 130 * MB;
  p.tick();
  assert.equal(nudges, 3);
  used = 136 * MB;
  p.tick();
  assert.equal(nudges, 4);
  assert.equal(p.requests, 4);
});

test("heap pacer (JavaScriptCore): a full collection above the limit, then twice what it left", () => {
  let size = 50 * MB;
  let fulls = 0;
  let after = 30 * MB;
  const jsc = {
    heapSize: () => size,
    fullGC: () => {
      fulls++;
      size = after;
      return size;
    },
  };
  const p = jscPacer(jsc, { budget: 96 * MB, factor: 2 });
  p.tick();
  assert.equal(fulls, 0);
  size = 97 * MB;
  p.tick();
  assert.equal(fulls, 1);
  assert.equal(size, 30 * MB);
  // 2 x 30 < 96: the budget again.
  size = 96 * MB;
  p.tick();
  assert.equal(fulls, 1);
  // A collection that leaves 80 MB live: the next waits for 160 MB.
  after = 80 * MB;
  size = 100 * MB;
  p.tick();
  assert.equal(fulls, 2);
  size = 150 * MB;
  p.tick();
  assert.equal(fulls, 2);
  size = 161 * MB;
  p.tick();
  assert.equal(fulls, 3);
  assert.equal(p.requests, 3);
});

test("heap pacer (JavaScriptCore): looks at the heap only as often as its growth needs, never far past the limit", () => {
  let size = 20 * MB;
  let looks = 0, fulls = 0, worst = 0;
  const jsc = {
    heapSize: () => {
      looks++;
      return size;
    },
    fullGC: () => {
      fulls++;
      size = 20 * MB;
      return size;
    },
  };
  const p = jscPacer(jsc, { budget: 96 * MB, factor: 2 });
  const grow = 1 * MB;
  for (let i = 0; i < 1000; i++) {
    size += grow;
    worst = Math.max(worst, size);
    p.tick();
  }
  // From 20 to 96 MB at 1 MB a tick: a collection every ~77 ticks, about 13 in all.
  assert.ok(fulls >= 12 && fulls <= 14, `${fulls} collections`);
  assert.ok(worst <= 96 * MB + grow, `the heap reached ${worst / MB} MB`);
  assert.ok(looks < 1000 / 4, `${looks} looks for 1000 ticks`);
  assert.ok(p.requests === fulls);
});

test("heap pacer (JavaScriptCore): with `every`, a full collection that often while the heap is under the budget, none over it", () => {
  let size = 20 * MB;
  let fulls = 0;
  const jsc = {
    heapSize: () => size,
    fullGC: () => {
      fulls++;
      return size;
    },
  };
  // A heap that looks small and does not grow (dead strings outside it): every 100 ticks.
  const p = jscPacer(jsc, { budget: 96 * MB, factor: 2, every: 100 });
  for (let i = 0; i < 1000; i++) p.tick();
  assert.ok(fulls >= 9 && fulls <= 10, `${fulls} collections in 1000 ticks`);
  // Over the budget (a big live heap: each collection costs more), only the limit asks.
  size = 150 * MB;
  fulls = 0;
  const q = jscPacer(jsc, { budget: 96 * MB, factor: 2, every: 100 });
  for (let i = 0; i < 1000; i++) q.tick();
  assert.equal(fulls, 1, "one collection (over the budget), then the limit is 300 MB");
  // Without `every`: none on the small heap.
  size = 20 * MB;
  fulls = 0;
  const r = jscPacer(jsc, { budget: 96 * MB, factor: 2 });
  for (let i = 0; i < 1000; i++) r.tick();
  assert.equal(fulls, 0);
});

test("heap pacer: the runtime's own pacer asks at most once in 100 ticks of a heap that does not grow", async () => {
  // None on a small heap; but `bun test` runs many files in one process, whose
  // heap may already be past the budget (seen once in CI): then one
  // collection, after which the limit follows what is live and no more come.
  const p = await heapPacer();
  for (let i = 0; i < 100; i++) p.tick();
  assert.ok(p.requests <= 1, `${p.requests} requests`);
});

test("heap pacer: a worker's pacer (v8Only) nudges V8 past its own budget and does nothing on Bun", async () => {
  const p = await heapPacer({ v8: { budget: 1, factor: 1 }, v8Only: true });
  for (let i = 0; i < 3; i++) p.tick();
  const bun = typeof (globalThis as { Bun?: unknown }).Bun === "object";
  if (bun) assert.equal(p.requests, 0);
  else assert.ok(p.requests >= 1, `${p.requests} requests over a budget of one byte`);
});
