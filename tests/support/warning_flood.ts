/**
 * Hostile captures that repeat one fault n times, for the capture layer's
 * warning caps: tests/unit runs them with n = 20,000 (the caps and exact
 * counts), tests/system/capture_warning_flood.test.ts with a million (the scale).
 * @module
 */
import assert from "node:assert/strict";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";

/** n pcap records, each with caplen above len and a timestamp fraction out of range: a few lines, exact counts. */
export async function checkBadRecords(n: number): Promise<void> {
  const b = new Uint8Array(24 + n * 17);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, 101, true); // raw IP
  for (let i = 0, p = 24; i < n; i++, p += 17) {
    v.setUint32(p, 1_700_000_000 + (i >> 10), true);
    v.setUint32(p + 4, 2_000_000, true); // fraction out of range
    v.setUint32(p + 8, 1, true); // caplen 1 > len 0
    v.setUint32(p + 12, 0, true);
  }
  let frames = 0;
  const info = await readCapture(bytesSource(b), () => frames++);
  assert.equal(frames, n);
  assert.deepEqual(info.warningKinds.map((k) => [k.kind, k.count, k.examples.length]), [
    ["caplen-above-len", n, 1],
    ["ts-fraction", n, 5],
  ]);
  assert.equal(info.warnings.length, 1 + 1 + 5 + 1);
  assert.equal(info.warnings[1], `... and ${n - 1} more of this kind (caplen-above-len)`);
  assert.equal(info.warnings.at(-1), `... and ${n - 5} more of this kind (ts-fraction)`);
}

/** n pcapng interface blocks whose if_tsresol option overruns the block: six lines. */
export async function checkOverrunningOptions(n: number): Promise<void> {
  const b = new Uint8Array(28 + n * 24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x0a0d0d0a, true);
  v.setUint32(4, 28, true);
  v.setUint32(8, 0x1a2b3c4d, true);
  v.setUint16(12, 1, true);
  v.setUint32(24, 28, true);
  for (let i = 0, p = 28; i < n; i++, p += 24) {
    v.setUint32(p, 1, true); // IDB
    v.setUint32(p + 4, 24, true);
    v.setUint16(p + 8, 1, true);
    v.setUint16(p + 16, 9, true); // if_tsresol claiming 8 bytes: overruns the block
    v.setUint16(p + 18, 8, true);
    v.setUint32(p + 20, 24, true);
  }
  const info = await readCapture(bytesSource(b), () => {});
  assert.deepEqual(info.warningKinds.map((k) => [k.kind, k.count]), [["pcapng-option", n]]);
  assert.equal(info.warnings.length, 6);
  assert.equal(
    info.warnings[0],
    "pcapng interface option 9 at byte 44 overruns its block; rest ignored",
  );
  assert.equal(info.warnings[5], `... and ${n - 5} more of this kind (pcapng-option)`);
  assert.equal(info.damaged, false);
}
