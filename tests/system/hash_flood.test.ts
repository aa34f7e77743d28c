import { test } from "node:test";
import assert from "node:assert/strict";
import { RUNTIME } from "../support/helpers.ts";
import { floodPacket, type Flow, playHandshakes, setSegment } from "../support/tcp_flood.ts";
import { seedFlowHash, TupleView } from "../../lib/tcp/flow.ts";

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

/** Buckets of the flow table once it holds N flows (it doubles past one entry per bucket). */
const BUCKETS = 65_536;

/**
 * Bucket loads of `flows` under the tracker's hash, as the table indexes them
 * (the hash's top bits): the longest chain and the mean chain a lookup walks
 * (sum of squared loads over flows).
 */
function loads(flows: Flow[]): { longest: number; walked: number } {
  const count = new Uint32Array(BUCKETS), t = new TupleView(), p = floodPacket();
  for (const f of flows) {
    setSegment(p, f, true, 0, 0, 0, 0, 0);
    t.read(p.buf, f.v, p.srcOff, p.dstOff, p.srcPort, p.dstPort);
    count[t.hash >>> (30 - 16)]++;
  }
  let longest = 0, sq = 0;
  for (const c of count) {
    longest = Math.max(longest, c);
    sq += c * c;
  }
  return { longest, walked: sq / flows.length };
}

test(
  "tcp flood: 40,000 flows crafted against the old hash and against the new one load the flow table like random flows",
  {
    timeout: 120_000,
  },
  () => {
    const old = craftedOld();
    assert.equal(new Set(old.map(oldHash)).size, 1, "the crafted flows collide under the old hash");
    const fresh = craftedNew();
    const distinct = new Set(fresh.map((f) => `${f.src[0]}:${f.sp}:${f.dp}`)).size;
    assert.equal(distinct, N, "crafted flows are distinct");
    const rand = random();
    // The structure, not the clock: under several hash keys, the crafted sets'
    // longest chain and mean walk stay those of random flows (random 40,000 in
    // 65,536 buckets: longest about 7, mean walk about 1.6).
    try {
      for (const seed of [1, 0x2545f491, 0x9e3779b9, 12345]) {
        seedFlowHash(seed);
        const r = loads(rand), o = loads(old), n = loads(fresh);
        const line = (x: { longest: number; walked: number }) =>
          `longest ${x.longest}, walk ${x.walked.toFixed(2)}`;
        console.log(
          `flow table (seed ${seed}): random ${line(r)}; vs old hash ${line(o)}; vs new ${line(n)}`,
        );
        for (const [name, x] of [["old-hash", o], ["new-structure", n]] as const) {
          assert.ok(
            x.longest <= 2 * r.longest + 2,
            `${name} crafting: longest chain ${x.longest} vs random ${r.longest}`,
          );
          assert.ok(
            x.walked <= 1.25 * r.walked,
            `${name} crafting: mean walk ${x.walked} vs random ${r.walked}`,
          );
        }
      }
    } finally {
      seedFlowHash();
    }
    // The time it takes, for the record only (timings do not belong in assertions).
    best(rand); // warm up
    const tRandom = best(rand), tOld = best(old), tNew = best(fresh);
    console.log(
      `tcp flood (${RUNTIME}): ${N} handshakes, best of 3: random ${tRandom.toFixed(3)} s, ` +
        `crafted vs old hash ${tOld.toFixed(3)} s, crafted vs new structure ${tNew.toFixed(3)} s`,
    );
  },
);
