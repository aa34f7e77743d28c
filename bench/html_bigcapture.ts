/**
 * Writes a synthetic classic pcap of N complete echo connections (handshake,
 * 6 bytes each way, 3-segment close: 9 packets each) between addresses in
 * 198.18.0.0/15, for benchmarking the HTML report on a big capture.
 *   node_modules/.bin/bun bench/html_bigcapture.ts OUT.pcap [N=100000]
 * (The capture engineer's big-capture bench scripts, once they exist, serve the
 * same purpose; this one only needs the explain command's pcap reader.)
 * @module
 */
import { closeSync, openSync, writeSync } from "node:fs";
import process from "node:process";

const PKT = 14 + 20 + 20;

function header(): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, 1, true); // Ethernet
  return b;
}

interface Seg {
  fromClient: boolean;
  flags: number;
  seq: number;
  ack: number;
  len: number;
  dt: number;
}

/** The 9 segments of one short echo connection (relative numbers, ISN added later). */
const SCRIPT: Seg[] = [
  { fromClient: true, flags: 0x02, seq: 0, ack: 0, len: 0, dt: 0 },
  { fromClient: false, flags: 0x12, seq: 0, ack: 1, len: 0, dt: 100e-6 },
  { fromClient: true, flags: 0x10, seq: 1, ack: 1, len: 0, dt: 100e-6 },
  { fromClient: true, flags: 0x18, seq: 1, ack: 1, len: 6, dt: 200e-6 },
  { fromClient: false, flags: 0x18, seq: 1, ack: 7, len: 6, dt: 150e-6 },
  { fromClient: true, flags: 0x10, seq: 7, ack: 7, len: 0, dt: 100e-6 },
  { fromClient: true, flags: 0x11, seq: 7, ack: 7, len: 0, dt: 1e-3 },
  { fromClient: false, flags: 0x11, seq: 7, ack: 8, len: 0, dt: 100e-6 },
  { fromClient: true, flags: 0x10, seq: 8, ack: 8, len: 0, dt: 100e-6 },
];

function packet(out: DataView, o: number, i: number, s: Seg, t: number): number {
  const len = PKT + s.len;
  out.setUint32(o, Math.floor(t), true);
  out.setUint32(o + 4, Math.round((t % 1) * 1e6), true);
  out.setUint32(o + 8, len, true);
  out.setUint32(o + 12, len, true);
  const p = o + 16;
  out.setUint16(p + 12, 0x0800);
  const ip = p + 14;
  out.setUint8(ip, 0x45);
  out.setUint16(ip + 2, 20 + 20 + s.len);
  out.setUint8(ip + 8, 64);
  out.setUint8(ip + 9, 6);
  const client = [198, 18, (i >> 8) & 0xff, i & 0xff];
  const server = [198, 19, 0, 1];
  const [src, dst] = s.fromClient ? [client, server] : [server, client];
  for (let k = 0; k < 4; k++) {
    out.setUint8(ip + 12 + k, src[k]);
    out.setUint8(ip + 16 + k, dst[k]);
  }
  const tcp = ip + 20;
  const cport = 10000 + (i % 50000);
  out.setUint16(tcp, s.fromClient ? cport : 9877);
  out.setUint16(tcp + 2, s.fromClient ? 9877 : cport);
  const isn = s.fromClient ? 1000 + i : 500000 + i;
  const peer = s.fromClient ? 500000 + i : 1000 + i;
  out.setUint32(tcp + 4, (isn + s.seq) >>> 0);
  out.setUint32(tcp + 8, s.flags & 0x10 ? (peer + s.ack) >>> 0 : 0);
  out.setUint8(tcp + 12, 0x50);
  out.setUint8(tcp + 13, s.flags);
  out.setUint16(tcp + 14, 64240);
  return 16 + len;
}

/**
 * Writes the capture; returns the packet count.
 *
 * @example
 * ```ts
 * writeBigCapture("/tmp/big.pcap", 1000); // 9000
 * ```
 */
export function writeBigCapture(file: string, n: number): number {
  const fd = openSync(file, "w");
  try {
    writeSync(fd, header());
    const chunk = new Uint8Array(1 << 20);
    const view = new DataView(chunk.buffer);
    let used = 0;
    let packets = 0;
    for (let i = 0; i < n; i++) {
      // One connection every 2 ms, so the file stays in time order.
      let t = 1_700_000_000 + i * 2e-3;
      if (used + SCRIPT.length * (16 + PKT + 6) > chunk.length) {
        writeSync(fd, chunk.subarray(0, used));
        chunk.fill(0, 0, used);
        used = 0;
      }
      for (const s of SCRIPT) {
        t += s.dt;
        used += packet(view, used, i, s, t);
        packets++;
      }
    }
    writeSync(fd, chunk.subarray(0, used));
    return packets;
  } finally {
    closeSync(fd);
  }
}

if (import.meta.main) {
  const [file, n] = [process.argv[2], Number(process.argv[3] ?? 100_000)];
  if (!file) throw new Error("Cannot write a capture: no file name given (usage: OUT.pcap [N])");
  console.log(`${writeBigCapture(file, n)} packets written to ${file}`);
}
