/**
 * A rotated capture set made by tcpdump itself (`tcpdump -r … -w ring -C 1`
 * rotates every 1,000,000 bytes, as a live `tcpdump -C 1` would) (-Z root: tcpdump
 * would otherwise drop to its own user and fail to write in the temporary folder): explain on
 * the files, given one by one or as their folder, reports the same
 * connections and verdicts as on the single capture they came from.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildPcap, type BuiltSegment } from "../support/explain_build.ts";
import { haveCommand, runCli, skipUnless, tempDir } from "../support/helpers.ts";

/** 120 connections that all stay open across the whole capture (about 3 MB). */
function longConnections(): Uint8Array {
  const segs: BuiltSegment[] = [];
  const N = 120, DATA = 20, LEN = 1200;
  for (let i = 0; i < N; i++) {
    const ports: [number, number] = [20000 + i, 9877];
    const t0 = i * 0.001, c = 1000 * i + 1, s = 5000;
    segs.push({ fromA: true, flags: "S", seq: c, t: t0, ports });
    segs.push({ fromA: false, flags: "SA", seq: s, ack: c + 1, t: t0 + 0.0001, ports });
    segs.push({ fromA: true, flags: "A", seq: c + 1, ack: s + 1, t: t0 + 0.0002, ports });
    for (let k = 0; k < DATA; k++) {
      const t = t0 + 0.2 + k * 0.1, seq = c + 1 + k * LEN;
      segs.push({ fromA: true, flags: "PA", seq, ack: s + 1, len: LEN, t, ports });
      segs.push({ fromA: false, flags: "A", seq: s + 1, ack: seq + LEN, t: t + 0.0001, ports });
    }
    const end = c + 1 + DATA * LEN, tEnd = t0 + 3;
    segs.push({ fromA: true, flags: "FA", seq: end, ack: s + 1, t: tEnd, ports });
    segs.push({ fromA: false, flags: "FA", seq: s + 1, ack: end + 1, t: tEnd + 0.0001, ports });
    segs.push({ fromA: true, flags: "A", seq: end + 1, ack: s + 2, t: tEnd + 0.0002, ports });
  }
  return buildPcap(segs.sort((a, b) => a.t - b.t));
}

function strip(doc: { connections: { segments: Record<string, unknown>[] }[] }) {
  return doc.connections.map((c) => ({
    ...c,
    segments: c.segments.map(({ file: _f, fileFrame: _ff, ...s }) => s),
  }));
}

test("capture set: tcpdump -C rotation -> the same connections and verdicts as one capture", {
  skip: skipUnless(haveCommand("tcpdump"), "tcpdump is not installed (Debian package tcpdump)"),
  timeout: 120_000,
}, () => {
  const tmp = tempDir();
  try {
    const whole = join(tmp.path, "whole.pcap");
    writeFileSync(whole, longConnections());
    const ring = join(tmp.path, "ring");
    mkdirSync(ring);
    const r = spawnSync("tcpdump", ["-Z", "root", "-r", whole, "-w", join(ring, "cap"), "-C", "1"]);
    assert.equal(r.status, 0, r.stderr?.toString());
    const parts = readdirSync(ring).sort((a, b) => a.length - b.length || a.localeCompare(b));
    assert.ok(parts.length >= 3, `tcpdump rotated into ${parts.length} files`);

    const one = runCli(["explain", whole, "--format", "json"], { timeoutMs: 60_000 });
    assert.equal(one.code, 0, one.stderr);
    const want = JSON.parse(one.stdout);
    assert.equal(want.connections.length, 120);
    assert.ok(want.connections.every((c: { scenario: string }) => c.scenario === "normal"));

    // The files given one by one (shuffled: the merge orders them by time) and as a folder.
    const shuffled = parts.map((p) => join(ring, p)).reverse();
    for (const args of [shuffled, [ring]]) {
      const set = runCli(["explain", ...args, "--format", "json"], { timeoutMs: 60_000 });
      assert.equal(set.code, 0, set.stderr);
      const got = JSON.parse(set.stdout);
      assert.equal(got.capture.files.length, parts.length);
      assert.equal(got.capture.frames, want.capture.frames);
      assert.deepEqual(strip(got), strip(want));
      const spans = new Set(got.connections[0].segments.map((s: { file: number }) => s.file));
      assert.ok(spans.size >= 2, "the first connection spans several files");
    }
    const text = runCli(["explain", ring, "--summary"], { timeoutMs: 60_000 });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`capture set of ${parts.length} files merged by time`));
    assert.match(text.stdout, /^120 connection\(s\)/m);
  } finally {
    tmp.cleanup();
  }
});

test("capture set: - together with files is a usage error", () => {
  const r = runCli(["explain", "-", "x.pcap"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Cannot read standard input \(-\) together with files/);
});
