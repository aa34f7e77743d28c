/**
 * Damaged and old captures against tshark: a pcap 2.2 file with caplen and len
 * in the old order reads as tshark reads it (Wireshark swaps them back as
 * libpcap does), and a pcap damaged in the middle delivers exactly the frames
 * tshark shows before the damage, then more after it (tshark stops there).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { diffRow, fixture, NO_TSHARK, readRows, tsharkRows } from "../fixtures/formats/util.ts";
import { oldOrder, pcapOffsets } from "../support/capture_build.ts";
import { tempDir } from "../support/helpers.ts";

test("capture vs tshark: pcap 2.2 with lengths in the old order", {
  timeout: 300_000,
  skip: NO_TSHARK || false,
}, async () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "v22-old-order.pcap");
    const bytes = oldOrder(2, () => true);
    writeFileSync(file, bytes);
    const { info, rows } = await readRows(bytes);
    const theirs = tsharkRows(file);
    assert.equal(rows.length, theirs.length);
    assert.ok(rows.some((r) => r.caplen < r.len));
    assert.deepEqual(rows.flatMap((r) => diffRow(r, theirs[r.frame - 1])).slice(0, 10), []);
    assert.deepEqual(info.warnings, []);
  } finally {
    dir.cleanup();
  }
});

test("capture vs tshark: a pcap damaged in the middle keeps tshark's frames before the damage", {
  timeout: 300_000,
  skip: NO_TSHARK || false,
}, async () => {
  const dir = tempDir();
  try {
    const b = fixture("eth-usec.pcap").slice();
    const offs = pcapOffsets(b);
    const k = 25;
    new DataView(b.buffer).setUint32(offs[k] + 8, 0x00ffffff, true);
    const file = join(dir.path, "damaged.pcap");
    writeFileSync(file, b);
    // tshark shows the frames before the damaged record, then fails (exit status 2).
    const t = spawnSync("tshark", ["-n", "-r", file, "-T", "fields", "-e", "frame.time_epoch"], {
      encoding: "utf8",
      timeout: 180_000,
    });
    assert.match(t.stderr, /bigger than maximum|appears to be damaged|corrupt/i);
    const theirs = t.stdout.split("\n").filter((l) => l !== "");
    assert.equal(theirs.length, k);
    const { info, rows } = await readRows(b);
    assert.deepEqual(rows.slice(0, k).map((r) => r.time), theirs);
    assert.equal(rows.length, offs.length - 1);
    assert.equal(info.damaged, true);
  } finally {
    dir.cleanup();
  }
});
