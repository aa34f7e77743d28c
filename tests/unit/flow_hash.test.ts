import { test } from "node:test";
import assert from "node:assert/strict";
import { seedFlowHash, TupleView } from "../../lib/tcp/flow.ts";

/** The hash of 198.18.a.b:port -> 198.18.0.1:80 read in the given direction. */
function hashOf(a: number, b: number, port: number, reverse: boolean): number {
  const bytes = new Uint8Array([198, 18, a, b, 198, 18, 0, 1]);
  const t = new TupleView();
  if (reverse) t.read(bytes, 4, 4, 0, 80, port);
  else t.read(bytes, 4, 0, 4, port, 80);
  return t.hash;
}

test("flow hash (IPv4): both directions hash alike, 30 bits, repeatable under a seed", () => {
  seedFlowHash(12345);
  const first = hashOf(3, 4, 40000, false);
  for (let i = 0; i < 512; i++) {
    const a = i & 255, b = i >> 8, port = 1024 + i * 7;
    const h = hashOf(a, b, port, false);
    assert.equal(h, hashOf(a, b, port, true), `tuple ${i}`);
    assert.ok(h >= 0 && h < 2 ** 30);
  }
  seedFlowHash(12345);
  assert.equal(hashOf(3, 4, 40000, false), first);
  seedFlowHash();
});

test("flow hash (IPv4): 4,096 tuples that differ in one byte spread over 1,024 buckets", () => {
  seedFlowHash(7);
  const buckets = new Array(1024).fill(0);
  for (let i = 0; i < 4096; i++) buckets[hashOf(i & 255, 0, 40000 + (i >> 8), false) >>> 20]++;
  // A random function puts at most about 15 in one bucket here; a weak hash piles them up.
  assert.ok(Math.max(...buckets) <= 20, `largest bucket ${Math.max(...buckets)}`);
  seedFlowHash();
});

test("flow hash (IPv6): both directions hash alike, also when the addresses share a prefix", () => {
  seedFlowHash(5);
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 256; i++) {
    // 2001:db8::/32 on both sides; they differ from the word i picks on (or only in the ports).
    bytes.fill(0);
    bytes.set([0x20, 0x01, 0x0d, 0xb8], 0);
    bytes.set([0x20, 0x01, 0x0d, 0xb8], 16);
    bytes[4 + (i & 7)] = i;
    bytes[16 + 4 + ((i >> 3) & 7)] = 255 - i;
    const a = new TupleView(), b = new TupleView();
    a.read(bytes, 6, 0, 16, 40000 + i, i % 3 === 0 ? 40000 + i : 9877);
    b.read(bytes, 6, 16, 0, i % 3 === 0 ? 40000 + i : 9877, 40000 + i);
    assert.equal(a.hash, b.hash, `tuple ${i}`);
    assert.ok(a.hash >= 0 && a.hash < 2 ** 30);
  }
  seedFlowHash();
});
