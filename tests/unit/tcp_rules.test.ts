/**
 * One small table-driven case per analysis rule of lib/tcp/analysis.ts (the
 * rule order written at its top), named by state and event as smoltcp names
 * its tests: "<state>/<event> -> <label>". Each case is a handshake (client
 * ISN 1000, server ISN 5000, RTT 2 ms) followed by the segments that make the
 * rule fire; the label is checked on the last segment, and the labels that
 * must NOT be there too.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPcap, type BuiltSegment } from "../support/explain_build.ts";
import { explainBytes } from "../support/explain_run.ts";

const C = 1000, S = 5000;
/** Client sequence number `x` bytes after the ISN + 1; likewise for the server. */
const c = (x: number) => C + 1 + x, s = (x: number) => S + 1 + x;

function handshake(win = 1000): BuiltSegment[] {
  return [
    { fromA: true, flags: "S", seq: C, t: 0, win },
    { fromA: false, flags: "SA", seq: S, ack: C + 1, t: 0.001, win },
    { fromA: true, flags: "A", seq: c(0), ack: s(0), t: 0.002, win },
  ];
}

/** Client data of `len` bytes at offset `at`, at time t. */
const data = (at: number, len: number, t: number): BuiltSegment => ({
  fromA: true,
  flags: "PA",
  seq: c(at),
  ack: s(0),
  len,
  t,
});
/** The server acknowledges client offset `upto` with window `win`. */
const ack = (upto: number, t: number, win = 1000): BuiltSegment => ({
  fromA: false,
  flags: "A",
  seq: s(0),
  ack: c(upto),
  t,
  win,
});

interface Case {
  name: string;
  segs: BuiltSegment[];
  want: string;
  not?: string[];
}

const CASES: Case[] = [
  {
    name: "peer window 0/1 byte at nextseq -> window-probe",
    segs: [data(0, 10, 0.01), ack(10, 0.011, 0), data(10, 1, 0.5)],
    want: "window-probe",
    not: ["retransmission"],
  },
  {
    name: "established/ACK advertising window 0 -> zero-window",
    segs: [data(0, 10, 0.01), ack(10, 0.011, 0)],
    want: "zero-window",
  },
  {
    name: "established/data beyond nextseq -> lost-segment",
    segs: [data(0, 10, 0.01), data(20, 10, 0.02)],
    want: "lost-segment",
  },
  {
    name: "idle/0 bytes at nextseq - 1 -> keepalive",
    segs: [data(0, 10, 0.01), ack(10, 0.011), { ...data(9, 0, 2), flags: "A" }],
    want: "keepalive",
    not: ["retransmission", "dup-ack"],
  },
  {
    name: "idle/1 garbage byte at nextseq - 1 -> keepalive, never a retransmission",
    segs: [data(0, 10, 0.01), ack(10, 0.011), data(9, 1, 2)],
    want: "keepalive",
    not: ["retransmission", "spurious-retransmission"],
  },
  {
    name: "established/same ack, new non-zero window -> window-update",
    segs: [data(0, 10, 0.01), ack(10, 0.011, 1000), ack(10, 0.05, 2000)],
    want: "window-update",
    not: ["dup-ack"],
  },
  {
    name: "keepalive seen/ACK with the same ack and window -> keepalive-ack",
    segs: [
      data(0, 10, 0.01),
      ack(10, 0.011),
      { ...data(9, 0, 2), flags: "A" },
      ack(10, 2.001),
    ],
    want: "keepalive-ack",
    not: ["dup-ack"],
  },
  {
    name: "established/second identical ACK -> dup-ack",
    segs: [data(0, 10, 0.01), ack(10, 0.011), data(20, 10, 0.02), ack(10, 0.021)],
    want: "dup-ack",
  },
  {
    name: "gap in the peer's data/an ACK past it -> ack-unseen",
    segs: [data(0, 10, 0.01), data(20, 10, 0.02), ack(30, 0.03)],
    want: "ack-unseen",
  },
  {
    name: "ack-unseen reported, peer silent/a further ACK past its data -> no ack-unseen again",
    segs: [data(0, 10, 0.01), ack(20, 0.02), ack(30, 0.03)],
    want: "ack",
    not: ["ack-unseen"],
  },
  {
    name: "acknowledged/the same bytes again -> spurious-retransmission",
    segs: [data(0, 10, 0.01), ack(10, 0.011), data(0, 10, 0.5)],
    want: "spurious-retransmission",
  },
  {
    name: "two dup ACKs for seq X/X sent again within 20 ms -> fast-retransmission",
    segs: [
      data(0, 10, 0.01),
      data(10, 10, 0.011),
      data(20, 10, 0.012),
      ack(10, 0.013),
      ack(10, 0.014),
      ack(10, 0.015),
      data(10, 10, 0.016),
    ],
    want: "fast-retransmission",
    not: ["out-of-order"],
  },
  {
    name: "nextseq advanced < RTT ago/an earlier segment arrives -> out-of-order",
    segs: [data(10, 10, 0.01), data(0, 10, 0.0105)],
    want: "out-of-order",
    not: ["retransmission"],
  },
  {
    name: "unacknowledged/the same bytes after a timeout -> retransmission",
    segs: [data(0, 10, 0.01), data(0, 10, 0.3)],
    want: "retransmission",
    not: ["out-of-order", "fast-retransmission"],
  },
];

for (const k of CASES) {
  test(`tcp rule: ${k.name}`, async () => {
    const segs = [...handshake(), ...k.segs];
    const [conn] = await explainBytes(buildPcap(segs));
    const last = conn.segments[conn.segments.length - 1];
    assert.equal(last.frame, segs.length);
    assert.ok(last.labels.includes(k.want), `frame ${last.frame}: ${last.labels.join(",")}`);
    for (const no of k.not ?? []) {
      assert.ok(!last.labels.includes(no), `frame ${last.frame} must not be ${no}`);
    }
  });
}
