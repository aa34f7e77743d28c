/**
 * Multiplies a small real capture (classic pcap, Ethernet, IPv4 loopback TCP)
 * into a big one: copy k of the template's connection j gets the client
 * address 127.(k/T) as three bytes, so every copy is its own 4-tuple; 32
 * connections are interleaved at a time and timestamps advance 5 µs a packet.
 * IPv4 header checksums are recomputed (TCP checksums on loopback are partial
 * anyway). Usage: bun bench/explain_capture.ts TEMPLATE.pcap OUT.pcap CONNS
 * @module
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import process from "node:process";

const [tplPath, outPath, connsArg] = process.argv.slice(2);
const CONNS = Number(connsArg ?? 100000);
const tpl = new Uint8Array(readFileSync(tplPath));
const dv = new DataView(tpl.buffer, tpl.byteOffset, tpl.byteLength);
if (dv.getUint32(0, true) !== 0xa1b2c3d4) {
  throw new Error("Cannot read template: not a little-endian usec pcap");
}

// Group template records by connection (client port = the non-9877 port).
const conns = new Map<number, Uint8Array[]>();
for (let o = 24; o + 16 <= tpl.length;) {
  const incl = dv.getUint32(o + 8, true);
  const rec = tpl.subarray(o + 16, o + 16 + incl);
  const sport = (rec[34] << 8) | rec[35], dport = (rec[36] << 8) | rec[37];
  const key = sport === 9877 ? dport : sport;
  if (!conns.has(key)) conns.set(key, []);
  conns.get(key)!.push(rec);
  o += 16 + incl;
}
// Only whole connections (first record a SYN, a FIN seen) serve as templates.
const templates = [...conns.values()].filter((recs) =>
  (recs[0][47] & 0x12) === 0x02 && recs.some((r) => (r[47] & 0x01) !== 0)
);
const T = templates.length;

const out = openSync(outPath, "w");
const buf = new Uint8Array(8 << 20);
let used = 0;
function flush() {
  writeSync(out, buf, 0, used);
  used = 0;
}
buf.set(tpl.subarray(0, 24));
used = 24;
let ts = 1_700_000_000 * 1e6;
let packets = 0;

function emit(rec: Uint8Array, k: number) {
  if (used + 16 + rec.length > buf.length) flush();
  const h = new DataView(buf.buffer, used, 16);
  h.setUint32(0, Math.floor(ts / 1e6), true);
  h.setUint32(4, ts % 1e6, true);
  h.setUint32(8, rec.length, true);
  h.setUint32(12, rec.length, true);
  const p = used + 16;
  buf.set(rec, p);
  const round = Math.floor(k / T) + 1;
  const clientIsSrc = ((rec[34] << 8) | rec[35]) !== 9877;
  const a = p + (clientIsSrc ? 26 : 30);
  buf[a + 1] = (round >> 16) & 255;
  buf[a + 2] = (round >> 8) & 255;
  buf[a + 3] = round & 255;
  buf[p + 24] = 0;
  buf[p + 25] = 0;
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (buf[p + 14 + i] << 8) | buf[p + 15 + i];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const ck = ~sum & 0xffff;
  buf[p + 24] = ck >> 8;
  buf[p + 25] = ck & 255;
  used = p + rec.length;
  ts += 5;
  packets++;
}

const WIDTH = 32;
for (let base = 0; base < CONNS; base += WIDTH) {
  const group = [];
  for (let k = base; k < Math.min(CONNS, base + WIDTH); k++) {
    group.push({ k, recs: templates[k % T], i: 0 });
  }
  let live = group.length;
  while (live > 0) {
    live = 0;
    for (const g of group) {
      if (g.i < g.recs.length) {
        emit(g.recs[g.i++], g.k);
        if (g.i < g.recs.length) live++;
      }
    }
  }
}
flush();
closeSync(out);
console.log(`${outPath}: ${CONNS} connections, ${packets} packets (template: ${T} connections)`);
