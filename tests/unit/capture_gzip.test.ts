/**
 * gzip-compressed captures: several members, trailing garbage, a bad CRC or
 * size, header fields, DEFLATE data ending exactly at a feed boundary, and a
 * gzip bomb read in a child process with bounded peak memory. The frames must
 * be the same on Deno and Bun (the gzip framing is parsed by lib/capture/gzip.ts,
 * only the DEFLATE data goes through node:zlib).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants, crc32, deflateRawSync, gzipSync } from "node:zlib";
import { bytesSource, gunzipSource, loadGzip } from "../../lib/capture/mod.ts";
import { fixture, readRows } from "../fixtures/formats/util.ts";
import { EXEC, ROOT, RUNTIME, tempDir } from "../support/helpers.ts";

const PLAIN = fixture("eth-usec.pcap");

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

/** A gzip member of `data` with the given header flags and fields, built by hand. */
function member(
  data: Uint8Array,
  fields: { extra?: number; name?: string; comment?: string; hcrc?: boolean } = {},
) {
  let flg = 0;
  const extra: Uint8Array[] = [];
  if (fields.extra !== undefined) {
    flg |= 4;
    extra.push(
      new Uint8Array([fields.extra & 0xff, fields.extra >> 8]),
      new Uint8Array(fields.extra).fill(7),
    );
  }
  const enc = new TextEncoder();
  if (fields.name !== undefined) {
    flg |= 8;
    extra.push(enc.encode(fields.name), new Uint8Array([0]));
  }
  if (fields.comment !== undefined) {
    flg |= 16;
    extra.push(enc.encode(fields.comment), new Uint8Array([0]));
  }
  if (fields.hcrc) {
    flg |= 2;
    extra.push(new Uint8Array([0x12, 0x34])); // not checked (gzip -dc does not either)
  }
  return concat([
    new Uint8Array([0x1f, 0x8b, 8, flg, 0, 0, 0, 0, 0, 3]),
    ...extra,
    new Uint8Array(deflateRawSync(data)),
    u32le(crc32(data)),
    u32le(data.length),
  ]);
}

async function plainRows() {
  return (await readRows(PLAIN)).rows;
}

test("capture gzip: a file of three gzip members reads as the whole capture", async () => {
  const cuts = [0, 1000, 5000, PLAIN.length];
  const gz = concat(
    cuts.slice(1).map((c, i) => new Uint8Array(gzipSync(PLAIN.subarray(cuts[i], c)))),
  );
  const { info, rows } = await readRows(gz);
  assert.deepEqual(rows, await plainRows());
  assert.equal(info.gzip, true);
  assert.equal(info.truncated, false);
  assert.equal(info.damaged, false);
  assert.deepEqual(info.warnings, []);
});

test("capture gzip: members ending exactly where a feed ends (1, 3, 64-byte feeds)", async () => {
  const parts = [PLAIN.subarray(0, 777), PLAIN.subarray(777)];
  const gz = concat(parts.map((p) => new Uint8Array(gzipSync(p))));
  await loadGzip();
  for (const feed of [1, 3, 64]) {
    for (const maxRead of [1, 7, Infinity]) {
      const src = gunzipSource(new Uint8Array(0), bytesSource(gz, maxRead), feed);
      const out: Uint8Array[] = [];
      const b = new Uint8Array(500);
      for (let i = 0; i < 1_000_000; i++) {
        const n = await src.read(b);
        if (n === null) break;
        out.push(b.slice(0, n));
      }
      assert.deepEqual(concat(out), PLAIN, `feed ${feed}, reads of ${maxRead}`);
      assert.equal(src.members, 2);
      assert.equal(src.failure, "");
    }
  }
});

test("capture gzip: header fields (extra, name, comment, header CRC) are skipped", async () => {
  const gz = concat([
    member(PLAIN.subarray(0, 3000), { extra: 300, name: "x.pcap", comment: "hi", hcrc: true }),
    member(PLAIN.subarray(3000), { name: "" }),
  ]);
  const { info, rows } = await readRows(gz, { maxRead: 11 });
  assert.deepEqual(rows, await plainRows());
  assert.deepEqual(info.warnings, []);
});

test("capture gzip: trailing garbage keeps every record, with a warning", async () => {
  const gz = new Uint8Array(gzipSync(PLAIN));
  const garbage = new TextEncoder().encode("garbage after the gzip data\n");
  const { info, rows } = await readRows(concat([gz, garbage]));
  assert.deepEqual(rows, await plainRows());
  assert.equal(info.truncated, false);
  assert.equal(info.damaged, false);
  assert.deepEqual(info.warnings, [
    `trailing data after the gzip data at byte ${gz.length} ignored (as gzip -dc does)`,
  ]);
  // A single stray byte, and zero padding, are trailing data too.
  for (const tail of [new Uint8Array([0x1f]), new Uint8Array(512)]) {
    const r = await readRows(concat([gz, tail]));
    assert.deepEqual(r.rows, await plainRows());
    assert.deepEqual(r.info.warningKinds.map((k) => k.kind), ["gzip-trailing"]);
  }
});

test("capture gzip: a bad CRC or size keeps every record, warns and marks the capture damaged", async () => {
  const gz = new Uint8Array(gzipSync(PLAIN));
  for (const at of [gz.length - 8, gz.length - 1]) {
    const bad = gz.slice();
    bad[at] ^= 0x5a;
    const { info, rows } = await readRows(bad);
    assert.deepEqual(rows, await plainRows(), `byte ${at}`);
    assert.equal(info.damaged, true);
    assert.equal(info.truncated, false);
    assert.equal(info.warnings.length, 1);
    assert.match(
      info.warnings[0],
      /^gzip member 1 at byte 0 fails its check: CRC-32 [0-9a-f]{8} and size \d+ computed, its trailer says [0-9a-f]{8} and \d+; its data was kept$/,
    );
  }
});

test("capture gzip: a member cut inside its trailer delivers everything, flagged truncated", async () => {
  const gz = new Uint8Array(gzipSync(PLAIN));
  const { info, rows } = await readRows(gz.subarray(0, gz.length - 3));
  assert.deepEqual(rows, await plainRows());
  assert.equal(info.truncated, true);
  assert.ok(
    info.warnings.some((w) => /cut off in the trailer of member 1/.test(w)),
    info.warnings.join("; "),
  );
});

/** A pcap (snaplen 262144) of `records` records of 256 KiB of zeros, gzip'd by hand: ~1 KB per MiB. */
function bombPcap(records: number): Uint8Array {
  const payload = 256 * 1024;
  const head = new Uint8Array(24);
  const hv = new DataView(head.buffer);
  hv.setUint32(0, 0xa1b2c3d4, true);
  hv.setUint16(4, 2, true);
  hv.setUint16(6, 4, true);
  hv.setUint32(16, payload, true);
  hv.setUint32(20, 1, true);
  const chunk = new Uint8Array(4 * (16 + payload)); // four records, 1 MiB
  for (let i = 0; i < 4; i++) {
    const v = new DataView(chunk.buffer, i * (16 + payload));
    v.setUint32(0, 1_700_000_000, true);
    v.setUint32(8, payload, true);
    v.setUint32(12, payload, true);
  }
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  const headPiece = new Uint8Array(deflateRawSync(head, sync));
  const piece = new Uint8Array(deflateRawSync(chunk, sync));
  const n = records / 4;
  let crc = crc32(head);
  for (let i = 0; i < n; i++) crc = crc32(chunk, crc);
  return concat([
    new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
    headPiece,
    ...Array.from({ length: n }, () => piece),
    new Uint8Array([1, 0, 0, 0xff, 0xff]), // final empty stored block
    u32le(crc),
    u32le(24 + n * chunk.length),
  ]);
}

function readInChild(
  file: string,
): { packets: number; bytes: number; error: string; ms: number; peakMiB: number } {
  const child = join(ROOT, "tests", "support", "capture_memory_child.ts");
  const argv = RUNTIME === "deno" ? ["run", "-A", "--no-check", child, file] : [child, file];
  const r = spawnSync(EXEC, argv, { encoding: "utf8", timeout: 240_000 });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!);
}

test("capture gzip: a 1 GiB gzip bomb (about 1 MB) is read with peak RSS under 100 MB", {
  timeout: 300_000,
}, () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "bomb.pcap.gz");
    const gz = bombPcap(4096);
    writeFileSync(file, gz);
    const r = readInChild(file);
    console.log(
      `gzip bomb (${RUNTIME}): ${gz.length} bytes -> ${r.bytes} packet bytes, ${r.packets} records in ${r.ms} ms, peak RSS ${r.peakMiB} MiB`,
    );
    assert.equal(r.error, "");
    assert.equal(r.packets, 4096);
    assert.equal(r.bytes, 4096 * 256 * 1024);
    assert.ok(r.peakMiB < 100, `peak RSS ${r.peakMiB} MiB`);
  } finally {
    dir.cleanup();
  }
});

test("capture gzip: a gzip bomb that is not a capture stops after its first bytes", {
  timeout: 300_000,
}, () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "zeros.gz");
    const sync = { finishFlush: constants.Z_SYNC_FLUSH };
    const piece = new Uint8Array(deflateRawSync(new Uint8Array(1024 * 1024), sync));
    let crc = 0;
    const zeros = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 1024; i++) crc = crc32(zeros, crc);
    writeFileSync(
      file,
      concat([
        new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
        ...Array.from({ length: 1024 }, () => piece),
        new Uint8Array([1, 0, 0, 0xff, 0xff]),
        u32le(crc),
        u32le(2 ** 30),
      ]),
    );
    const r = readInChild(file);
    console.log(
      `gzip of 1 GiB of zeros (${RUNTIME}): ${r.error} (${r.ms} ms, peak RSS ${r.peakMiB} MiB)`,
    );
    assert.match(r.error, /not a pcap or pcapng file: the first bytes are 00 00 00 00/);
    assert.ok(r.peakMiB < 100, `peak RSS ${r.peakMiB} MiB`);
  } finally {
    dir.cleanup();
  }
});
