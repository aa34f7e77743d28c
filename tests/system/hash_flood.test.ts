import { test } from "node:test";
import assert from "node:assert/strict";
import { RUNTIME } from "../support/helpers.ts";
import { type Flow, playHandshakes } from "../support/tcp_flood.ts";

const N = 40_000;
const DB8 = 0x20010db8;

/** The flow hash before issue 12 (unkeyed, XOR-folded), to prove the crafting. */
function oldHash(f: Flow): number {
  const mix = (addr: number, port: number) => {
    let h = Math.imul(addr ^ (port << 16) ^ port, 0x9e3779b1);
    h ^= h >>> 15;
    return Math.imul(h, 0x85ebca6b) >>> 0;
  };
  const fold = (w: number[]) => w.reduce((a, b) => a ^ b, 0);
  return (mix(fold(f.src), f.sp) + mix(fold(f.dst), f.dp)) & 0x3fffffff;
}

/** IPv6 sources 2001:db8:i:i (words [DB8, DB8, i, i]) fold to 0: one old bucket for all. */
function craftedOld(): Flow[] {
  return Array.from({ length: N }, (_, i) => ({
    v: 6 as const,
    src: [DB8, DB8, i + 1, i + 1],
    dst: [DB8, 0, 0, 1],
    sp: 40000,
    dp: 443,
  }));
}

/**
 * Against the new structure (multiply-shift keeps the top bits of a sum of
 * key × byte): tuples whose bytes differ only by multiples of 128 and only in
 * few positions, the differences most likely to push key bits out of the kept
 * bits; and flows that differ only in the source port.
 */
function craftedNew(): Flow[] {
  const out: Flow[] = [];
  for (let i = 0; out.length < N; i++) {
    const b = (k: number) => ((i >> k) & 1) * 128;
    const a = (0xc6120000 | (b(0) << 8) | b(1)) >>> 0;
    out.push({ v: 4, src: [a], dst: [0xc6130001], sp: 1024 + (i >> 2) * 1, dp: 80 + b(15) });
  }
  return out;
}

function random(): Flow[] {
  let x = 0x2545f491;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  return Array.from({ length: N }, () => ({
    v: 6 as const,
    src: [DB8, rnd(), rnd(), rnd()],
    dst: [DB8, 0, 0, 1],
    sp: 1024 + (rnd() % 60000),
    dp: 443,
  }));
}

function best(flows: Flow[]): number {
  let t = Infinity;
  for (let i = 0; i < 3; i++) t = Math.min(t, playHandshakes(flows));
  return t;
}

test(
  "tcp flood: 40,000 flows crafted against the old hash and against the new one take < 2x random flows",
  {
    timeout: 120_000,
  },
  () => {
    const old = craftedOld();
    assert.equal(new Set(old.map(oldHash)).size, 1, "the crafted flows collide under the old hash");
    const fresh = craftedNew();
    const distinct = new Set(fresh.map((f) => `${f.src[0]}:${f.sp}:${f.dp}`)).size;
    assert.equal(distinct, N, "crafted flows are distinct");
    best(random()); // warm up
    const tRandom = best(random()), tOld = best(old), tNew = best(fresh);
    console.log(
      `tcp flood (${RUNTIME}): ${N} handshakes, best of 3: random ${tRandom.toFixed(3)} s, ` +
        `crafted vs old hash ${tOld.toFixed(3)} s, crafted vs new structure ${tNew.toFixed(3)} s`,
    );
    // Generous: 2x plus 50 ms of noise on a shared machine.
    assert.ok(tOld < 2 * tRandom + 0.05, `old-hash crafting ${tOld} vs random ${tRandom}`);
    assert.ok(tNew < 2 * tRandom + 0.05, `new-structure crafting ${tNew} vs random ${tRandom}`);
  },
);
