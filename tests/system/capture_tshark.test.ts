/**
 * Differential: every format fixture read by readCapture + decodeFrame must
 * agree with tshark on frame count, timestamps, lengths, addresses and, per
 * TCP frame, ports, seq, ack, flags, payload length and window (also for the
 * TCP header quoted inside ICMP unreachables).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  diffRow,
  fixture,
  fixtureNames,
  FORMATS,
  NO_TSHARK,
  readRows,
  tsharkRows,
} from "../fixtures/formats/util.ts";

for (const name of fixtureNames()) {
  test(`capture vs tshark: ${name} reads with the same frames and TCP fields`, {
    timeout: 300_000,
    skip: NO_TSHARK || false,
  }, async () => {
    const { info, rows } = await readRows(fixture(name));
    const theirs = tsharkRows(join(FORMATS, name));
    assert.equal(info.truncated, false);
    assert.equal(info.frames, theirs.length, "frame count");
    assert.equal(rows.length, info.packets);
    // Frames tshark numbers that we do not deliver are pcapng custom blocks (no timestamp).
    const ours = new Set(rows.map((r) => r.frame));
    const others = theirs.filter((t) => !ours.has(Number(t["frame.number"])));
    assert.deepEqual(others.map((t) => t["frame.time_epoch"]), others.map(() => ""));
    const diffs = rows.flatMap((r) => diffRow(r, theirs[r.frame - 1]));
    assert.deepEqual(diffs.slice(0, 10), []);
    assert.ok(rows.some((r) => r.kind === "tcp"), "the fixture holds TCP");
  });
}
