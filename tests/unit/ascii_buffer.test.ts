import { test } from "node:test";
import assert from "node:assert/strict";
import { AsciiBuffer } from "../../lib/report/ascii_buffer.ts";
import { addrString } from "../../lib/decode/mod.ts";

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

test("ascii buffer: ipv4 writes what addrString writes", () => {
  const b = new AsciiBuffer();
  const dec = new TextDecoder();
  const words = [0, 0xffffffff, 0x7f000001, 0xc6120001, 0x0a00000a, 0x64646464];
  for (let i = 0; i < 2000; i++) words.push(Math.floor(Math.random() * 2 ** 32));
  for (const w of words) {
    b.ipv4(w);
    const bytes = new Uint8Array([w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255]);
    assert.equal(dec.decode(b.take()), addrString(bytes, 0, 4), `0x${w.toString(16)}`);
  }
});

test("ascii buffer: fixed3 writes what toFixed(3) writes, ties and large numbers included", () => {
  const b = new AsciiBuffer();
  const dec = new TextDecoder();
  const xs = [0, 0.0005, 0.0015, 0.0305, 1.0005, 2.675, 0.9995, 9.9995, 123.4565, 1e-12, 1e6];
  xs.push(2147483.6475, 2147484, 1e12, -1, -0.0005, NaN, Infinity);
  for (let i = 0; i < 20000; i++) {
    xs.push(Math.random() * 10 ** (Math.floor(Math.random() * 8) - 3));
  }
  for (let i = 0; i < 20000; i++) xs.push(Math.round(Math.random() * 1e7) / 1e4 + 0.00005);
  for (const x of xs) {
    b.fixed3(x);
    assert.equal(dec.decode(b.take()), x.toFixed(3), String(x));
  }
});

test("ascii buffer: text and utf8 write TextEncoder's bytes, lone surrogates included", () => {
  const enc = new TextEncoder();
  const samples = [
    "",
    "plain ascii",
    "§5.6 → ⇄ ─▶◀ – é",
    "emoji 😀 pair",
    "lone high \ud800 end",
    "lone low \udc00 x",
    "high at end \ud83d",
    "\udc00\ud800",
    "x".repeat(1023) + "§",
    "§".repeat(1025),
  ];
  // Deterministic strings of code units from every range (a multiplicative hash).
  for (let i = 0; i < 300; i++) {
    let s = "";
    for (let j = 0; j < (i % 40) + 1; j++) {
      const h = ((i * 31 + j) * 2654435761) % 2 ** 32;
      const ranges = [0x7f, 0x7ff, 0xd7ff, 0xdfff, 0xffff];
      s += String.fromCharCode(h % (ranges[(i + j) % ranges.length] + 1));
    }
    samples.push(s);
  }
  const b = new AsciiBuffer(8);
  for (const s of samples) {
    b.utf8(s);
    assert.deepEqual(b.take(), enc.encode(s), JSON.stringify(s));
    b.text(s);
    assert.deepEqual(b.take(), enc.encode(s), JSON.stringify(s));
  }
});
