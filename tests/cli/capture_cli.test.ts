/**
 * The capture layer's user-facing contract through the CLI (`tcpecho explain`):
 * a non-capture or corrupt file is one error line (plus a hint), exit 1, no
 * stack trace; a truncated one is analysed and flagged; .gz and stdin work.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { fixture, FORMATS } from "../fixtures/formats/util.ts";

test("capture cli: a file that is not a capture says so with its first bytes in hex, exit 1", {
  timeout: 300_000,
}, async () => {
  const tmp = tempDir();
  try {
    const path = join(tmp.path, "notes.txt");
    writeFileSync(path, "hello world, not a capture\n");
    const r = await cli(["explain", path]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split("\n");
    assert.match(lines[0], /^tcpecho: Cannot read capture: not a pcap or pcapng file/);
    assert.match(lines[0], /68 65 6c 6c 6f 20 77 6f 72 6c 64/);
    assert.ok(lines.length <= 2, r.stderr);
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, "no stack trace");
  } finally {
    tmp.cleanup();
  }
});

test("capture cli: corrupt data names the offset and what was expected, exit 1", {
  timeout: 300_000,
}, async () => {
  const tmp = tempDir();
  try {
    const b = fixture("eth-dumpcap.pcapng");
    const shbLen = new DataView(b.buffer).getUint32(4, true);
    new DataView(b.buffer).setUint32(shbLen + 4, 0x31, true);
    const path = join(tmp.path, "bad.pcapng");
    writeFileSync(path, b);
    const r = await cli(["explain", path]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`at byte ${shbLen} has length 49 \\(expected a multiple of 4`),
    );
  } finally {
    tmp.cleanup();
  }
});

test("capture cli: a truncated capture is analysed, JSON says truncated with the byte offset", {
  timeout: 300_000,
}, async () => {
  const tmp = tempDir();
  try {
    const path = join(tmp.path, "cut.pcap");
    writeFileSync(path, fixture("eth-usec.pcap").subarray(0, 5000));
    const r = await cli(["explain", path, "--format", "json"]);
    // Everything before the cut is reported; exit 1 says the capture was not whole.
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.capture.truncated, true);
    assert.match(out.capture.warnings.join(" "), /capture ends inside a record at byte \d+/);
    assert.ok(out.capture.frames > 10);
  } finally {
    tmp.cleanup();
  }
});

test("capture cli: gzip-compressed and stdin captures read like the plain file", {
  timeout: 300_000,
}, async () => {
  const plain = JSON.parse(
    (await cli(["explain", join(FORMATS, "eth-usec.pcap"), "--format", "json"])).stdout,
  );
  const gz = JSON.parse(
    (await cli(["explain", join(FORMATS, "eth-usec.pcap.gz"), "--format", "json"])).stdout,
  );
  const stdin = await cli(["explain", "-", "--format", "json"], {
    input: fixture("eth-dumpcap.pcapng"),
  });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal(gz.capture.frames, plain.capture.frames);
  assert.deepEqual(gz.connections, plain.connections);
  assert.equal(JSON.parse(stdin.stdout).capture.format, "pcapng");
  const gzStdin = await cli(["explain", "-", "--format", "json"], {
    input: fixture("eth-usec.pcap.gz"),
  });
  assert.deepEqual(JSON.parse(gzStdin.stdout).connections, plain.connections);
});

test(
  "capture cli: a record damaged in the middle keeps every connection, with warnings naming the offset",
  {
    timeout: 300_000,
  },
  async () => {
    const tmp = tempDir();
    try {
      const good = join(FORMATS, "eth-usec.pcap");
      const b = fixture("eth-usec.pcap");
      const v = new DataView(b.buffer);
      let p = 24;
      for (let i = 0; i < 25; i++) p += 16 + v.getUint32(p + 8, true);
      v.setUint32(p + 8, 0x40000000, true); // record 26: an absurd captured length
      const path = join(tmp.path, "damaged.pcap");
      writeFileSync(path, b);
      const want = await cli(["explain", good, "--format", "ndjson"]);
      const r = await cli(["explain", path, "--format", "ndjson"]);
      const ids = (s: string) => s.trim().split("\n").map((l) => JSON.parse(l).id);
      assert.deepEqual(ids(r.stdout), ids(want.stdout));
      assert.match(r.stderr, new RegExp(`tcpecho: warning: record 26 at byte ${p} is damaged`));
      assert.match(
        r.stderr,
        /tcpecho: warning: skipped \d+ damaged bytes from byte \d+; reading resumes/,
      );
      assert.doesNotMatch(r.stderr, /Cannot read capture/);
      // Everything readable is reported; exit 1 says the capture was damaged.
      assert.equal(r.code, 1, r.stderr);
      assert.equal(want.code, 0, want.stderr);
    } finally {
      tmp.cleanup();
    }
  },
);
