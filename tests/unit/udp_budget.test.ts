/** The UDP echo's two limits: per source (datagrams/s) and global (bytes/s). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteBudget, RateLimiter } from "../../lib/echo/udp.ts";

test("udp budget/ByteBudget: burst up to the budget, then refills with time", () => {
  const b = new ByteBudget(1000);
  assert.equal(b.take(600, 0), true);
  assert.equal(b.take(600, 0), false);
  assert.equal(b.take(400, 0), true);
  assert.equal(b.take(1, 0), false);
  assert.equal(b.take(500, 500), true);
  assert.equal(b.take(1001, 10_000), false); // bigger than the whole budget: never
  assert.equal(b.take(1000, 10_000), true);
});

test("udp budget/RateLimiter: per source, independent of other sources", () => {
  const r = new RateLimiter(2);
  assert.deepEqual([r.allow("a", 0), r.allow("a", 0), r.allow("a", 0)], [true, true, false]);
  assert.equal(r.allow("b", 0), true);
  assert.equal(r.allow("a", 500), true);
});
