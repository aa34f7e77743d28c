import { test } from "node:test";
import assert from "node:assert/strict";
import { fixed6 } from "../../lib/report/text.ts";

test("fixed6 writes what toFixed(6) writes: hand-picked times", () => {
  const times = [
    0,
    -0,
    1e-7,
    4e-7,
    5e-7,
    6e-7,
    0.0000005,
    0.0000015,
    0.1,
    0.000123,
    1.0000005,
    0.9999995,
    0.9999996,
    1,
    12.345678,
    59.9999999,
    123456.789012,
    86400 * 100,
    2 ** 43 / 1e6,
    2 ** 43 / 1e6 + 1,
    1e9,
    1e21,
    -1,
    -0.0000004,
    NaN,
    Infinity,
    1.2345675,
    2.5e-6,
  ];
  for (const t of times) assert.equal(fixed6(t), t.toFixed(6), String(t));
});

test("fixed6 writes what toFixed(6) writes: 200,000 generated capture times", () => {
  let x = 0x9e3779b9;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < 200_000; i++) {
    const scale = 10 ** Math.floor(rnd() * 10 - 3);
    // Capture times: seconds and nanoseconds differences, as explain computes them.
    const sec = Math.floor(rnd() * scale), nsec = Math.floor(rnd() * 1e9);
    const t = i % 2 === 0 ? rnd() * scale : sec + nsec * 1e-9;
    assert.equal(fixed6(t), t.toFixed(6), String(t));
  }
});
