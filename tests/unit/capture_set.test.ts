/**
 * Capture sets (lib/capture/merge.ts): several captures read as one, merged
 * by timestamp, give the connections of the single capture they were cut
 * from; frame numbers map back to each file.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource } from "../../lib/capture/mod.ts";
import { FrameOrigins } from "../../lib/capture/merge.ts";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { type ConnectionReport, connectionReport } from "../../lib/report/json.ts";
import { ROOT } from "../support/helpers.ts";

const DIR = join(ROOT, "tests", "fixtures", "explain");

/** Splits a little-endian classic pcap into records; `pick(i)` says which part record i goes to. */
function splitPcap(bytes: Uint8Array, parts: number, pick: (i: number, n: number) => number) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(dv.getUint32(0, true), 0xa1b2c3d4, "a little-endian µs pcap");
  const header = bytes.subarray(0, 24);
  const records: Uint8Array[] = [];
  for (let off = 24; off + 16 <= bytes.length;) {
    const len = 16 + dv.getUint32(off + 8, true);
    records.push(bytes.subarray(off, off + len));
    off += len;
  }
  const out: Uint8Array[][] = Array.from({ length: parts }, () => [header]);
  records.forEach((r, i) => out[pick(i, records.length)].push(r));
  return out.map((chunks) => {
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all;
  });
}

async function reports(
  input: Uint8Array | { name: string; source: ReturnType<typeof bytesSource> }[],
  origins?: FrameOrigins,
): Promise<ConnectionReport[]> {
  const out: ConnectionReport[] = [];
  await explainCapture(input, {
    origins,
    onConnection: (e) => out.push(connectionReport(e, origins)),
  });
  return out.sort((a, b) => a.id - b.id);
}

function withoutOrigins(list: ConnectionReport[]): ConnectionReport[] {
  return list.map((c) => ({
    ...c,
    segments: c.segments.map(({ file: _f, fileFrame: _ff, ...s }) => s),
  }));
}

const FILES = ["lossy-bulk.pcap", "server-process-terminated.pcap", "keepalive-alive.pcap"];

test("capture set: a capture cut in three rotated files -> the same connections and verdicts", async () => {
  for (const name of FILES) {
    const whole = new Uint8Array(readFileSync(join(DIR, name)));
    const parts = splitPcap(whole, 3, (i, n) => Math.min(2, Math.floor((i * 3) / n)));
    const origins = new FrameOrigins();
    // Given out of order: the merge goes by time, not by the order of the names.
    const set = [2, 0, 1].map((i) => ({ name: `part${i}`, source: bytesSource(parts[i]) }));
    const got = await reports(set, origins);
    assert.deepEqual(withoutOrigins(got), await reports(whole), name);
    assert.equal(origins.runs, 3, "one run per rotated file");
    const first = got[0].segments[0];
    assert.equal(first.file, 1, "the earliest frame is in part0, given second");
    assert.equal(first.fileFrame, first.frame);
  }
});

test("capture set: two interleaved captures (every other frame) -> merged back in time order", async () => {
  const whole = new Uint8Array(readFileSync(join(DIR, "lossy-bulk.pcap")));
  const parts = splitPcap(whole, 2, (i) => i % 2);
  const origins = new FrameOrigins();
  const got = await reports(
    parts.map((p, i) => ({ name: `if${i}`, source: bytesSource(p) })),
    origins,
  );
  assert.deepEqual(withoutOrigins(got), await reports(whole));
  const seg = got[0].segments[4];
  assert.deepEqual([seg.file, seg.fileFrame], [(seg.frame - 1) % 2, Math.ceil(seg.frame / 2)]);
});

test("capture set: frame origins as runs -> lookup at every run edge", () => {
  const o = new FrameOrigins();
  for (let i = 1; i <= 5; i++) o.add(0, i);
  for (let i = 1; i <= 3; i++) o.add(1, i);
  o.add(0, 6);
  assert.equal(o.runs, 3);
  assert.deepEqual(o.lookup(1), { file: 0, frame: 1 });
  assert.deepEqual(o.lookup(5), { file: 0, frame: 5 });
  assert.deepEqual(o.lookup(6), { file: 1, frame: 1 });
  assert.deepEqual(o.lookup(8), { file: 1, frame: 3 });
  assert.deepEqual(o.lookup(9), { file: 0, frame: 6 });
});

test("capture set: every fixture, cut in two, explains as the whole", async () => {
  const names = readdirSync(DIR).filter((f) => f.endsWith(".pcap"));
  for (const name of names) {
    const whole = new Uint8Array(readFileSync(join(DIR, name)));
    if (new DataView(whole.buffer, whole.byteOffset).getUint32(0, true) !== 0xa1b2c3d4) continue;
    const parts = splitPcap(whole, 2, (i, n) => (i < n / 2 ? 0 : 1));
    const got = await reports(parts.map((p, i) => ({ name: `${i}`, source: bytesSource(p) })));
    assert.deepEqual(withoutOrigins(got), await reports(whole), name);
  }
});
