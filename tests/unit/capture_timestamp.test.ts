/**
 * pcapng timestamps: splitting a 64-bit count of 1/units seconds into seconds
 * and nanoseconds is exact (checked against BigInt) for every resolution,
 * including nanosecond counts beyond 2^53.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { splitTimestamp } from "../../lib/capture/timestamp.ts";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

function expected(hi: number, lo: number, units: number, offset: number) {
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  const u = BigInt(units);
  return { tsSec: Number(t / u) + offset, tsNsec: Number(((t % u) * 1_000_000_000n) / u) };
}

test("capture timestamp: 10^-n and 2^-n resolutions split exactly, beyond 2^53 too", {
  timeout: 300_000,
}, () => {
  const next = lcg(7);
  const out = { tsSec: 0, tsNsec: 0 };
  const resolutions = [1, 1e3, 1e6, 1e9, 2 ** 10, 2 ** 20, 2 ** 30, 2 ** 32, 1e10, 1e12];
  for (const units of resolutions) {
    for (let i = 0; i < 5000; i++) {
      const hi = i < 50 ? 0x1fffff + (i % 3) : next();
      const lo = i % 7 === 0 ? 0xffffffff : next();
      splitTimestamp(hi, lo, units, 0, out);
      const want = expected(hi, lo, units, 0);
      assert.equal(out.tsSec, want.tsSec, `units ${units} hi ${hi} lo ${lo}`);
      assert.ok(Math.abs(out.tsNsec - want.tsNsec) <= 1, `units ${units} hi ${hi} lo ${lo}`);
      if (units <= 1e9 && 1e9 % units === 0) assert.equal(out.tsNsec, want.tsNsec);
    }
  }
});

test("capture timestamp: if_tsoffset seconds are added", { timeout: 300_000 }, () => {
  const out = { tsSec: 0, tsNsec: 0 };
  splitTimestamp(0, 1_500_000, 1e6, 1_000_000, out);
  assert.deepEqual(out, { tsSec: 1_000_001, tsNsec: 500_000_000 });
  splitTimestamp(0, 3, 1, -2, out);
  assert.deepEqual(out, { tsSec: 1, tsNsec: 0 });
});
