/**
 * Bad input: empty, not a capture, truncated at every byte, corrupt headers and
 * lengths, broken gzip. A truncated file keeps everything before the cut; damage
 * after the file header is warned about (naming the byte offset) and skipped;
 * a file with nothing readable is one ECAPTURE line naming the offset and what
 * was expected. (More damage cases: capture_damage.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { bytesSource, readCapture, streamSource } from "../../lib/capture/mod.ts";
import { TcpechoError } from "../../lib/errors.ts";
import { fixture, readRows } from "../fixtures/formats/util.ts";

/** Reads and returns the ECAPTURE error (fails if reading succeeds or throws anything else). */
async function captureFailure(bytes: Uint8Array): Promise<TcpechoError> {
  try {
    await readCapture(bytesSource(bytes), () => {});
  } catch (e) {
    assert.ok(e instanceof TcpechoError, `expected a TcpechoError, got ${e}`);
    assert.equal(e.code, "ECAPTURE");
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /^Cannot read capture: /);
    assert.ok(!e.message.includes("\n"), "one line");
    return e;
  }
  assert.fail("expected an ECAPTURE error");
}

function setU32(b: Uint8Array, off: number, v: number, le = true): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer).setUint32(off, v, le);
  return c;
}

test("capture errors: empty input says the input is empty", { timeout: 300_000 }, async () => {
  const e = await captureFailure(new Uint8Array(0));
  assert.match(e.message, /empty \(0 bytes\)/);
});

test("capture errors: a text file is not a capture, and the first bytes are shown in hex", {
  timeout: 300_000,
}, async () => {
  const e = await captureFailure(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  assert.match(e.message, /not a pcap or pcapng file/);
  assert.match(e.message, /47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a/);
  assert.match(e.message, /"GET \/ HTTP\/1\.1\.\."/);
  assert.ok(e.hint && /pcap/.test(e.hint));
});

test("capture errors: three bytes are not a capture", { timeout: 300_000 }, async () => {
  const e = await captureFailure(new Uint8Array([0xd4, 0xc3, 0xb2]));
  assert.match(e.message, /first bytes are d4 c3 b2/);
});

test("capture errors: a pcap cut inside its file header is an error naming the size", {
  timeout: 300_000,
}, async () => {
  const e = await captureFailure(fixture("rawip.pcap").subarray(0, 20));
  assert.match(e.message, /header is cut off.*byte 20.*24/);
});

test("capture errors: pcap truncated at every byte keeps every whole record before the cut", {
  timeout: 300_000,
}, async () => {
  const full = fixture("rawip.pcap");
  const all = (await readRows(full)).rows;
  const ends = new Set<number>([24]);
  let p = 24;
  for (const r of all) {
    p += 16 + r.caplen;
    ends.add(p);
  }
  for (let n = 24; n <= full.length; n++) {
    const { info, rows } = await readRows(full.subarray(0, n));
    assert.deepEqual(rows, all.slice(0, rows.length), `cut at ${n}`);
    assert.equal(info.truncated, !ends.has(n), `cut at ${n}`);
    assert.equal(rows.length, [...ends].filter((e) => e <= n).length - 1);
    if (info.truncated) {
      assert.match(info.warnings.at(-1)!, /capture ends inside a record at byte \d+/);
    }
  }
});

test("capture errors: pcapng truncated at every 7th byte delivers a prefix, flagged truncated", {
  timeout: 300_000,
}, async () => {
  const full = fixture("multi-if.pcapng");
  const all = (await readRows(full)).rows;
  const shbLen = new DataView(full.buffer).getUint32(4, true);
  await captureFailure(full.subarray(0, shbLen - 1));
  for (let n = shbLen; n < full.length; n += 7) {
    const { info, rows } = await readRows(full.subarray(0, n), { maxRead: 1000 });
    assert.deepEqual(rows, all.slice(0, rows.length), `cut at ${n}`);
    if (rows.length < all.length) assert.ok(info.truncated || info.packets === rows.length);
    if (info.truncated) assert.match(info.warnings.at(-1)!, /at byte \d+: \d+ of its \d+ bytes/);
  }
});

test("capture errors: an absurd pcap caplen names the record, its offset and the bound", {
  timeout: 300_000,
}, async () => {
  const b = fixture("rawip.pcap");
  const second = 24 + 16 + new DataView(b.buffer).getUint32(24 + 8, true);
  let delivered = 0;
  const bad = setU32(b, second + 8, 0x7fffffff);
  const info = await readCapture(bytesSource(bad), () => delivered++);
  assert.equal(info.damaged, true);
  assert.match(
    info.warnings[0],
    new RegExp(`record 2 at byte ${second} is damaged: captured length 2147483647`),
  );
  assert.match(info.warnings[0], /expected at most 262144/);
  assert.ok(delivered >= 1, "the record before the damaged one was delivered");
  // With the first record damaged, reading resumes at the second.
  const all = (await readRows(b)).rows;
  const first = await readRows(setU32(b, 24 + 8, 0x7fffffff));
  assert.deepEqual(first.rows.map((r) => r.time), all.slice(1).map((r) => r.time));
  assert.match(
    first.info.warnings[1],
    new RegExp(`resumes at the plausible record at byte ${second}`),
  );
  // With only damage after the header, nothing is readable: the damage is the error.
  const e = await captureFailure(setU32(b.subarray(0, second), 24 + 8, 0x7fffffff));
  assert.match(e.message, /record 1 at byte 24 is damaged: captured length 2147483647/);
});

test("capture errors: a caplen above the snaplen (but sane) is read with one warning", {
  timeout: 300_000,
}, async () => {
  const b = setU32(fixture("eth-usec.pcap"), 16, 60); // snaplen 60, records up to 1514
  const { info, rows } = await readRows(b);
  assert.equal(rows.length, (await readRows(fixture("eth-usec.pcap"))).rows.length);
  const above = rows.filter((r) => r.caplen > 60).length;
  assert.equal(info.warnings.length, 2);
  assert.match(info.warnings[0], /above the file's snaplen 60; read as it is/);
  assert.equal(info.warnings[1], `... and ${above - 1} more of this kind (snaplen)`);
  assert.deepEqual(info.warningKinds.map((k) => [k.kind, k.count]), [["snaplen", above]]);
  assert.equal(info.damaged, false);
});

test(
  "capture errors: pcap version 3.0 is refused with the offset",
  { timeout: 300_000 },
  async () => {
    const b = fixture("rawip.pcap").slice();
    b[4] = 3;
    const e = await captureFailure(b);
    assert.match(e.message, /unsupported pcap version 3\.4 at byte 4 \(expected 2\.x\)/);
  },
);

test("capture errors: a pcapng block length that is not a multiple of 4 is corrupt", {
  timeout: 300_000,
}, async () => {
  const b = fixture("eth-dumpcap.pcapng");
  const shbLen = new DataView(b.buffer).getUint32(4, true);
  const e = await captureFailure(setU32(b, shbLen + 4, 0x31));
  assert.match(
    e.message,
    new RegExp(`at byte ${shbLen} has length 49 \\(expected a multiple of 4`),
  );
});

test("capture errors: a pcapng block whose trailing length differs is corrupt", {
  timeout: 300_000,
}, async () => {
  const b = fixture("eth-dumpcap.pcapng");
  const shbLen = new DataView(b.buffer).getUint32(4, true);
  const e = await captureFailure(setU32(b, shbLen - 4, shbLen + 4));
  assert.match(e.message, /at byte 0 has length \d+ at its start but \d+ at its end/);
});

test("capture errors: a pcapng section with a bad byte-order magic is corrupt", {
  timeout: 300_000,
}, async () => {
  const e = await captureFailure(setU32(fixture("eth-dumpcap.pcapng"), 8, 0x12345678));
  assert.match(e.message, /byte-order magic 0x12345678 \(expected 1a2b3c4d/);
});

test("capture errors: a pcapng packet naming an undescribed interface is dropped", {
  timeout: 300_000,
}, async () => {
  const b = fixture("be.pcapng");
  const v = new DataView(b.buffer);
  // SHB, IDB, custom block, then the first EPB: its interface id is at +8 (big-endian section).
  let p = 0;
  for (let i = 0; i < 3; i++) p += v.getUint32(p + 4, false);
  assert.equal(v.getUint32(p, false), 6);
  const all = (await readRows(b)).rows;
  const { info, rows } = await readRows(setU32(b, p + 8, 5, false));
  assert.deepEqual(
    rows,
    all.filter((r) => r.frame !== all[0].frame).map((r) => ({
      ...r,
      frame: r.frame - 1,
    })),
  );
  assert.equal(info.damaged, true);
  assert.match(
    info.warnings[0],
    new RegExp(`at byte ${p} names interface 5 \\(expected below 1.*; block skipped`),
  );
});

test(
  "capture errors: a pcapng packet caplen beyond its block is dropped",
  { timeout: 300_000 },
  async () => {
    const b = fixture("be.pcapng");
    const v = new DataView(b.buffer);
    let p = 0;
    for (let i = 0; i < 3; i++) p += v.getUint32(p + 4, false);
    const all = (await readRows(b)).rows;
    const { info, rows } = await readRows(setU32(b, p + 20, 4000, false));
    assert.equal(rows.length, all.length - 1);
    assert.equal(info.damaged, true);
    assert.match(
      info.warnings[0],
      /captured length 4000 \(expected at most \d+, the room in the block\); block skipped/,
    );
  },
);

test("capture errors: a cut-off .gz delivers what was decompressed and says so", {
  timeout: 300_000,
}, async () => {
  const gz = fixture("eth-usec.pcap.gz");
  const { info, rows } = await readRows(gz.subarray(0, Math.floor(gz.length * 0.7)));
  assert.equal(info.gzip, true);
  assert.equal(info.truncated, true);
  const all = (await readRows(fixture("eth-usec.pcap"))).rows.length;
  assert.ok(rows.length > 0 && rows.length < all, `${rows.length} of ${all} rows`);
  assert.ok(info.warnings.some((w) => /gzip|inside a record/.test(w)), info.warnings.join("; "));
});

test("capture errors: gzip of a text file is not a capture (after decompression)", {
  timeout: 300_000,
}, async () => {
  const e = await captureFailure(new Uint8Array(gzipSync(new TextEncoder().encode("hello\n"))));
  assert.match(e.message, /not a pcap or pcapng file: the first bytes are 68 65 6c 6c 6f 0a/);
});

test("capture errors: corrupt gzip data is an ECAPTURE error", { timeout: 300_000 }, async () => {
  const e = await captureFailure(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]));
  assert.match(e.message, /gzip|empty/);
});

test("capture errors: an exception thrown by the callback propagates unchanged", {
  timeout: 300_000,
}, async () => {
  const boom = new Error("consumer failed");
  await assert.rejects(
    readCapture(bytesSource(fixture("rawip.pcap")), () => {
      throw boom;
    }),
    (e) => e === boom,
  );
});

test("capture sources: a ReadableStream source reads the same frames as bytes", {
  timeout: 300_000,
}, async () => {
  const bytes = fixture("two-sections.pcapng");
  const want = (await readRows(bytes)).rows.map((r) => r.time);
  const got: string[] = [];
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
  const info = await readCapture(streamSource(stream), (f) => {
    got.push(`${f.tsSec}.${String(f.tsNsec).padStart(9, "0")}`);
  });
  assert.deepEqual(got, want);
  assert.equal(info.format, "pcapng");
});

test("capture sources: gzip read equals the plain file, also with 1-byte reads", {
  timeout: 300_000,
}, async () => {
  const plain = (await readRows(fixture("eth-dumpcap.pcapng"))).rows;
  const gz = await readRows(fixture("eth-dumpcap.pcapng.gz"), { maxRead: 1 });
  assert.equal(gz.info.gzip, true);
  assert.deepEqual(gz.rows, plain);
});

test("capture sources: a tiny chunk size grows the buffer only as far as records need", {
  timeout: 300_000,
}, async () => {
  const plain = (await readRows(fixture("eth-usec.pcap"))).rows;
  const small = await readRows(fixture("eth-usec.pcap"), { chunkSize: 64, maxRead: 5 });
  assert.deepEqual(small.rows, plain);
});
