/**
 * Synthetic floods for the TCP engine tests: decoded packets made directly
 * (no capture file), so a million SYNs cost no disk and no memory of their own.
 * Run as a script it plays a SYN flood through the tracker and prints one JSON
 * line with the peak RSS (tests/unit/tcp_flood.test.ts runs it in a subprocess):
 *   deno run -A tests/support/tcp_flood.ts [SYNS=1000000] [PER_SECOND=10000]
 *   bun tests/support/tcp_flood.ts ...
 * @module
 */
import process from "node:process";
import { addrString, newPacket } from "../../lib/decode/mod.ts";
import type { Packet } from "../../lib/decode/types.ts";
import { TCP_ACK, TCP_SYN } from "../../lib/decode/types.ts";
import { TcpTracker } from "../../lib/tcp/tracker.ts";

/** One flow: addresses as 32-bit words (IPv4: word 0 only) and ports. */
export interface Flow {
  v: 4 | 6;
  src: number[];
  dst: number[];
  sp: number;
  dp: number;
}

/** A reusable decoded TCP packet whose buffer holds src at 0 and dst at 16. */
export function floodPacket(): Packet {
  const p = newPacket();
  p.kind = "tcp";
  p.buf = new Uint8Array(32);
  p.srcOff = 0;
  p.dstOff = 16;
  p.ipProto = 6;
  p.window = 64240;
  p.wscale = -1;
  return p;
}

function put(buf: Uint8Array, off: number, words: number[]) {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    buf[off + 4 * i] = w >>> 24;
    buf[off + 4 * i + 1] = (w >>> 16) & 255;
    buf[off + 4 * i + 2] = (w >>> 8) & 255;
    buf[off + 4 * i + 3] = w & 255;
  }
}

/** Fills `p` with one segment of flow `f` (fromSrc: sent by f.src). */
export function setSegment(
  p: Packet,
  f: Flow,
  fromSrc: boolean,
  flags: number,
  seq: number,
  ack: number,
  frame: number,
  t: number,
): Packet {
  p.ipVersion = f.v;
  put(p.buf, fromSrc ? 0 : 16, f.src);
  put(p.buf, fromSrc ? 16 : 0, f.dst);
  p.srcPort = fromSrc ? f.sp : f.dp;
  p.dstPort = fromSrc ? f.dp : f.sp;
  p.flags = flags;
  p.seq = seq >>> 0;
  p.ack = ack >>> 0;
  p.payloadLen = 0;
  p.frame = frame;
  p.tsSec = Math.floor(t);
  p.tsNsec = Math.round((t - Math.floor(t)) * 1e9);
  return p;
}

/**
 * Plays each flow's handshake (SYN, SYN,ACK, ACK) through a tracker and
 * returns the seconds it took.
 */
export function playHandshakes(flows: Flow[]): number {
  const tr = new TcpTracker({
    keepDetail: false,
    keepIntervals: false,
    keepStates: false,
    reuseConnections: true,
    onEnd: () => {},
    addrString: (b, o, v) => addrString(b, o, v),
  });
  const p = floodPacket();
  let frame = 0;
  const t0 = performance.now();
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i], t = i * 1e-4;
    tr.push(setSegment(p, f, true, TCP_SYN, 1000, 0, ++frame, t));
    tr.push(setSegment(p, f, false, TCP_SYN | TCP_ACK, 5000, 1001, ++frame, t + 1e-5));
    tr.push(setSegment(p, f, true, TCP_ACK, 1001, 5001, ++frame, t + 2e-5));
  }
  tr.finish();
  return (performance.now() - t0) / 1000;
}

/** Result line of the SYN-flood script. */
export interface FloodResult {
  syns: number;
  seconds: number;
  baseRssMB: number;
  peakRssMB: number;
  reported: number;
  expired: Record<string, number>;
  unassigned: number;
  peakOpen: number;
}

/**
 * A SYN flood: `syns` SYNs from random sources in 198.18.0.0/15 (random
 * ports) to 198.18.0.1:80, `perSecond` of them per second of capture time,
 * through a tracker with default limits, as `explain --summary` runs it.
 */
export function synFlood(syns: number, perSecond: number): FloodResult {
  let reported = 0, peakOpen = 0;
  const tr = new TcpTracker({
    keepDetail: false,
    keepIntervals: false,
    keepStates: false,
    reuseConnections: true,
    onEnd: () => reported++,
    addrString: (b, o, v) => addrString(b, o, v),
  });
  const p = floodPacket();
  const f: Flow = { v: 4, src: [0], dst: [0xc6120001], sp: 0, dp: 80 };
  let x = 0x9e3779b9;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const t0 = performance.now();
  for (let i = 0; i < syns; i++) {
    f.src[0] = (0xc6120000 | (rnd() & 0x1ffff)) >>> 0;
    f.sp = 1024 + (rnd() % 64512);
    tr.push(setSegment(p, f, true, TCP_SYN, rnd(), 0, i + 1, i / perSecond));
    if ((i & 16383) === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      peakOpen = Math.max(peakOpen, tr.openConnections);
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  tr.finish();
  return {
    syns,
    seconds: (performance.now() - t0) / 1000,
    baseRssMB: Math.round(baseRss / 2 ** 20),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    reported,
    expired: { ...tr.expired },
    unassigned: tr.unassignedTotal,
    peakOpen,
  };
}

if (import.meta.main) {
  const syns = Number(process.argv[2] ?? 1_000_000);
  const perSecond = Number(process.argv[3] ?? 10_000);
  console.log(JSON.stringify(synFlood(syns, perSecond)));
}
