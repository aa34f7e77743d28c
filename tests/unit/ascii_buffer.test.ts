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

test("ascii buffer: drainTo writes a view of the bytes and empties the buffer at once", async () => {
  const b = new AsciiBuffer(4);
  const seen: number[][] = [];
  await b.drainTo(() => Promise.reject(new Error("nothing to write: no call"))); // empty: no call
  b.text("ab");
  b.uint(7);
  await b.drainTo(async (bytes) => {
    await new Promise((r) => setTimeout(r, 1));
    assert.equal(b.length, 0, "empty while the write runs: the bytes in flight are aside");
    seen.push([...bytes]);
  });
  assert.equal(b.length, 0);
  b.text("z");
  await b.drainTo((bytes) => {
    seen.push([...bytes]);
    return Promise.resolve();
  });
  assert.deepEqual(seen, [[97, 98, 55], [122]]);
});

test("ascii buffer: text appended while drainTo's write is awaited is kept, in order", async () => {
  const b = new AsciiBuffer(8);
  const out: string[] = [];
  const dec = new TextDecoder();
  for (let round = 0; round < 50; round++) {
    b.text(`a${round},`);
    await b.drainTo(async (bytes) => {
      b.text(`b${round},`); // a capture set's other file is read meanwhile
      await Promise.resolve();
      b.text(`c${round},`);
      out.push(dec.decode(bytes)); // the bytes in flight were not overwritten
    });
  }
  await b.drainTo((bytes) => {
    out.push(dec.decode(bytes));
    return Promise.resolve();
  });
  const want: string[] = [];
  for (let r = 0; r < 50; r++) want.push(`a${r},`, `b${r},`, `c${r},`);
  assert.equal(out.join(""), want.join(""));
});
