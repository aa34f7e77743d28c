/**
 * Hand-built captures that mix TCP segments (tests/support/explain_build.ts)
 * with ICMPv4 destination-unreachable errors quoting one of them (host
 * unreachable, fragmentation needed, ...), for the scenario rule tests.
 * @module
 */
import { buildPcap, type BuiltSegment } from "./explain_build.ts";

/** An ICMPv4 destination unreachable (type 3) quoting `quote`, sent to its sender. */
export interface BuiltIcmp {
  icmpCode: number;
  quote: BuiltSegment;
  /** Seconds since the first packet. */
  t: number;
}

/** The Ethernet frame of one TCP segment, as buildPcap writes it. */
function tcpFrame(s: BuiltSegment): Uint8Array {
  const pcap = buildPcap([{ ...s, t: 0 }]);
  return pcap.subarray(24 + 16);
}

function icmpFrame(i: BuiltIcmp): Uint8Array {
  const quoted = tcpFrame(i.quote).subarray(14, 14 + 28);
  const b = new Uint8Array(14 + 20 + 8 + quoted.length);
  b[12] = 0x08;
  const ip = 14;
  b[ip] = 0x45;
  const total = 20 + 8 + quoted.length;
  b[ip + 2] = total >> 8;
  b[ip + 3] = total & 255;
  b[ip + 8] = 64;
  b[ip + 9] = 1;
  b.set([198, 18, 0, 254], ip + 12);
  b.set(quoted.subarray(12, 16), ip + 16);
  b[ip + 20] = 3;
  b[ip + 21] = i.icmpCode;
  if (i.icmpCode === 4) b[ip + 27] = 0xdc; // next-hop MTU 1500 - 36 = 1244 (0x04dc)
  if (i.icmpCode === 4) b[ip + 26] = 0x04;
  b.set(quoted, ip + 28);
  return b;
}

/**
 * A pcap of TCP segments and ICMP errors in the order given.
 *
 * @example
 * ```ts
 * buildMixedPcap([{ fromA: true, flags: "S", seq: 1, t: 0 }, { icmpCode: 1, quote: syn, t: 0.1 }]);
 * ```
 */
export function buildMixedPcap(items: (BuiltSegment | BuiltIcmp)[]): Uint8Array {
  const frames = items.map((x) => "icmpCode" in x ? icmpFrame(x) : tcpFrame(x));
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  out.set(buildPcap([]).subarray(0, 24));
  const v = new DataView(out.buffer);
  let o = 24;
  const base = 1_700_000_000;
  items.forEach((x, i) => {
    const sec = Math.floor(x.t);
    v.setUint32(o, base + sec, true);
    v.setUint32(o + 4, Math.round((x.t - sec) * 1e6), true);
    v.setUint32(o + 8, frames[i].length, true);
    v.setUint32(o + 12, frames[i].length, true);
    out.set(frames[i], o + 16);
    o += 16 + frames[i].length;
  });
  return out;
}
