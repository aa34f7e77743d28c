/**
 * Damaged, old and hostile captures: a damaged record in the middle keeps every
 * frame before it and resumes after it (pcap and pcapng), pre-2.3 pcap lengths
 * swapped as libpcap does, timestamp fractions out of range, and 20,000
 * warnings kept to a few lines (a million: tests/system/capture_warning_flood.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { fixture, readRows, type Row } from "../fixtures/formats/util.ts";
import { oldOrder, pcapOffsets, snap80, splice } from "../support/capture_build.ts";
import { checkBadRecords, checkOverrunningOptions } from "../support/warning_flood.ts";

/** Byte offsets and types of the pcapng blocks of a little-endian pcapng. */
function blocks(b: Uint8Array): Array<{ at: number; type: number; len: number }> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  for (let p = 0; p + 12 <= b.length; p += v.getUint32(p + 4, true)) {
    out.push({ at: p, type: v.getUint32(p, true), len: v.getUint32(p + 4, true) });
  }
  return out;
}

/** Rows without their frame numbers (which restart counting after a skipped record). */
function times(rows: Row[]): string[] {
  return rows.map((r) => `${r.time} ${r.caplen} ${r.src}>${r.dst} ${r.seq}`);
}

const PCAP = fixture("eth-usec.pcap");
const PCAPNG = fixture("eth-dumpcap.pcapng");

test("capture damage: a pcap record with an absurd length in the middle: the rest is read", async () => {
  const all = (await readRows(PCAP)).rows;
  const offs = pcapOffsets(PCAP);
  const k = Math.floor(offs.length / 2);
  const bad = PCAP.slice();
  new DataView(bad.buffer).setUint32(offs[k] + 8, 0x40000000, true);
  for (const maxRead of [Infinity, 1, 97]) {
    const { info, rows } = await readRows(bad, {
      maxRead,
      chunkSize: maxRead === 97 ? 256 : undefined,
    });
    assert.deepEqual(
      times(rows),
      times([...all.slice(0, k), ...all.slice(k + 1)]),
      `reads of ${maxRead}`,
    );
    assert.equal(info.damaged, true);
    assert.equal(info.truncated, false);
    assert.deepEqual(info.warnings, [
      `record ${k + 1} at byte ${
        offs[k]
      } is damaged: captured length 1073741824 (expected at most 262144, the snaplen is 262144)`,
      `skipped ${offs[k + 1] - offs[k]} damaged bytes from byte ${
        offs[k]
      }; reading resumes at the plausible record at byte ${offs[k + 1]}`,
    ]);
  }
});

test("capture damage: garbage inserted between pcap records is skipped, every record read", async () => {
  const all = (await readRows(PCAP)).rows;
  const offs = pcapOffsets(PCAP);
  const k = 10;
  const junk = new Uint8Array(101).map((_, i) => (i * 37 + 0x80) & 0xff);
  const { info, rows } = await readRows(splice(PCAP, offs[k], 0, junk));
  assert.deepEqual(times(rows), times(all));
  assert.equal(info.damaged, true);
  assert.match(
    info.warnings.join("\n"),
    new RegExp(`skipped 101 damaged bytes from byte ${offs[k]}`),
  );
});

test("capture damage: bytes lost inside a pcap record: the next whole records are found", async () => {
  const all = (await readRows(PCAP)).rows;
  const offs = pcapOffsets(PCAP);
  const k = 20;
  const { info, rows } = await readRows(splice(PCAP, offs[k] + 30, 17));
  assert.equal(info.damaged, true);
  // Everything before record k; record k itself (its header is intact, its bytes
  // run into the next record, which is lost); then, after a skip, the rest.
  const got = times(rows);
  const want = times(all);
  assert.deepEqual(got.slice(0, k), want.slice(0, k));
  assert.equal(rows[k].time, all[k].time);
  const tail = got.slice(k + 1);
  assert.ok(tail.length >= all.length - k - 3, `${tail.length} records after the damage`);
  assert.deepEqual(tail, want.slice(want.length - tail.length));
  assert.match(info.warnings[1], /^skipped \d+ damaged bytes from byte \d+; reading resumes/);
});

test("capture damage: garbage to the end of a pcap keeps the records before it, not truncated", async () => {
  const all = (await readRows(PCAP)).rows;
  const offs = pcapOffsets(PCAP);
  const k = 30;
  const junk = new Uint8Array(5000).fill(0xee);
  const b = splice(PCAP, offs[k], PCAP.length - offs[k], junk);
  const { info, rows } = await readRows(b);
  assert.deepEqual(times(rows), times(all.slice(0, k)));
  assert.equal(info.damaged, true);
  assert.equal(info.truncated, false);
  assert.match(
    info.warnings.at(-1)!,
    new RegExp(
      `no plausible record after the damage at byte ${
        offs[k]
      }: the last 5000 bytes \\(to the end at byte ${b.length}\\) were skipped`,
    ),
  );
});

test("capture damage: frames before the damage reach the callback before reading ends", async () => {
  const offs = pcapOffsets(PCAP);
  const bad = PCAP.slice();
  new DataView(bad.buffer).setUint32(offs[5] + 8, 0xffffffff, true);
  const seen: number[] = [];
  const info = await readCapture(bytesSource(bad.subarray(0, offs[6])), (f) => seen.push(f.index));
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  assert.equal(info.damaged, true);
  assert.equal(info.packets, 5);
});

test("capture damage: a pcapng block with a broken length in the middle: the rest is read", async () => {
  const all = (await readRows(PCAPNG)).rows;
  const bl = blocks(PCAPNG);
  const epbs = bl.filter((b) => b.type === 6);
  const k = Math.floor(epbs.length / 2);
  const victim = epbs[k];
  const next = bl[bl.indexOf(victim) + 1];
  for (const value of [0x31, 0x7ffffff0, victim.len + 8]) {
    const bad = PCAPNG.slice();
    new DataView(bad.buffer).setUint32(victim.at + 4, value, true);
    const { info, rows } = await readRows(bad, { maxRead: 333 });
    assert.deepEqual(
      times(rows),
      times([...all.slice(0, k), ...all.slice(k + 1)]),
      `length ${value}`,
    );
    assert.equal(info.damaged, true);
    assert.equal(info.warnings.length, 2, info.warnings.join("\n"));
    assert.match(
      info.warnings[0],
      new RegExp(`block (of type 0x6 )?at byte ${victim.at} has length`),
    );
    assert.equal(
      info.warnings[1],
      `skipped ${
        next.at - victim.at
      } damaged bytes from byte ${victim.at}; reading resumes at the pcapng block at byte ${next.at}`,
    );
  }
});

test("capture damage: 13 garbage bytes between pcapng blocks are skipped, every packet read", async () => {
  const all = (await readRows(PCAPNG)).rows;
  const epb = blocks(PCAPNG).filter((b) => b.type === 6)[7];
  const { info, rows } = await readRows(splice(PCAPNG, epb.at, 0, new Uint8Array(13).fill(0x42)));
  assert.deepEqual(times(rows), times(all));
  assert.match(
    info.warnings.join("\n"),
    new RegExp(`skipped 13 damaged bytes from byte ${epb.at}`),
  );
});

test("capture pcap 2.2: caplen and len in the old order are swapped back, as libpcap does", async () => {
  const want = (await readRows(snap80())).rows;
  assert.ok(want.some((r) => r.caplen < r.len), "the fixture has records cut by the snaplen");
  const { info, rows } = await readRows(oldOrder(2, () => true));
  assert.deepEqual(rows, want);
  assert.deepEqual(info.warnings, []);
  // pcap 2.3: swapped back only where caplen > len (some writers used the old order).
  const mixed = await readRows(oldOrder(3, (i) => i % 2 === 0));
  assert.deepEqual(mixed.rows, want);
  // pcap 2.4: never swapped; a caplen above len is read as it is, with a warning.
  const v24 = snap80();
  const p3 = pcapOffsets(v24)[3];
  new DataView(v24.buffer).setUint32(p3 + 12, 50, true);
  const r24 = await readRows(v24);
  assert.equal(r24.rows.length, want.length);
  assert.deepEqual([r24.rows[3].caplen, r24.rows[3].len], [80, 50]);
  assert.deepEqual(r24.info.warnings, [
    `record 4 at byte ${p3} has captured length 80 above its on-the-wire length 50; read as it is`,
  ]);
});

test("capture pcap: timestamp fractions out of range keep the standard layout, carried with a warning", async () => {
  const want = (await readRows(PCAP)).rows;
  const offs = pcapOffsets(PCAP);
  const b = PCAP.slice();
  const v = new DataView(b.buffer);
  // The second record (and every fifth from the fifth) says 1.5 s in its
  // microseconds field: the first record is fine, so the layout probe meets the
  // out-of-range fraction on the second header (this picked the wrong layout).
  const bumped = offs.map((_, i) => i === 1 || i % 5 === 4);
  offs.forEach((p, i) => {
    if (bumped[i]) v.setUint32(p + 4, v.getUint32(p + 4, true) + 1_500_000, true);
  });
  const { info, rows } = await readRows(b);
  assert.equal(rows.length, want.length);
  const shifted = (r: Row, i: number) => {
    if (!bumped[i]) return r.time;
    const [s, ns] = r.time.split(".").map(Number);
    const t = ns + 500_000_000;
    return `${s + 1 + Math.floor(t / 1e9)}.${String(t % 1e9).padStart(9, "0")}`;
  };
  assert.deepEqual(rows.map((r) => r.time), want.map(shifted));
  assert.deepEqual(rows.map((r) => r.seq), want.map((r) => r.seq));
  const kinds = info.warningKinds.map((k) => [k.kind, k.count]);
  assert.deepEqual(kinds, [["ts-fraction", bumped.filter(Boolean).length]]);
  assert.match(
    info.warnings[0],
    new RegExp(
      `^record 2 at byte ${
        offs[1]
      } has a timestamp fraction of \\d+ microseconds \\(expected below 1000000\\); the whole seconds in it were carried over$`,
    ),
  );
  assert.equal(info.damaged, false);
});

test("capture warnings: 20,000 bad records make a few lines and exact counts (a million: tests/system)", async () => {
  await checkBadRecords(20_000);
});

test("capture damage: a length running past the end with records inside it is damage, not a cut", async () => {
  const all = (await readRows(PCAP)).rows;
  const offs = pcapOffsets(PCAP);
  const k = 40;
  const bad = PCAP.slice();
  new DataView(bad.buffer).setUint32(offs[k] + 8, 200_000, true);
  const r = await readRows(bad);
  assert.deepEqual(times(r.rows), times([...all.slice(0, k), ...all.slice(k + 1)]));
  assert.equal(r.info.truncated, false);
  assert.equal(r.info.damaged, true);
  assert.match(
    r.info.warnings[0],
    new RegExp(
      `^record ${k + 1} at byte ${
        offs[k]
      } is damaged: captured length 200000 runs past the end of the file`,
    ),
  );

  const ng = (await readRows(PCAPNG)).rows;
  const epb = blocks(PCAPNG).filter((b) => b.type === 6)[5];
  const badNg = PCAPNG.slice();
  new DataView(badNg.buffer).setUint32(epb.at + 4, 0x100000, true);
  const n = await readRows(badNg);
  assert.deepEqual(times(n.rows), times([...ng.slice(0, 5), ...ng.slice(6)]));
  assert.equal(n.info.truncated, false);
  assert.match(
    n.info.warnings[0],
    /has length 1048576, past the end of the file at byte \d+, and a plausible block follows inside it/,
  );
});

test("capture damage: a later pcapng section of version 2.0 is skipped whole, the others read", async () => {
  const b = fixture("two-sections.pcapng");
  const all = (await readRows(b)).rows;
  const v = new DataView(b.buffer, b.byteOffset);
  const shbs: number[] = [];
  for (let p = 0; p + 12 <= b.length; p += v.getUint32(p + 4, true)) {
    if (v.getUint32(p, true) === 0x0a0d0d0a) shbs.push(p);
  }
  assert.equal(shbs.length, 2);
  const bad = b.slice();
  new DataView(bad.buffer).setUint16(shbs[1] + 12, 2, true);
  const first = (await readRows(b.subarray(0, shbs[1]))).rows;
  assert.ok(first.length > 0 && first.length < all.length);
  const { info, rows } = await readRows(bad);
  assert.deepEqual(rows, first);
  assert.equal(info.damaged, true);
  assert.deepEqual(info.warnings, [
    `unsupported pcapng version 2.0 at byte ${
      shbs[1] + 12
    } (expected 1.x); the blocks of this section are skipped`,
  ]);
});

test("capture warnings: 20,000 pcapng interface blocks with overrunning options make six lines (a million: tests/system)", async () => {
  await checkOverrunningOptions(20_000);
});
