import { test } from "node:test";
import assert from "node:assert/strict";
import { buildPcap, type BuiltSegment } from "../support/explain_build.ts";
import { explainBytes } from "../support/explain_run.ts";

/** A complete short exchange between A (client) and B with the given ISNs. */
function exchange(ci: number, si: number, t0 = 0, ports?: [number, number]): BuiltSegment[] {
  const c = (x: number) => (ci + x) >>> 0, s = (x: number) => (si + x) >>> 0;
  return [
    { fromA: true, flags: "S", seq: ci, t: t0, ports },
    { fromA: false, flags: "SA", seq: si, ack: c(1), t: t0 + 0.001, ports },
    { fromA: true, flags: "A", seq: c(1), ack: s(1), t: t0 + 0.002, ports },
    { fromA: true, flags: "PA", seq: c(1), ack: s(1), len: 10, t: t0 + 0.01, ports },
    { fromA: true, flags: "PA", seq: c(11), ack: s(1), len: 10, t: t0 + 0.011, ports },
    { fromA: false, flags: "A", seq: s(1), ack: c(21), t: t0 + 0.012, ports },
    { fromA: true, flags: "PA", seq: c(21), ack: s(1), len: 10, t: t0 + 0.02, ports },
    { fromA: false, flags: "PA", seq: s(1), ack: c(31), len: 30, t: t0 + 0.021, ports },
    { fromA: true, flags: "FA", seq: c(31), ack: s(31), t: t0 + 0.03, ports },
    { fromA: false, flags: "FA", seq: s(31), ack: c(32), t: t0 + 0.031, ports },
    { fromA: true, flags: "A", seq: c(32), ack: s(32), t: t0 + 0.032, ports },
  ];
}

const ANALYSIS = new Set([
  "retransmission",
  "fast-retransmission",
  "spurious-retransmission",
  "out-of-order",
  "lost-segment",
  "dup-ack",
]);

function analysisLabels(conn: { segments: { labels: string[] }[] }): string[] {
  return conn.segments.flatMap((s) => s.labels.filter((l) => ANALYSIS.has(l)));
}

test("tcp engine: ESTABLISHED/data crossing 2^32 -> no false labels, relative seq from ISN", async () => {
  const [conn] = await explainBytes(buildPcap(exchange(0xfffffff0, 0xfffffffa)));
  assert.deepEqual(analysisLabels(conn), []);
  assert.deepEqual(conn.segments.map((s) => s.seq).slice(3, 7), [1, 11, 1, 21]);
  assert.equal(conn.segments[1].ack, 1);
  assert.equal(conn.scenario, "normal");
  assert.equal(conn.states.client.at(-1)?.state, "TIME-WAIT");
  assert.equal(conn.states.server.at(-1)?.state, "CLOSED");
});

test("tcp engine: closed connection/new SYN with another ISN on the same ports -> new connection (port reuse)", async () => {
  const segs = [...exchange(1000, 2000), ...exchange(900000, 800000, 1)];
  const conns = await explainBytes(buildPcap(segs));
  assert.equal(conns.length, 2);
  assert.deepEqual(conns.map((c) => [c.id, c.scenario, c.segments.length]), [
    [1, "normal", 11],
    [2, "normal", 11],
  ]);
  assert.equal(conns[1].segments[0].frame, 12);
});

test("tcp engine: no SYN (midstream) -> roles guessed, lower port is the server", async () => {
  const segs = exchange(5000, 7000).slice(3).map((s) => ({
    ...s,
    ports: [9877, 40000] as [number, number],
  }));
  const [conn] = await explainBytes(buildPcap(segs));
  assert.equal(conn.rolesGuessed, true);
  assert.equal(conn.scenario, "midstream");
  assert.equal(conn.server.port, 9877);
  assert.equal(conn.client.port, 40000);
  assert.deepEqual(conn.states.client[0], { frame: 1, state: "ESTABLISHED" });
  assert.equal(conn.segments[0].seq, 1);
});

test("tcp engine: one-sided capture (client direction only) -> established, verdict says one-sided", async () => {
  const segs = exchange(1, 100).filter((s) => s.fromA);
  const [conn] = await explainBytes(buildPcap(segs));
  assert.equal(conn.rolesGuessed, false);
  assert.notEqual(conn.scenario, "syn-timeout");
  assert.match(conn.summary, /one-sided/);
  assert.deepEqual(analysisLabels(conn), []);
});

test("tcp engine: duplicated frames -> retransmission and dup-ack, still normal", async () => {
  const segs = exchange(1, 100);
  segs.splice(4, 0, { ...segs[3], t: segs[3].t + 0.0001 }); // data frame twice
  segs.splice(7, 0, { ...segs[6], t: segs[6].t + 0.0001 }); // server ACK twice
  const [conn] = await explainBytes(buildPcap(segs));
  assert.deepEqual(conn.segments[4].labels, ["data", "retransmission"]);
  assert.deepEqual(conn.segments[7].labels, ["ack", "dup-ack"]);
  assert.equal(conn.retransmissions.count, 1);
  assert.equal(conn.scenario, "normal");
});

test("tcp engine: SYN with data -> next seq counts SYN + payload, no lost-segment", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 10, len: 5, t: 0 },
    { fromA: false, flags: "SA", seq: 50, ack: 16, t: 0.001 },
    { fromA: true, flags: "PA", seq: 16, ack: 51, len: 4, t: 0.002 },
    { fromA: false, flags: "A", seq: 51, ack: 20, t: 0.003 },
  ];
  const [conn] = await explainBytes(buildPcap(segs));
  assert.deepEqual(conn.segments[0].labels, ["syn", "data"]);
  assert.equal(conn.segments[0].len, 5);
  assert.equal(conn.segments[2].seq, 6);
  assert.deepEqual(analysisLabels(conn), []);
  assert.equal(conn.scenario, "open");
});

test("tcp engine: ESTABLISHED/RST with data -> rst+data labels, abort", async () => {
  const segs = exchange(1, 100).slice(0, 6);
  segs.push({ fromA: false, flags: "RA", seq: 101, ack: 21, len: 12, t: 0.5 });
  const [conn] = await explainBytes(buildPcap(segs));
  assert.deepEqual(conn.segments.at(-1)?.labels, ["data", "rst"]);
  assert.equal(conn.scenario, "abort");
  assert.equal(conn.phases.at(-1)?.name, "abort");
});

test("tcp engine: SYN-SENT/SYN from the peer (simultaneous open) -> one connection, both ESTABLISHED", async () => {
  const segs: BuiltSegment[] = [
    { fromA: true, flags: "S", seq: 10, t: 0, ports: [5000, 6000] },
    { fromA: false, flags: "S", seq: 90, t: 0.0001, ports: [5000, 6000] },
    { fromA: true, flags: "SA", seq: 10, ack: 91, t: 0.001, ports: [5000, 6000] },
    { fromA: false, flags: "SA", seq: 90, ack: 11, t: 0.0011, ports: [5000, 6000] },
    { fromA: true, flags: "A", seq: 11, ack: 91, t: 0.002, ports: [5000, 6000] },
  ];
  const conns = await explainBytes(buildPcap(segs));
  assert.equal(conns.length, 1);
  const states = conns[0].states;
  assert.ok(states.client.some((s) => s.state === "SYN-RECEIVED"));
  assert.equal(states.client.at(-1)?.state, "ESTABLISHED");
  assert.equal(states.server.at(-1)?.state, "ESTABLISHED");
});

test("tcp engine: ESTABLISHED/FINs cross -> simultaneous-close via CLOSING", async () => {
  const segs = exchange(1, 100).slice(0, 3);
  segs.push(
    { fromA: true, flags: "FA", seq: 2, ack: 101, t: 0.1 },
    { fromA: false, flags: "FA", seq: 101, ack: 2, t: 0.1001 },
    { fromA: true, flags: "A", seq: 3, ack: 102, t: 0.101 },
    { fromA: false, flags: "A", seq: 102, ack: 3, t: 0.1011 },
  );
  const [conn] = await explainBytes(buildPcap(segs));
  assert.equal(conn.scenario, "simultaneous-close");
  assert.ok(conn.states.client.some((s) => s.state === "CLOSING"));
  assert.equal(conn.states.client.at(-1)?.state, "TIME-WAIT");
});

test("tcp engine: idle/keepalive probes (0 and 1 byte at next seq - 1) -> keepalive, never retransmission", async () => {
  const segs = exchange(1, 100).slice(0, 6);
  segs.push(
    { fromA: true, flags: "A", seq: 21, ack: 101, t: 2 },
    { fromA: false, flags: "A", seq: 101, ack: 22, t: 2.001 },
    { fromA: true, flags: "A", seq: 21, ack: 101, len: 1, t: 3 },
    { fromA: false, flags: "A", seq: 101, ack: 22, t: 3.001 },
  );
  const [conn] = await explainBytes(buildPcap(segs));
  assert.deepEqual(conn.segments.slice(6).map((s) => s.labels), [
    ["ack", "keepalive"],
    ["ack", "keepalive-ack"],
    ["data", "keepalive"],
    ["ack", "keepalive-ack"],
  ]);
  assert.equal(conn.retransmissions.count, 0);
  assert.equal(conn.scenario, "keepalive-alive");
});

test("tcp engine: many short connections -> each reported when it ends, open table stays small", async () => {
  const { bytesSource, readCapture } = await import("../../lib/capture/mod.ts");
  const { decodeFrame, newPacket } = await import("../../lib/decode/mod.ts");
  const { Explainer } = await import("../../lib/explain/engine.ts");
  const segs: BuiltSegment[] = [];
  for (let i = 0; i < 300; i++) {
    segs.push(...exchange(1000 + i, 5000 + i, i * 0.01, [20000 + i, 9877]));
  }
  let maxOpen = 0, reported = 0;
  const ex: InstanceType<typeof Explainer> = new Explainer({
    detail: "table",
    onConnection: (e) => {
      reported++;
      assert.equal(e.verdict.scenario, "normal");
      maxOpen = Math.max(maxOpen, ex.tracker.openConnections);
    },
  });
  const pkt = newPacket();
  await readCapture(bytesSource(buildPcap(segs)), (f) => ex.push(decodeFrame(f, pkt)));
  assert.equal(reported, 300, "reported while reading, before finish()");
  ex.finish();
  assert.ok(maxOpen <= 1, `open connections when one ended: ${maxOpen}`);
});
