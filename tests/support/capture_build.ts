/**
 * Builders of damaged and old-style captures for the capture tests
 * (tests/unit/capture_damage.test.ts, tests/system/capture_damage_tshark.test.ts).
 * @module
 */
import { fixture } from "../fixtures/formats/util.ts";

const PCAP = fixture("eth-usec.pcap");

/** Byte offsets of the pcap records (16-byte headers) of a classic little-endian pcap. */
export function pcapOffsets(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let p = 24; p + 16 <= b.length; p += 16 + v.getUint32(p + 8, true)) out.push(p);
  return out;
}

/** `b` with `remove` bytes at `at` replaced by `insert`. */
export function splice(
  b: Uint8Array,
  at: number,
  remove: number,
  insert: Uint8Array = new Uint8Array(0),
) {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** eth-usec.pcap with every record cut to 80 bytes (snaplen 80), as version 2.4. */
export function snap80(): Uint8Array {
  const parts: Uint8Array[] = [PCAP.slice(0, 24)];
  new DataView(parts[0].buffer).setUint32(16, 80, true);
  const v = new DataView(PCAP.buffer, PCAP.byteOffset);
  for (const p of pcapOffsets(PCAP)) {
    const caplen = Math.min(80, v.getUint32(p + 8, true));
    const rec = PCAP.slice(p, p + 16 + caplen);
    new DataView(rec.buffer).setUint32(8, caplen, true);
    parts.push(rec);
  }
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  parts.reduce((o, x) => (out.set(x, o), o + x.length), 0);
  return out;
}

/** snap80() rewritten as version 2.`minor` with caplen and len in the pre-2.3 order. */
export function oldOrder(minor: number, swapRecord: (i: number) => boolean): Uint8Array {
  const b = snap80();
  const v = new DataView(b.buffer);
  v.setUint16(6, minor, true);
  pcapOffsets(snap80()).forEach((p, i) => {
    if (!swapRecord(i)) return;
    const caplen = v.getUint32(p + 8, true);
    v.setUint32(p + 8, v.getUint32(p + 12, true), true);
    v.setUint32(p + 12, caplen, true);
  });
  return b;
}
