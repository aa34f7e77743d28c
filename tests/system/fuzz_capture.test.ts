/**
 * Seeded fuzzing of readCapture + decodeFrame: thousands of mutations and
 * truncations of the real fixtures, bounded in count and time. The only
 * acceptable outcomes are a result or a TcpechoError ECAPTURE: never another
 * exception, a hang, or memory that grows with the iterations.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { addrString, decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import { TcpechoError } from "../../lib/errors.ts";
import { fixture } from "../fixtures/formats/util.ts";

/** mulberry32: a small seeded PRNG, so a failure names a reproducible seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = [
  "eth-usec.pcap",
  "be-nsec.pcap",
  "qinq.pcap",
  "any-sll2.pcap",
  "null.pcap",
  "eth-modified.pcap",
  "eth-rh61.pcap",
  "eth-suse63.pcap",
  "eth-dumpcap.pcapng",
  "be.pcapng",
  "tsresol.pcapng",
  "multi-if.pcapng",
  "eth-usec.pcap.gz",
].map((n) => ({ name: n, bytes: fixture(n) }));

const INTERESTING = [0, 1, 3, 12, 16, 0x7fffffff, 0xffffffff, 0x0a0d0d0a, 0x1a2b3c4d, 65535];

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  const b = src.slice();
  switch (pick(6)) {
    case 0: // flip a few bytes
      for (let i = 1 + pick(8); i > 0; i--) b[pick(b.length)] ^= 1 << pick(8);
      return b;
    case 1: { // an interesting 32-bit value at an aligned offset (lengths, magics)
      const off = pick(b.length >> 2) << 2;
      if (off + 4 <= b.length) {
        new DataView(b.buffer).setUint32(off, INTERESTING[pick(INTERESTING.length)], rnd() < 0.5);
      }
      return b;
    }
    case 2: // truncate
      return b.subarray(0, pick(b.length + 1));
    case 3: { // delete a slice
      const at = pick(b.length);
      const n = 1 + pick(64);
      const out = new Uint8Array(b.length - Math.min(n, b.length - at));
      out.set(b.subarray(0, at));
      out.set(b.subarray(at + n), at);
      return out;
    }
    case 4: { // duplicate a slice
      const at = pick(b.length);
      const n = 1 + pick(200);
      const piece = b.slice(at, at + n);
      const out = new Uint8Array(b.length + piece.length);
      out.set(b.subarray(0, at));
      out.set(piece, at);
      out.set(b.subarray(at), at + piece.length);
      return out;
    }
    default: // random bytes over a stretch
      for (let i = pick(b.length), n = pick(40); n > 0 && i < b.length; n--, i++) b[i] = pick(256);
      return b;
  }
}

async function readOnce(bytes: Uint8Array, rnd: () => number): Promise<string> {
  const pkt = newPacket();
  let kinds = 0;
  const maxRead = rnd() < 0.3 ? 1 + Math.floor(rnd() * 300) : Infinity;
  const chunkSize = rnd() < 0.3 ? 64 + Math.floor(rnd() * 4096) : undefined;
  try {
    const info = await readCapture(bytesSource(bytes, maxRead), (f) => {
      decodeFrame(f, pkt);
      addrString(pkt.buf, pkt.srcOff, pkt.ipVersion);
      addrString(pkt.buf, pkt.quotedDstOff, pkt.quotedIpVersion);
      if (pkt.kind === "malformed") assert.ok(pkt.error.length > 0);
      kinds++;
    }, { chunkSize });
    assert.equal(info.packets, kinds);
    return info.truncated ? "truncated" : "ok";
  } catch (e) {
    if (e instanceof TcpechoError && e.code === "ECAPTURE") return "error";
    throw e;
  }
}

const ITERATIONS = 5000;
const BUDGET_MS = 20_000;

test("fuzz capture: thousands of seeded mutations never throw anything but ECAPTURE", {
  timeout: 300_000,
}, async () => {
  const seed = 0x7cbecb0;
  const rnd = prng(seed);
  const outcomes: Record<string, number> = { ok: 0, truncated: 0, error: 0 };
  const t0 = Date.now();
  const heap0 = process.memoryUsage().heapUsed;
  let i = 0;
  for (; i < ITERATIONS && Date.now() - t0 < BUDGET_MS; i++) {
    const src = SOURCES[i % SOURCES.length];
    const bytes = mutate(src.bytes, rnd);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hang = new Promise<string>((_, reject) => {
      timer = setTimeout(() => reject(new Error("hang")), 5000);
    });
    try {
      outcomes[await Promise.race([readOnce(bytes, rnd), hang])]++;
    } catch (e) {
      assert.fail(`seed ${seed} iteration ${i} (${src.name}): ${(e as Error)?.stack ?? e}`);
    } finally {
      clearTimeout(timer);
    }
  }
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  console.log(`fuzz capture: ${i} mutations in ${Date.now() - t0} ms: ${JSON.stringify(outcomes)}`);
  assert.ok(i >= 500, `only ${i} iterations ran within the time bound`);
  assert.ok(outcomes.ok > 0 && outcomes.error > 0 && outcomes.truncated > 0);
  assert.ok(heapGrowth < 256 * 1024 * 1024, `heap grew by ${heapGrowth} bytes`);
});

test("fuzz decode: random bytes under every link type decode to a kind, never throw", {
  timeout: 300_000,
}, () => {
  const rnd = prng(42);
  const pkt = newPacket();
  const buf = new Uint8Array(256);
  const frame = {
    index: 1,
    tsSec: 0,
    tsNsec: 0,
    hasTimestamp: true,
    linkType: 1,
    interfaceId: 0,
    buf,
    offset: 0,
    caplen: 0,
    origLen: 0,
  };
  const linkTypes = [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276, 999];
  for (let i = 0; i < 20000; i++) {
    const lt = linkTypes[i % linkTypes.length];
    // Start from a valid-looking IP header sometimes, so deeper layers are reached.
    for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(rnd() * 256);
    if (rnd() < 0.5) buf[0] = rnd() < 0.5 ? 0x45 : 0x60;
    frame.linkType = lt;
    frame.offset = Math.floor(rnd() * 8);
    frame.caplen = Math.floor(rnd() * (buf.length - frame.offset + 1));
    decodeFrame(frame, pkt);
    assert.ok(pkt.kind.length > 0);
  }
});
