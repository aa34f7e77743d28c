/**
 * Time attribution and the slowness verdict on hand-made connections, one
 * per cause (lib/explain/timing.ts, lib/explain/slow.ts): the causes add up
 * to the duration, the stalls carry the right kind and frames, and the
 * sentence appears only when the time went somewhere worth saying.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPcap, type BuiltSegment } from "../support/explain_build.ts";
import { explainBytes } from "../support/explain_run.ts";
import type { ConnectionReport, TimingJson } from "../../lib/report/json.ts";

const W = 65535;
const C = 1000; // client ISN
const S = 5000; // server ISN

/** A segment: `c` from the client, `s` from the server; window 65535 unless given. */
function seg(
  from: "c" | "s",
  flags: string,
  t: number,
  seq: number,
  ack: number,
  len = 0,
  win = W,
): BuiltSegment {
  return { fromA: from === "c", flags, t, seq, ack, len, win };
}

function handshake(t0 = 0): BuiltSegment[] {
  return [
    seg("c", "S", t0, C, 0),
    seg("s", "SA", t0 + 0.0001, S, C + 1),
    seg("c", "A", t0 + 0.0002, C + 1, S + 1),
  ];
}

/** Client FIN, server FIN, last ACK, at t. */
function close(t: number, cSeq: number, sSeq: number): BuiltSegment[] {
  return [
    seg("c", "FA", t, cSeq, sSeq),
    seg("s", "FA", t + 0.0001, sSeq, cSeq + 1),
    seg("c", "A", t + 0.0002, cSeq + 1, sSeq + 1),
  ];
}

/** Where a run of {@link rounds} starts (time, client's and server's next seq), and ends. */
interface At {
  t: number;
  cs: number;
  ss: number;
}

/**
 * `n` rounds `dt` apart from `at` (by default the first data bytes at 0 s);
 * each advances the client's and server's seq by `cAdv`, `sAdv`. `at` is
 * moved to where the next round would start.
 */
function rounds(
  n: number,
  dt: number,
  cAdv: number,
  sAdv: number,
  make: (t: number, cs: number, ss: number) => BuiltSegment[],
  at: At = { t: 0, cs: C + 1, ss: S + 1 },
): BuiltSegment[] {
  const segs: BuiltSegment[] = [];
  for (let i = 0; i < n; i++) {
    segs.push(...make(at.t, at.cs, at.ss));
    at.cs += cAdv;
    at.ss += sAdv;
    at.t += dt;
  }
  return segs;
}

/** Write-write-read without TCP_NODELAY: the second write waits for the delayed ACK. */
function nagleRound(t: number, cs: number, ss: number): BuiltSegment[] {
  return [
    seg("c", "PA", t, cs, ss, 100), // first write
    seg("s", "A", t + 0.04, ss, cs + 100), // delayed ACK
    seg("c", "PA", t + 0.0401, cs + 100, ss, 100), // the held second write
    seg("s", "PA", t + 0.0403, ss, cs + 200, 100), // the answer
    seg("c", "A", t + 0.0404, cs + 200, ss + 100),
  ];
}

async function one(segs: BuiltSegment[]): Promise<ConnectionReport> {
  const conns = await explainBytes(buildPcap(segs));
  assert.equal(conns.length, 1);
  return conns[0];
}

function assertAddsUp(t: TimingJson): void {
  const sum = Object.values(t.seconds).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - t.duration) < 1e-5, `causes ${sum} vs duration ${t.duration}`);
}

test("timing: a clean transfer is all transfer and application time, no slowness sentence", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 1000),
    seg("s", "A", 0.0011, S + 1, C + 1001),
    seg("s", "PA", 0.0012, S + 1, C + 1001, 1000),
    seg("c", "A", 0.0013, C + 1001, S + 1001),
    ...close(0.002, C + 1001, S + 1001),
  ]);
  assert.equal(c.scenario, "normal");
  assertAddsUp(c.timing!);
  assert.equal(c.slow, null);
  assert.equal(c.timing!.seconds.loss, 0);
  assert.equal(c.timing!.client.bytes, 1000);
  assert.equal(c.timing!.server.goodBytes, 1000);
  assert.equal(c.timing!.client.retransmittedBytes, 0);
  assert.ok(c.timing!.rtt !== null && c.timing!.rtt.samples >= 2);
});

test("timing: two retransmission timeouts with backoff are loss, and the sentence names them with frames", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 1000), // frame 4, lost
    seg("c", "PA", 0.201, C + 1, S + 1, 1000), // frame 5: RTO
    seg("c", "PA", 0.601, C + 1, S + 1, 1000), // frame 6: RTO, backed off
    seg("s", "A", 0.6012, S + 1, C + 1001),
    ...close(0.61, C + 1001, S + 1),
  ]);
  const t = c.timing!;
  assertAddsUp(t);
  const rto = t.stalls.filter((s) => s.kind === "rto");
  assert.equal(rto.length, 2);
  assert.deepEqual(rto.map((s) => [s.firstFrame, s.lastFrame, s.backoff]), [[5, 6, 2], [4, 5, 1]]);
  // The two timeouts, and the recovery until the ACK (0.2 ms).
  assert.ok(Math.abs(t.seconds.loss - 0.6002) < 1e-6, JSON.stringify(t.seconds));
  assert.equal(t.largestStall?.kind, "rto");
  assert.equal(t.client.retransmittedBytes, 2000);
  assert.equal(t.client.goodBytes, 1000);
  assert.ok(Math.abs(t.client.lossRate - 2 / 3) < 1e-5);
  assert.equal(c.slow?.cause, "loss");
  assert.match(
    c.slow!.sentence,
    /^It ended normally, but 9\d% of its 0\.61 s went to 2 retransmission timeouts/,
  );
  assert.match(c.slow!.sentence, /0\.20 s at frames 4–5, 0\.40 s at frames 5–6/);
  // The retransmitted segment was acknowledged in the end: not a path-MTU black hole.
  assert.equal(t.seconds.pmtu, 0);
});

test("timing: a zero window with persist probes is receive-window time, the receiver stopped reading (§7.5)", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 1000),
    seg("s", "A", 0.0012, S + 1, C + 1001, 0, 0), // frame 5: window 0
    seg("c", "A", 0.2012, C + 1001, S + 1, 1), // window probe
    seg("s", "A", 0.2013, S + 1, C + 1001, 0, 0),
    seg("c", "A", 0.6013, C + 1001, S + 1, 1), // window probe
    seg("s", "A", 0.6014, S + 1, C + 1001, 0, 0),
    seg("s", "A", 1.0, S + 1, C + 1001), // frame 10: window update
    seg("c", "PA", 1.0001, C + 1001, S + 1, 1000),
    seg("s", "A", 1.0002, S + 1, C + 2001),
    ...close(1.001, C + 2001, S + 1),
  ]);
  const t = c.timing!;
  assertAddsUp(t);
  assert.ok(t.seconds["receive-window"] > 0.99, JSON.stringify(t.seconds));
  const z = t.largestStall!;
  assert.equal(z.cause, "receive-window");
  assert.equal(z.kind, "zero-window");
  assert.equal(z.side, "client");
  assert.deepEqual([z.firstFrame, z.lastFrame], [5, 10]);
  assert.equal(c.slow?.cause, "receive-window");
  assert.match(c.slow!.sentence, /server's zero receive window/);
  assert.match(c.slow!.sentence, /stopped reading/);
  assert.match(c.slow!.sentence, /§7\.5/);
});

test("timing: write-write-read without TCP_NODELAY waits for the delayed ACK each time: nagle (§7.9)", async () => {
  const at = { t: 0.001, cs: C + 1, ss: S + 1 };
  const segs = [...handshake(), ...rounds(5, 0.05, 200, 100, nagleRound, at)];
  segs.push(...close(at.t, at.cs, at.ss));
  const c = await one(segs);
  const tm = c.timing!;
  assertAddsUp(tm);
  assert.ok(Math.abs(tm.seconds.nagle - 0.2) < 1e-6, JSON.stringify(tm.seconds));
  assert.equal(c.slow?.cause, "nagle");
  assert.match(c.slow!.sentence, /5 small writes held by Nagle's algorithm/);
  assert.match(c.slow!.sentence, /TCP_NODELAY/);
});

test("timing: a cause whose stalls are all shorter than the kept ones is named without an empty frame list", async () => {
  // Only the connection's longest stalls are kept (TOP_STALLS): here ten, each longer than a
  // Nagle wait (a 60 ms server answer, then a 100 ms pause of the client, five times), while
  // thirty 40 ms Nagle waits add up to more. The sentence once read "(about 40 ms each, first ): ".
  const at = { t: 0.001, cs: C + 1, ss: S + 1 };
  const segs = [
    ...handshake(),
    ...rounds(5, 0.16, 100, 100, (t, cs, ss) => [
      seg("c", "PA", t, cs, ss, 100),
      seg("s", "PA", t + 0.06, ss, cs + 100, 100),
      seg("c", "A", t + 0.0601, cs + 100, ss + 100),
    ], at),
    ...rounds(30, 0.05, 200, 100, nagleRound, at),
  ];
  segs.push(...close(at.t, at.cs, at.ss));
  const c = await one(segs);
  assert.equal(c.slow?.cause, "nagle", JSON.stringify(c.timing?.seconds));
  assert.doesNotMatch(c.slow!.sentence, /first \)|\(\)/);
  assert.match(
    c.slow!.sentence,
    /30 small writes held by Nagle's algorithm until the peer's delayed ACK \(about 40 ms each\): write-write-read/,
  );
});

test("timing: the same exchange with TCP_NODELAY (both writes at once) has no nagle time", async () => {
  const at = { t: 0.001, cs: C + 1, ss: S + 1 };
  const segs = [
    ...handshake(),
    ...rounds(5, 0.05, 200, 100, (t, cs, ss) => [
      seg("c", "PA", t, cs, ss, 100),
      seg("c", "PA", t + 0.00001, cs + 100, ss, 100),
      seg("s", "PA", t + 0.0002, ss, cs + 200, 100),
      seg("c", "A", t + 0.0003, cs + 200, ss + 100),
    ], at),
  ];
  segs.push(...close(at.t, at.cs, at.ss));
  const c = await one(segs);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds.nagle, 0);
  assert.equal(c.slow, null);
});

test("timing: a server that thinks 2 s before answering: server application time, one sentence", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 100), // frame 4: request
    seg("s", "A", 0.041, S + 1, C + 101), // delayed ACK
    seg("s", "PA", 2.041, S + 1, C + 101, 100), // frame 6: the answer
    seg("c", "A", 2.0412, C + 101, S + 101),
    ...close(2.05, C + 101, S + 101),
  ]);
  const t = c.timing!;
  assertAddsUp(t);
  assert.equal(t.largestStall?.cause, "server-app");
  assert.equal(t.largestStall?.kind, "answer");
  assert.deepEqual([t.largestStall?.firstFrame, t.largestStall?.lastFrame], [4, 6]);
  assert.equal(t.seconds.nagle, 0);
  assert.equal(c.slow?.cause, "server-app");
  assert.match(
    c.slow!.sentence,
    /server's application, the times between the client's data and the server's next \(2\.0 s at frames 4–6\)/,
  );
});

test("timing: a client that idles between requests is not slowness", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 100),
    seg("s", "PA", 0.0012, S + 1, C + 101, 100),
    seg("c", "A", 0.0013, C + 101, S + 101),
    seg("c", "PA", 3.0, C + 101, S + 101, 100), // the client's user typed again
    seg("s", "PA", 3.0002, S + 101, C + 201, 100),
    seg("c", "A", 3.0003, C + 201, S + 201),
    ...close(3.001, C + 201, S + 201),
  ]);
  assertAddsUp(c.timing!);
  assert.ok(c.timing!.seconds["client-app"] > 2.9);
  assert.equal(c.timing!.largestStall?.cause, "client-app");
  assert.equal(c.slow, null);
});

test("timing: a dropped first SYN is handshake time, and a one-second stall is worth a sentence", async () => {
  const c = await one([
    seg("c", "S", 0, C, 0),
    seg("c", "S", 1.0, C, 0),
    seg("s", "SA", 1.0001, S, C + 1),
    seg("c", "A", 1.0002, C + 1, S + 1),
    seg("c", "PA", 1.001, C + 1, S + 1, 100),
    seg("s", "PA", 1.0012, S + 1, C + 101, 100),
    seg("c", "A", 1.0013, C + 101, S + 101),
    ...close(1.002, C + 101, S + 101),
  ]);
  const t = c.timing!;
  assertAddsUp(t);
  assert.equal(t.largestStall?.kind, "syn-retransmission");
  assert.deepEqual([t.largestStall?.firstFrame, t.largestStall?.lastFrame], [1, 2]);
  assert.equal(c.slow?.cause, "handshake");
  assert.match(c.slow!.sentence, /first SYN went unanswered \(1\.0 s at frames 1–2\)/);
});

test("timing: large segments retransmitted and never acknowledged while small ones pass: path-MTU black hole", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 100),
    seg("s", "A", 0.0012, S + 1, C + 101), // the small one passed
    seg("c", "A", 0.01, C + 101, S + 1, 1400), // frame 6, never arrives
    seg("c", "A", 0.21, C + 101, S + 1, 1400),
    seg("c", "A", 0.61, C + 101, S + 1, 1400),
    seg("c", "A", 1.41, C + 101, S + 1, 1400),
  ]);
  const t = c.timing!;
  assertAddsUp(t);
  assert.ok(Math.abs(t.seconds.pmtu - 1.4) < 1e-6, JSON.stringify(t.seconds));
  assert.equal(t.seconds.loss, 0);
  assert.equal(t.largestStall?.kind, "black-hole");
  assert.deepEqual([t.largestStall?.firstFrame, t.largestStall?.lastFrame], [8, 9]);
});

test("timing: only the handshake passed, then large segments time out: still a path-MTU black hole", async () => {
  // The lab's black hole: no data is ever acknowledged, but the SYN was.
  const c = await one([
    ...handshake(),
    seg("c", "A", 0.01, C + 1, S + 1, 1400), // frame 4, never arrives
    seg("c", "A", 0.21, C + 1, S + 1, 1400),
    seg("c", "A", 0.61, C + 1, S + 1, 1400),
    seg("c", "A", 1.41, C + 1, S + 1, 1400),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.largestStall?.kind, "black-hole");
  assert.ok(Math.abs(c.timing!.seconds.pmtu - 1.4) < 1e-6, JSON.stringify(c.timing!.seconds));
});

test("timing: a one-sided capture's timeouts are not a black hole: nothing shows what passed", async () => {
  // Only the server's direction, mid-connection (a peer that is gone, or a capture
  // filter): large segments retransmitted, and no ACK from the other side at all.
  const c = await one([
    seg("s", "A", 0, S + 1, C + 1, 1400),
    seg("s", "A", 0.001, S + 1401, C + 1, 1400),
    seg("s", "A", 0.2, S + 1, C + 1, 1400),
    seg("s", "A", 0.6, S + 1, C + 1, 1400),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds.pmtu, 0, JSON.stringify(c.timing!.seconds));
  assert.notEqual(c.timing!.largestStall?.kind, "black-hole");
  assert.notEqual(c.slow?.cause, "pmtu");
});

test("timing: full receive window (bytes in flight = advertised window) is receive-window time", async () => {
  const at = { t: 0.001, cs: C + 1, ss: S + 1 };
  const segs = [
    ...handshake(),
    ...rounds(4, 0.1001, 2000, 0, (t, cs, ss) => [
      seg("c", "PA", t, cs, ss, 1000),
      seg("c", "PA", t + 0.00001, cs + 1000, ss, 1000),
      // The receiver reads slowly: its ACK (and room for two more segments) comes 0.1 s later.
      seg("s", "A", t + 0.1, ss, cs + 2000, 0, 2000),
    ], at),
  ];
  segs.push(...close(at.t, at.cs, at.ss));
  // The first window the client sees is the handshake's 65535: the first round is plain transfer.
  const c = await one(segs.map((s, i) => i === 1 ? { ...s, win: 2000 } : s));
  assertAddsUp(c.timing!);
  assert.ok(c.timing!.seconds["receive-window"] > 0.39, JSON.stringify(c.timing!.seconds));
  assert.equal(c.timing!.largestStall?.kind, "full-window");
  assert.equal(c.slow?.cause, "receive-window");
  assert.match(c.slow!.sentence, /full receive window/);
});

// Rules the wild captures taught (docs/slow.md, "Wild captures read by hand").

test("timing: a segment captured twice within microseconds is no loss (psql-login-no-role)", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 70),
    seg("c", "PA", 0.001005, C + 1, S + 1, 70), // the same datagram again
    seg("s", "A", 0.036, S + 1, C + 71),
    seg("s", "PA", 0.037, S + 1, C + 71, 100),
    seg("c", "A", 0.0371, C + 71, S + 101),
    ...close(0.04, C + 71, S + 101),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds.loss, 0, JSON.stringify(c.timing!.seconds));
  assert.equal(c.slow, null);
});

test("timing: a FIN sent again after the capture saw it acknowledged is no loss (http-bad-request)", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 97),
    seg("s", "PA", 0.002, S + 1, C + 98, 179),
    seg("s", "FA", 0.0021, S + 180, C + 98),
    seg("c", "A", 0.0022, C + 98, S + 181), // acknowledges the server's FIN
    seg("c", "FA", 0.0023, C + 98, S + 181),
    seg("s", "FA", 0.3, S + 180, C + 98), // the FIN again: the ACK had not arrived yet
    seg("c", "A", 0.3001, C + 99, S + 181),
    seg("s", "A", 0.5, S + 181, C + 99),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds.loss, 0, JSON.stringify(c.timing!.seconds));
  assert.notEqual(c.slow?.cause, "loss");
});

test("timing: without a handshake a round trip is not the server answering late (get_nosyn, django-cloud)", async () => {
  // Mid-connection, the capture next to the client, a 69 ms path: each request is
  // acknowledged (or answered) one round trip later.
  const c = await one(rounds(6, 0.08, 100, 200, (t, cs, ss) => [
    seg("c", "PA", t, cs, ss, 100),
    seg("s", "PA", t + 0.069, ss, cs + 100, 200),
    seg("c", "A", t + 0.0691, cs + 100, ss + 200),
  ]));
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds["server-app"], 0, JSON.stringify(c.timing!.seconds));
  assert.equal(c.slow, null);
});

test("timing: without the SYNs the window scale is unknown: no full window (smb3, ldap)", async () => {
  // Raw windows of 257 while 1000 bytes are in flight: the window must be scaled.
  const c = await one(rounds(4, 0.3, 1000, 0, (t, cs, ss) => [
    seg("c", "PA", t, cs, ss, 1000, 257),
    seg("s", "A", t + 0.2, ss, cs + 1000, 0, 257),
  ]));
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds["receive-window"], 0, JSON.stringify(c.timing!.seconds));
});

test("timing: a SYN sent again although the server had answered: the handshake did not complete (206_example_a)", async () => {
  const c = await one([
    seg("c", "S", 0, C, 0),
    seg("s", "SA", 0.0004, S, C + 1), // frame 2: the answer, lost on its way
    seg("c", "S", 3.0, C, 0), // frame 3
    seg("s", "SA", 3.0004, S, C + 1),
    seg("c", "A", 3.0008, C + 1, S + 1),
    seg("c", "PA", 3.001, C + 1, S + 1, 100),
    seg("s", "PA", 3.0012, S + 1, C + 101, 100),
    seg("c", "A", 3.0013, C + 101, S + 101),
    ...close(3.002, C + 101, S + 101),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.largestStall?.kind, "syn-ack-lost");
  assert.equal(c.slow?.cause, "handshake");
  assert.match(c.slow!.sentence, /the server answered but the handshake did not complete/);
  assert.doesNotMatch(c.slow!.sentence, /first SYN went unanswered/);
});

test("timing: a one-sided capture's handshake ends with the data (ssh server-side half-duplex)", async () => {
  // Only the server's direction: SYN-ACK twice, then its banner and answers with pauses.
  const c = await one([
    seg("s", "SA", 0, S, C + 1),
    seg("s", "SA", 0.1, S, C + 1),
    seg("s", "PA", 0.11, S + 1, C + 1, 40),
    seg("s", "PA", 2.11, S + 41, C + 101, 100),
    seg("s", "PA", 4.6, S + 141, C + 201, 100),
  ]);
  assertAddsUp(c.timing!);
  assert.ok(c.timing!.seconds.handshake < 0.2, JSON.stringify(c.timing!.seconds));
  assert.notEqual(c.slow?.cause, "handshake");
  assert.notEqual(c.slow?.cause, "loss");
});

test("timing: a gap the capture missed segments in is not-captured, not the application (miss_end_data)", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 100),
    seg("s", "A", 0.006, S + 1, C + 101),
    // 10 s later the server's FIN, after 2902 bytes the capture never saw.
    seg("s", "FA", 10.006, S + 2903, C + 101),
    seg("c", "FA", 10.007, C + 101, S + 2904),
    seg("s", "A", 10.008, S + 2904, C + 102),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds["server-app"], 0, JSON.stringify(c.timing!.seconds));
  // Transfer time (not a stall), with the kind that says why.
  assert.ok(c.timing!.intervals.some((i) => i.kind === "not-captured" && i.seconds > 9.9));
  assert.equal(c.slow, null);
});

test("timing: the same SYN and request again with the same IPv4 ID are copies, not resends (vlan-collisions)", async () => {
  // The same exchange captured on two VLANs, the copies 50 ms later with the same IDs.
  const id = (x: BuiltSegment, n: number) => ({ ...x, ipId: n });
  const c = await one([
    id(seg("c", "S", 0, C, 0), 0x1111),
    id(seg("c", "S", 0.05, C, 0), 0x1111),
    id(seg("s", "SA", 0.07, S, C + 1), 0x2222),
    id(seg("c", "A", 0.0701, C + 1, S + 1), 0x1112),
    id(seg("c", "PA", 0.0702, C + 1, S + 1, 100), 0x1113),
    id(seg("c", "PA", 0.1202, C + 1, S + 1, 100), 0x1113),
    id(seg("s", "PA", 0.14, S + 1, C + 101, 100), 0x2223),
    id(seg("c", "A", 0.1401, C + 101, S + 101), 0x1114),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.stalls.filter((s) => s.kind === "syn-retransmission").length, 0);
  assert.equal(c.timing!.seconds.loss, 0, JSON.stringify(c.timing!.seconds));
  // With new IDs the same SYN 50 ms later is a resend.
  const r = await one([
    id(seg("c", "S", 0, C, 0), 0x1111),
    id(seg("c", "S", 0.05, C, 0), 0x1112),
    id(seg("s", "SA", 0.07, S, C + 1), 0x2222),
    id(seg("c", "A", 0.0701, C + 1, S + 1), 0x1113),
  ]);
  assert.equal(r.timing!.stalls.filter((s) => s.kind === "syn-retransmission").length, 1);
});

test("timing: a delayed ACK nothing answers is not the application, a FIN alone answers nothing (chrome-34-google, pptp)", async () => {
  const c = await one([
    ...handshake(),
    seg("c", "PA", 0.001, C + 1, S + 1, 36),
    seg("s", "A", 0.048, S + 1, C + 37), // frame 5: the delayed ACK, no data after it
    seg("c", "PA", 0.3, C + 37, S + 1, 100),
    seg("s", "PA", 0.3012, S + 1, C + 137, 100),
    seg("c", "A", 0.3013, C + 137, S + 101),
    seg("s", "FA", 1.3, S + 101, C + 137), // frame 9: the server closes 1 s later
    seg("c", "FA", 1.3001, C + 137, S + 102),
    seg("s", "A", 1.3002, S + 102, C + 138),
  ]);
  const t = c.timing!;
  assertAddsUp(t);
  // The FIN's second is the server's idle time, not an answer; the delayed ACK is transfer.
  const answers = t.stalls.filter((s) => s.kind === "answer");
  assert.deepEqual(answers, [], JSON.stringify(t.stalls));
  assert.ok(t.seconds.transfer > 0.046, JSON.stringify(t.seconds));
  assert.equal(c.slow, null);
});

test("timing: a late client ACK of the SYN-ACK does not make the round trip (pe.pcap)", async () => {
  const c = await one([
    seg("c", "S", 0, C, 0),
    seg("s", "SA", 0.00002, S, C + 1),
    seg("c", "A", 0.081, C + 1, S + 1), // 81 ms: the client's ACK was late
    seg("s", "PA", 0.082, S + 1, C + 1, 20), // banner
    seg("c", "A", 0.083, C + 1, S + 21), // ACKs come in 1 ms from now on
    seg("c", "PA", 0.1, C + 1, S + 21, 10),
    seg("s", "A", 0.1001, S + 21, C + 11),
    seg("s", "PA", 0.4, S + 21, C + 11, 20), // the answer 0.3 s later
    seg("c", "A", 0.401, C + 11, S + 41),
    ...close(0.41, C + 11, S + 41),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.slow?.cause, "server-app");
  assert.match(c.slow!.sentence, /while the round trip took \d\.\d ms/);
  assert.doesNotMatch(c.slow!.sentence, /81 ms/);
});

test("timing: behind a proxy that acknowledges at once, an answer one upstream round trip later is the path (whois)", async () => {
  const c = await one([
    seg("c", "S", 0, C, 0),
    seg("s", "SA", 0.117, S, C + 1), // the proxy answers the SYN after its upstream one
    seg("c", "A", 0.1171, C + 1, S + 1),
    seg("c", "PA", 0.1175, C + 1, S + 1, 20),
    seg("s", "A", 0.1177, S + 1, C + 21), // acknowledged in 0.2 ms, by the proxy
    seg("s", "PA", 0.2377, S + 1, C + 21, 500), // the answer one upstream round trip later
    seg("c", "A", 0.2378, C + 21, S + 501),
    ...close(0.24, C + 21, S + 501),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds["server-app"], 0, JSON.stringify(c.timing!.seconds));
  assert.equal(c.slow, null);
});

test("timing: with the roles guessed (no handshake) the application's time is no slowness (dnp3 #9, mapi #6)", async () => {
  // Mid-stream: which side is the server is a guess from the ports, so a
  // 2 s wait before the guessed server's data proves nothing.
  const c = await one(rounds(3, 2.01, 20, 100, (t, cs, ss) => [
    seg("c", "PA", t, cs, ss, 20),
    seg("s", "A", t + 0.0002, ss, cs + 20),
    seg("s", "PA", t + 2, ss, cs + 20, 100),
    seg("c", "A", t + 2.0002, cs + 20, ss + 100),
  ]));
  assertAddsUp(c.timing!);
  assert.ok(c.timing!.seconds["server-app"] > 5.9, JSON.stringify(c.timing!.seconds));
  assert.equal(c.slow, null);
});

test("timing: a SYN-ACK stamped before its SYN gives no handshake RTT (handshake-reorder)", async () => {
  const c = await one([
    seg("s", "SA", 0, S, C + 1),
    seg("c", "S", 0.00003, C, 0),
    seg("c", "A", 0.07, C + 1, S + 1),
    seg("c", "PA", 0.0701, C + 1, S + 1, 100),
    seg("s", "A", 0.139, S + 1, C + 101), // one 69 ms round trip
    seg("s", "PA", 0.1391, S + 1, C + 101, 500),
    seg("c", "A", 0.1392, C + 101, S + 501),
    ...close(0.14, C + 101, S + 501),
  ]);
  assertAddsUp(c.timing!);
  assert.equal(c.timing!.seconds["server-app"], 0, JSON.stringify(c.timing!.seconds));
  assert.equal(c.slow, null);
});
