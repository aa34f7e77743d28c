import { test } from "node:test";
import assert from "node:assert/strict";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { addrString, decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import type { TcpConn } from "../../lib/tcp/conn.ts";
import { labelNames } from "../../lib/tcp/labels.ts";
import { TcpTracker, type TrackerOptions } from "../../lib/tcp/tracker.ts";
import { buildPcap, type BuiltSegment } from "../support/explain_build.ts";

/** Runs the tracker over hand-built segments; every frame's fate is returned. */
async function track(segs: BuiltSegment[], opts: Partial<TrackerOptions> = {}) {
  const conns: TcpConn[] = [];
  const tr = new TcpTracker({
    keepDetail: true,
    onEnd: (c) => conns.push(c),
    addrString: (b, o, v) => addrString(b, o, v),
    ...opts,
  });
  const pkt = newPacket();
  await readCapture(bytesSource(buildPcap(segs)), (f) => tr.push(decodeFrame(f, pkt)));
  tr.finish();
  conns.sort((a, b) => a.id - b.id);
  const assigned = conns.reduce((n, c) => n + (c.segments?.length ?? 0), 0);
  assert.equal(assigned + tr.unassignedTotal, segs.length, "every frame assigned or counted");
  return { conns, tr };
}

function labelsOf(c: TcpConn): string[][] {
  return (c.segments ?? []).map((s) => labelNames(s.labels));
}

/** SYN, SYN,ACK, ACK, data both ways, FIN/FIN/ACK from t0 with the given ISNs. */
function session(ci: number, si: number, t0: number): BuiltSegment[] {
  const c = (x: number) => (ci + x) >>> 0, s = (x: number) => (si + x) >>> 0;
  return [
    { fromA: true, flags: "S", seq: ci, t: t0 },
    { fromA: false, flags: "SA", seq: si, ack: c(1), t: t0 + 0.01 },
    { fromA: true, flags: "A", seq: c(1), ack: s(1), t: t0 + 0.02 },
    { fromA: true, flags: "PA", seq: c(1), ack: s(1), len: 10, t: t0 + 0.03 },
    { fromA: false, flags: "PA", seq: s(1), ack: c(11), len: 10, t: t0 + 0.04 },
    { fromA: true, flags: "FA", seq: c(11), ack: s(11), t: t0 + 0.05 },
    { fromA: false, flags: "FA", seq: s(11), ack: c(12), t: t0 + 0.06 },
    { fromA: true, flags: "A", seq: c(12), ack: s(12), t: t0 + 0.07 },
  ];
}

test("tcp epochs: SYN, RST, SYN again with the SAME ISN (Windows retry) -> refused attempt, then a full session linked to it", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 5000, t: 0 },
    { fromA: false, flags: "RA", seq: 0, ack: 5001, t: 0.001 },
    ...session(5000, 9000, 0.5),
  ];
  const { conns, tr } = await track(segs);
  assert.equal(tr.unassignedTotal, 0);
  assert.deepEqual(conns.map((c) => [c.id, c.epoch, c.retryOf, c.endReason]), [
    [1, 1, 0, "reset"],
    [2, 2, 1, "closed"],
  ]);
  assert.equal(conns[1].segments?.length, 8);
  assert.ok(!labelsOf(conns[1])[0].includes("retransmission"), "the retried SYN opens epoch 2");
  assert.ok(!labelsOf(conns[1])[0].includes("port-reused"), "same ISN: not a reuse");
});

test("tcp epochs: a new ISN after a closed connection -> new epoch, its SYN labelled port-reused", async () => {
  const { conns, tr } = await track([...session(1000, 2000, 0), ...session(70000, 80000, 1)]);
  assert.equal(tr.unassignedTotal, 0);
  assert.deepEqual(conns.map((c) => [c.epoch, c.retryOf, c.endReason]), [
    [1, 0, "closed"],
    [2, 0, "closed"],
  ]);
  assert.deepEqual(labelsOf(conns[1])[0], ["syn", "port-reused"]);
});

test("tcp epochs: late retransmitted FIN and ACK after the close -> counted as after-end, not lost", async () => {
  const segs = [
    ...session(1000, 2000, 0),
    { fromA: false, flags: "FA", seq: 2011, ack: 1012, t: 0.3 },
    { fromA: true, flags: "A", seq: 1012, ack: 2012, t: 0.31 },
  ];
  const { conns, tr } = await track(segs);
  assert.equal(conns.length, 1);
  assert.deepEqual(tr.unassigned, { "after-end": 2 });
  assert.equal(tr.unassignedTotal, 2);
});

test("tcp epochs: data beyond what an RST-ended connection had sent -> a new (midstream) connection, not late", async () => {
  const segs: BuiltSegment[] = [
    ...session(1000, 2000, 0).slice(0, 5),
    { fromA: true, flags: "R", seq: 1011, t: 0.1 },
    { fromA: false, flags: "PA", seq: 2011, ack: 1011, len: 50, t: 0.2 },
  ];
  const { conns, tr } = await track(segs);
  assert.equal(tr.unassignedTotal, 0);
  assert.deepEqual(conns.map((c) => [c.endReason, c.rolesGuessed, c.segments?.length]), [
    ["reset", false, 6],
    ["capture-end", true, 1],
  ]);
});

test("tcp epochs: retried SYN -> handshake RTT from the most recent SYN (retransmissions stay retransmissions)", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 100, t: 0 },
    { fromA: true, flags: "S", seq: 100, t: 1 },
    { fromA: false, flags: "SA", seq: 500, ack: 101, t: 1.01 },
    { fromA: true, flags: "A", seq: 101, ack: 501, t: 1.02 },
    { fromA: true, flags: "PA", seq: 101, ack: 501, len: 100, t: 1.03 },
    { fromA: true, flags: "PA", seq: 201, ack: 501, len: 100, t: 1.04 },
    // 0.1 s later (> the 20 ms RTT, < the 1.02 s a first-SYN RTT would give)
    { fromA: true, flags: "PA", seq: 101, ack: 501, len: 100, t: 1.14 },
  ];
  const { conns } = await track(segs);
  const c = conns[0];
  assert.ok(Math.abs(c.wsRtt - 0.02) < 1e-9, `wsRtt ${c.wsRtt}`);
  assert.ok(Math.abs(c.facts.rtt - 0.02) < 1e-9, `rtt ${c.facts.rtt}`);
  assert.deepEqual(labelsOf(c)[1], ["syn", "retransmission"]);
  assert.deepEqual(labelsOf(c)[6], ["data", "retransmission"]);
});

test("tcp epochs: a timestamp that runs backwards -> retransmission, not out-of-order (unsigned time)", async () => {
  const segs: BuiltSegment[] = [
    ...session(1000, 2000, 0).slice(0, 3),
    { fromA: true, flags: "PA", seq: 1001, ack: 2001, len: 100, t: 0.5 },
    { fromA: true, flags: "PA", seq: 1101, ack: 2001, len: 100, t: 0.6 },
    { fromA: true, flags: "PA", seq: 1001, ack: 2001, len: 100, t: 0.4 },
  ];
  const { conns } = await track(segs);
  assert.deepEqual(labelsOf(conns[0])[5], ["data", "retransmission"]);
});

test("tcp labels: window-full, window-probe/window-probe-ack, ack-unseen", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 0, t: 0, win: 1000 },
    { fromA: false, flags: "SA", seq: 0, ack: 1, t: 0.01, win: 300 },
    { fromA: true, flags: "A", seq: 1, ack: 1, t: 0.02 },
    // 300 bytes fill B's window (ack 1 + window 300)
    { fromA: true, flags: "PA", seq: 1, ack: 1, len: 300, t: 0.03 },
    { fromA: false, flags: "A", seq: 1, ack: 301, win: 0, t: 0.04 },
    { fromA: true, flags: "A", seq: 301, ack: 1, len: 1, t: 0.5 },
    { fromA: false, flags: "A", seq: 1, ack: 301, win: 0, t: 0.51 },
    // B acknowledges 700 bytes A never was seen to send
    { fromA: false, flags: "A", seq: 1, ack: 1001, win: 500, t: 0.9 },
  ];
  const { conns } = await track(segs);
  const l = labelsOf(conns[0]);
  assert.deepEqual(l[3], ["data", "window-full"]);
  assert.deepEqual(l[4], ["ack", "zero-window"]);
  assert.deepEqual(l[5], ["data", "window-probe"]);
  assert.deepEqual(l[6], ["ack", "zero-window", "window-probe-ack"]);
  assert.deepEqual(l[7], ["ack", "ack-unseen"]);
});

test("tcp labels: ack-unseen once per gap, and again only after the peer's own ACK changed (tshark 4.0)", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 0, t: 0 },
    { fromA: false, flags: "SA", seq: 0, ack: 1, t: 0.01 },
    { fromA: true, flags: "A", seq: 1, ack: 1, t: 0.02 },
    { fromA: true, flags: "PA", seq: 1, ack: 1, len: 10, t: 0.03 },
    // B acknowledges bytes of A that were not captured: reported once...
    { fromA: false, flags: "A", seq: 1, ack: 21, t: 0.04 },
    // ...not again while A has sent nothing new and kept its ACK
    { fromA: false, flags: "A", seq: 1, ack: 31, t: 0.05 },
    { fromA: false, flags: "PA", seq: 1, ack: 31, len: 5, t: 0.06 },
    // A acknowledges B's data (its ACK changes): B's next ACK past A's data is reported
    { fromA: true, flags: "A", seq: 11, ack: 6, t: 0.07 },
    { fromA: false, flags: "A", seq: 6, ack: 41, t: 0.08 },
    // A's data after a gap: the next ACK past it is a new gap, reported
    { fromA: true, flags: "PA", seq: 41, ack: 6, len: 10, t: 0.09 },
    { fromA: false, flags: "A", seq: 6, ack: 61, t: 0.1 },
  ];
  const { conns } = await track(segs);
  const unseen = labelsOf(conns[0]).flatMap((l, i) => l.includes("ack-unseen") ? [i + 1] : []);
  assert.deepEqual(unseen, [5, 9, 11]);
});

test("tcp labels: a segment past an RST (no SYN) opens a new connection whose analysis goes on from the ended one", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 0, t: 0 },
    { fromA: false, flags: "SA", seq: 0, ack: 1, t: 0.01 },
    { fromA: true, flags: "A", seq: 1, ack: 1, t: 0.02 },
    { fromA: true, flags: "PA", seq: 1, ack: 1, len: 10, t: 0.03 },
    { fromA: true, flags: "FA", seq: 11, ack: 1, t: 0.04 },
    { fromA: false, flags: "PA", seq: 1, ack: 11, len: 5, t: 0.05 },
    // A resets below its FIN's end (zeek's ipv6-violation.pcap and ssl.v3.pcap)
    { fromA: true, flags: "R", seq: 11, t: 0.06 },
    // B's FIN lies past what B had sent: a new connection, which A resets again
    { fromA: false, flags: "FA", seq: 6, ack: 11, t: 0.07 },
    { fromA: true, flags: "R", seq: 11, t: 0.08 },
    // B's ACK of A's FIN (a late packet): A's FIN was seen, nothing is unseen
    { fromA: false, flags: "A", seq: 7, ack: 12, t: 0.09 },
  ];
  const late: string[][] = [];
  const { conns } = await track(segs, { onLate: (_f, m) => late.push(labelNames(m)) });
  assert.equal(conns.length, 2);
  assert.deepEqual(labelsOf(conns[1]), [["fin"], ["rst"]]);
  assert.deepEqual(late, [["ack"]]);
});

test("tcp expiry: a half-open connection idle past the limit ends expired, on capture time", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 1, t: 0, ports: [40001, 80] },
    { fromA: true, flags: "S", seq: 1, t: 1, ports: [40001, 80] },
    ...session(1000, 2000, 100),
  ];
  const { conns, tr } = await track(segs, { halfOpenTimeout: 75 });
  assert.deepEqual(conns.map((c) => [c.endReason, c.expired, c.expiredBy]), [
    ["expired", true, "half-open"],
    ["closed", false, ""],
  ]);
  assert.deepEqual(tr.expired, { "half-open": 1, idle: 0, cap: 0 });
});

test("tcp expiry: timestamps that go back: the idle limits count on the latest capture time seen", async () => {
  const open = (port: number, t: number): BuiltSegment[] =>
    session(port * 10, 5, t).slice(0, 5)
      .map((s) => ({ ...s, ports: [port, 80] as [number, number] }));
  const { conns } = await track([
    ...open(40001, 0),
    // A packet stamped 1,000 s late (a stepped clock): 40001 has been idle that long.
    { fromA: true, flags: "S", seq: 1, t: 1000, ports: [40002, 80] },
    // Back to 5 s: a connection whose packets come 995 s "before" the latest time seen.
    ...open(40003, 5),
    // 10 s after the latest time: 40003 has been idle 10 s of the capture, not 1,005.
    { fromA: true, flags: "S", seq: 1, t: 1010, ports: [40002, 80] },
  ], { idleTimeout: 30, halfOpenTimeout: 75 });
  assert.deepEqual(conns.map((c) => [c.aPort, c.endReason, c.expiredBy]), [
    [40001, "expired", "idle"],
    [40002, "capture-end", ""],
    [40003, "capture-end", ""],
  ]);
});

test("tcp expiry: idle established connections expire after idleTimeout; the cap evicts the oldest idle", async () => {
  const open = (port: number, t: number): BuiltSegment[] =>
    session(port * 10, 5, t).slice(0, 5)
      .map((s) => ({ ...s, ports: [port, 80] as [number, number] }));
  const idle = await track([...open(40001, 0), ...open(40002, 10), ...open(40003, 50)], {
    idleTimeout: 30,
  });
  assert.deepEqual(idle.conns.map((c) => [c.aPort, c.endReason, c.expiredBy]), [
    [40001, "expired", "idle"],
    [40002, "expired", "idle"],
    [40003, "capture-end", ""],
  ]);
  const capped = await track([...open(40001, 0), ...open(40002, 1), ...open(40003, 2)], {
    maxOpen: 2,
  });
  assert.deepEqual(capped.conns.map((c) => [c.aPort, c.endReason, c.expiredBy]), [
    [40001, "expired", "cap"],
    [40002, "capture-end", ""],
    [40003, "capture-end", ""],
  ]);
  const halfCap = await track([
    { fromA: true, flags: "S", seq: 1, t: 0, ports: [1, 80] },
    { fromA: true, flags: "S", seq: 1, t: 1, ports: [2, 80] },
    { fromA: true, flags: "S", seq: 1, t: 2, ports: [3, 80] },
  ], { maxHalfOpen: 2 });
  assert.deepEqual(halfCap.conns.map((c) => [c.aPort, c.expiredBy]), [[1, "cap"], [2, ""], [
    3,
    "",
  ]]);
});
