import { test } from "node:test";
import assert from "node:assert/strict";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqRel } from "../../lib/tcp/seq.ts";

test("tcp seq: compare across 2^32 wrap", () => {
  assert.equal(seqLt(0xfffffff0, 5), true);
  assert.equal(seqGt(5, 0xfffffff0), true);
  assert.equal(seqLe(7, 7), true);
  assert.equal(seqGe(0, 0xffffffff), true);
  assert.equal(seqDiff(5, 0xfffffff0), 21);
});

test("tcp seq: add and relative numbers wrap modulo 2^32", () => {
  assert.equal(seqAdd(0xffffffff, 2), 1);
  assert.equal(seqAdd(0, -1), 0xffffffff);
  assert.equal(seqRel(3, 0xfffffffe), 5);
});

test("tcp seq: numbers exactly 2^31 apart are both before and after each other (Wireshark's GT_SEQ/LT_SEQ)", () => {
  const a = 421, b = (421 + 2 ** 31) >>> 0;
  assert.equal(seqGt(b, a), true);
  assert.equal(seqGt(a, b), true);
  assert.equal(seqLt(a, b), true);
  assert.equal(seqLt(b, a), true);
  assert.equal(seqGe(a, b), true);
  assert.equal(seqLe(a, b), true);
  assert.equal(seqGt(a, (a + 2 ** 31 - 1) >>> 0), false);
  assert.equal(seqGt(a, (a + 2 ** 31 + 1) >>> 0), true);
});
