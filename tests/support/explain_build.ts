/**
 * Builds small classic-pcap files (Ethernet + IPv4 + TCP) for the edge cases
 * a kernel will not produce on demand: sequence numbers near 2^32, SYN or RST
 * with data, duplicated frames, port reuse. The bytes go through the real
 * reader and decoder; only the packets are hand-made.
 * @module
 */

/** One segment to write. */
export interface BuiltSegment {
  /** true: from 198.18.0.1:40000 (A) to 198.18.0.2:9877 (B); false: the reverse. */
  fromA: boolean;
  flags: string;
  seq: number;
  ack?: number;
  len?: number;
  win?: number;
  /** Seconds since the first packet. */
  t: number;
  /** Override ports (A side, B side). */
  ports?: [number, number];
  /** The IPv4 identification (0 unless given). */
  ipId?: number;
}

const FLAG_BITS: Record<string, number> = { F: 1, S: 2, R: 4, P: 8, A: 16 };

function u16(b: Uint8Array, o: number, v: number) {
  b[o] = (v >>> 8) & 255;
  b[o + 1] = v & 255;
}
function u32(b: Uint8Array, o: number, v: number) {
  b[o] = (v >>> 24) & 255;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}
function le32(b: Uint8Array, o: number, v: number) {
  b[o] = v & 255;
  b[o + 1] = (v >>> 8) & 255;
  b[o + 2] = (v >>> 16) & 255;
  b[o + 3] = (v >>> 24) & 255;
}

function frame(s: BuiltSegment): Uint8Array {
  const len = s.len ?? 0;
  const b = new Uint8Array(14 + 20 + 20 + len);
  u16(b, 12, 0x0800);
  const ip = 14;
  b[ip] = 0x45;
  u16(b, ip + 2, 40 + len);
  u16(b, ip + 4, s.ipId ?? 0);
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  const a = [198, 18, 0, 1], z = [198, 18, 0, 2];
  b.set(s.fromA ? a : z, ip + 12);
  b.set(s.fromA ? z : a, ip + 16);
  const [pa, pb] = s.ports ?? [40000, 9877];
  const t = ip + 20;
  u16(b, t, s.fromA ? pa : pb);
  u16(b, t + 2, s.fromA ? pb : pa);
  u32(b, t + 4, s.seq >>> 0);
  u32(b, t + 8, (s.ack ?? 0) >>> 0);
  b[t + 12] = 5 << 4;
  b[t + 13] = [...s.flags].reduce((m, c) => m | (FLAG_BITS[c] ?? 0), 0);
  u16(b, t + 14, s.win ?? 1000);
  return b;
}

/**
 * A pcap file holding the segments.
 *
 * @example
 * ```ts
 * buildPcap([{ fromA: true, flags: "S", seq: 1, t: 0 }]);
 * ```
 */
export function buildPcap(segs: BuiltSegment[]): Uint8Array {
  const frames = segs.map(frame);
  const size = 24 + frames.reduce((n, f) => n + 16 + f.length, 0);
  const out = new Uint8Array(size);
  le32(out, 0, 0xa1b2c3d4);
  out[4] = 2;
  out[6] = 4;
  le32(out, 16, 65535);
  le32(out, 20, 1);
  let o = 24;
  const base = 1_700_000_000;
  segs.forEach((s, i) => {
    const sec = Math.floor(s.t);
    le32(out, o, base + sec);
    le32(out, o + 4, Math.round((s.t - sec) * 1e6));
    le32(out, o + 8, frames[i].length);
    le32(out, o + 12, frames[i].length);
    out.set(frames[i], o + 16);
    o += 16 + frames[i].length;
  });
  return out;
}
