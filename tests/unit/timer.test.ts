/** lib/runtime/timer.ts: delays beyond a bare setTimeout's 2^31-1 ms are chained, not cut to 1 ms. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_TIMER_MS, setLongTimeout, sleepLong } from "../../lib/runtime/timer.ts";

test("timer/chained: a delay of several links fires after the full delay, once", async () => {
  const t0 = Date.now();
  let fired = 0;
  // Links of at most 40 ms stand for 2^31-1 ms: 130 ms needs four of them.
  await new Promise<void>((resolve) => {
    setLongTimeout(
      () => {
        fired++;
        resolve();
      },
      130,
      40,
    );
  });
  const took = Date.now() - t0;
  assert.ok(took >= 125, `fired after ${took} ms, not 130`);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(fired, 1);
});

test("timer/clear: a cleared chained timer never fires", async () => {
  let fired = false;
  const t = setLongTimeout(() => (fired = true), 100, 30);
  setTimeout(() => t.clear(), 45); // between links
  await new Promise((r) => setTimeout(r, 180));
  assert.equal(fired, false);
});

test("timer/limits: 2^31 ms and 3e9 ms are far away, not 1 ms; Infinity never fires", async () => {
  let fired = 0;
  const timers = [MAX_TIMER_MS, MAX_TIMER_MS + 1, 2 ** 31, 3e9, 1e15, Infinity].map((ms) =>
    setLongTimeout(() => fired++, ms)
  );
  await new Promise((r) => setTimeout(r, 50));
  timers.forEach((t) => t.clear());
  assert.equal(fired, 0);
});

test("timer/sleepLong: resolves false when aborted, true after the delay", async () => {
  const ac = new AbortController();
  const p = sleepLong(3e9, ac.signal);
  setTimeout(() => ac.abort(), 20);
  assert.equal(await p, false);
  assert.equal(await sleepLong(5), true);
  assert.equal(await sleepLong(-1), true); // negative: at once
});
