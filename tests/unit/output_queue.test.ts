import { test } from "node:test";
import assert from "node:assert/strict";
import { OutputQueue } from "../../lib/report/output_queue.ts";

/** Writes the queue out, copying each view (the buffer is reused), and returns the text and the write sizes. */
async function drain(q: OutputQueue): Promise<{ text: string; sizes: number[] }> {
  const chunks: Uint8Array[] = [];
  await q.writeTo(async (b) => {
    chunks.push(typeof b === "string" ? new TextEncoder().encode(b) : b.slice());
    await Promise.resolve();
  });
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { text: new TextDecoder().decode(all), sizes: chunks.map((c) => c.length) };
}

test("output queue: strings and lazy pieces come out in order, as UTF-8, and the queue empties", async () => {
  const q = new OutputQueue();
  q.push("#1 a → b\n");
  q.push(["{", '"x":"§4.3"', "}\n"]);
  q.push((function* () {
    yield "ladder ─▶\n";
  })());
  assert.equal(q.length, new TextEncoder().encode('#1 a → b\n{"x":"§4.3"}\nladder ─▶\n').length);
  const first = await drain(q);
  assert.equal(first.text, '#1 a → b\n{"x":"§4.3"}\nladder ─▶\n');
  assert.equal(q.length, 0);
  assert.equal((await drain(q)).text, "");
  // The buffer is reused: the next output is not mixed with the last.
  q.push("second\n");
  assert.equal((await drain(q)).text, "second\n");
});

test("output queue: pieces are encoded when pushed, not when written", async () => {
  const q = new OutputQueue();
  const state = { value: "before" };
  q.push((function* () {
    yield state.value;
  })());
  state.value = "after";
  assert.equal((await drain(q)).text, "before");
});

test("output queue: past its budget the rest waits lazily, keeps its order, and is written in pieces", async () => {
  const budget = 1000;
  const q = new OutputQueue(budget);
  let made = 0;
  const big = function* () {
    for (let i = 0; i < 20_000; i++) {
      made++;
      yield `segment ${i}\n`;
    }
  };
  q.push("head\n");
  q.push(big());
  // Encoded up to the budget only (a piece may cross it).
  assert.ok(made < 200, `made ${made} pieces before the write`);
  assert.ok(q.length >= budget && q.length < budget + 20);
  q.push("tail\n");
  q.push(["more", "\n"]);
  let expected = "head\n";
  for (let i = 0; i < 20_000; i++) expected += `segment ${i}\n`;
  expected += "tail\nmore\n";
  const out = await drain(q);
  assert.equal(out.text, expected);
  assert.equal(made, 20_000);
  // Lazy output goes out in pieces of about 64 KiB, not as one buffer.
  assert.ok(out.sizes.length >= 3, `sizes ${out.sizes}`);
  assert.ok(Math.max(...out.sizes.slice(1)) < 70_000, `sizes ${out.sizes}`);
  // Under the budget again: encoded at once.
  q.push("again\n");
  assert.equal(q.length, 6);
  assert.equal((await drain(q)).text, "again\n");
});

test("output queue: one part of more than 256 KiB is left lazy after that, even under the budget", async () => {
  const q = new OutputQueue();
  let made = 0;
  q.push((function* () {
    for (let i = 0; i < 100; i++) {
      made++;
      yield "x".repeat(10_000);
    }
  })());
  assert.ok(made >= 26 && made <= 28, `made ${made} pieces before the write`);
  q.push("end\n");
  const out = await drain(q);
  assert.equal(out.text, "x".repeat(1_000_000) + "end\n");
  assert.equal(made, 100);
});

test("output queue: bytes and text mix in order, at once and past the budget", async () => {
  const enc = new TextEncoder();
  const q = new OutputQueue(16);
  q.push(enc.encode("bytes ─▶\n"));
  q.push((function* () {
    yield "text\n";
    yield enc.encode("more bytes\n");
  })());
  // Past the budget now: these wait as they are.
  q.push(enc.encode("late bytes\n"));
  q.push(["late ", "text\n", enc.encode("and bytes\n")]);
  assert.equal(
    (await drain(q)).text,
    "bytes ─▶\ntext\nmore bytes\nlate bytes\nlate text\nand bytes\n",
  );
});

test("output queue: pushNow makes its part at once, even past the budget, and keeps the order", async () => {
  const enc = new TextEncoder();
  const q = new OutputQueue(4);
  q.push("first\n");
  q.push((function* () {
    yield "lazy\n";
  })());
  const scratch = enc.encode("now\n");
  q.pushNow(["made ", scratch]);
  scratch.fill(0x21); // the maker reuses its buffer: the queue kept a copy
  q.pushNow(["x\n"]);
  assert.equal((await drain(q)).text, "first\nlazy\nmade now\nx\n");
  q.pushNow(["under budget\n"]);
  assert.equal(q.length, 13);
});

test("output queue: what is pushed while a write is awaited keeps its order (--threads merges then)", async () => {
  const q = new OutputQueue(16);
  const out: string[] = [];
  const dec = new TextDecoder();
  const write = (d: Uint8Array | string) => {
    out.push(typeof d === "string" ? d : dec.decode(d));
    return Promise.resolve();
  };
  // Two connections arrive while writeTo awaits (a worker's report): the
  // first fills the buffer past its budget, the second waits lazily behind it.
  queueMicrotask(() => {
    q.push("first connection, 32 bytes long\n");
    q.push("second\n");
  });
  await q.writeTo(write);
  // A write awaited while more arrives: the same order, whichever call writes them.
  q.push("third\n");
  let pushed = false;
  await q.writeTo((d) => {
    if (!pushed) {
      pushed = true;
      q.push("fourth, pushed while the third is written\n");
      q.push("fifth\n");
    }
    return write(d);
  });
  await q.writeTo(write);
  assert.equal(
    out.join(""),
    "first connection, 32 bytes long\nsecond\nthird\nfourth, pushed while the third is written\nfifth\n",
  );
  assert.equal(q.length, 0);
});
