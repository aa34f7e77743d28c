import { test } from "node:test";
import assert from "node:assert/strict";
import { AsciiBuffer } from "../../lib/report/ascii_buffer.ts";

test("ascii buffer: integers are written as String() writes them", () => {
  const b = new AsciiBuffer(4);
  const values = [
    0,
    -0,
    1,
    9,
    10,
    99,
    100,
    65535,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 + 5,
    1e21,
    -3,
    1.5,
  ];
  // Deterministic spread of magnitudes up to 2^40 (a multiplicative hash of i).
  for (let i = 0; i < 2000; i++) {
    values.push(Math.floor(((i * 2654435761) % 2 ** 32) / 2 ** 32 * 2 ** (i % 40)));
  }
  for (const v of values) {
    b.uint(v);
    assert.equal(b.takeString(), String(v), `value ${v}`);
  }
});

test("ascii buffer: text (ASCII and not), spaces, growth and take", () => {
  const b = new AsciiBuffer(2);
  b.text("127.0.0.1");
  b.spaces(3);
  b.text("§ v1 →");
  b.spaces(0);
  b.uint(42);
  assert.equal(b.length, new TextEncoder().encode("127.0.0.1   § v1 →42").length);
  assert.equal(b.takeString(), "127.0.0.1   § v1 →42");
  assert.equal(b.length, 0);
  b.text("x\n");
  assert.deepEqual([...b.take()], [120, 10]);
});
