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
  fixture,
  fixtureNames,
  FORMATS,
  NO_TSHARK,
  readRows,
  type Row,
  tsharkRows,
} from "./fixtures/formats/util.ts";

/** Compares one of our rows with tshark's; returns the differences. */
export function diffRow(ours: Row, t: Record<string, string>): string[] {
  const d: string[] = [];
  const eq = (what: string, a: unknown, b: unknown) => {
    if (String(a) !== String(b)) d.push(`frame ${ours.frame} ${what}: ours ${a}, tshark ${b}`);
  };
  eq("number", ours.frame, t["frame.number"]);
  eq("time", ours.time, t["frame.time_epoch"]);
  eq("cap_len", ours.caplen, t["frame.cap_len"]);
  eq("len", ours.len, t["frame.len"]);
  const tsrc = t["ip.src"] || t["ipv6.src"];
  const tdst = t["ip.dst"] || t["ipv6.dst"];
  if (ours.src !== "" || tsrc !== "") {
    eq("src", ours.src, tsrc);
    eq("dst", ours.dst, tdst);
  }
  if (t["tcp.srcport"] === "") {
    if (ours.kind === "tcp") d.push(`frame ${ours.frame}: ours tcp, tshark sees no TCP`);
    return d;
  }
  if (ours.kind === "icmp-unreachable") {
    eq("quoted srcport", ours.quotedSrcPort, t["tcp.srcport"]);
    eq("quoted dstport", ours.quotedDstPort, t["tcp.dstport"]);
    eq("quoted seq", ours.quotedSeq, t["tcp.seq"]);
    return d;
  }
  if (ours.kind !== "tcp") {
    d.push(`frame ${ours.frame}: tshark sees TCP, ours is ${ours.kind} ${ours.error}`);
    return d;
  }
  eq("srcport", ours.srcPort, t["tcp.srcport"]);
  eq("dstport", ours.dstPort, t["tcp.dstport"]);
  eq("seq", ours.seq, t["tcp.seq"]);
  if (t["tcp.ack"] !== "") eq("ack", ours.ack, t["tcp.ack"]);
  eq("flags", ours.flags, parseInt(t["tcp.flags"], 16) & 0x1ff);
  eq("len", ours.tcpLen, t["tcp.len"]);
  eq("window", ours.window, t["tcp.window_size_value"]);
  return d;
}

for (const name of fixtureNames()) {
  test(`capture vs tshark: ${name} reads with the same frames and TCP fields`, {
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
