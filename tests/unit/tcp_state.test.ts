import { test } from "node:test";
import assert from "node:assert/strict";
import { EndpointFsm, onSegment } from "../../lib/tcp/state.ts";

const SYN = 0x02, ACK = 0x10, FIN = 0x01, RST = 0x04;

function pair() {
  return [new EndpointFsm(true), new EndpointFsm(true)] as const;
}

test("tcp state: CLOSED/SYN sent -> SYN-SENT, peer LISTEN", () => {
  const [c, s] = pair();
  onSegment(c, s, { frame: 1, flags: SYN, acksReceiverFin: false });
  assert.equal(c.state, "SYN-SENT");
  assert.equal(s.state, "LISTEN");
});

test("tcp state: handshake -> both ESTABLISHED with frames and reasons", () => {
  const [c, s] = pair();
  onSegment(c, s, { frame: 1, flags: SYN, acksReceiverFin: false });
  onSegment(s, c, { frame: 2, flags: SYN | ACK, acksReceiverFin: false });
  onSegment(c, s, { frame: 3, flags: ACK, acksReceiverFin: false });
  assert.deepEqual(c.history?.map((x) => [x.frame, x.state]), [[1, "SYN-SENT"], [
    2,
    "ESTABLISHED",
  ]]);
  assert.deepEqual(s.history?.map((x) => [x.frame, x.state]), [
    [1, "LISTEN"],
    [2, "SYN-RECEIVED"],
    [3, "ESTABLISHED"],
  ]);
  assert.ok(s.history?.every((x) => x.reason.length > 0));
});

test("tcp state: ESTABLISHED/FIN exchange -> FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT; CLOSE-WAIT, LAST-ACK, CLOSED", () => {
  const [c, s] = pair();
  c.setState("ESTABLISHED", 1, "test");
  s.setState("ESTABLISHED", 1, "test");
  onSegment(c, s, { frame: 2, flags: FIN | ACK, acksReceiverFin: false });
  assert.equal(c.state, "FIN-WAIT-1");
  assert.equal(s.state, "CLOSE-WAIT");
  onSegment(s, c, { frame: 3, flags: ACK, acksReceiverFin: true });
  assert.equal(c.state, "FIN-WAIT-2");
  onSegment(s, c, { frame: 4, flags: FIN | ACK, acksReceiverFin: true });
  assert.equal(s.state, "LAST-ACK");
  assert.equal(c.state, "TIME-WAIT");
  onSegment(c, s, { frame: 5, flags: ACK, acksReceiverFin: true });
  assert.equal(s.state, "CLOSED");
});

test("tcp state: FIN-WAIT-1/FIN crosses -> CLOSING -> TIME-WAIT (simultaneous close)", () => {
  const [c, s] = pair();
  c.setState("ESTABLISHED", 1, "test");
  s.setState("ESTABLISHED", 1, "test");
  onSegment(c, s, { frame: 2, flags: FIN | ACK, acksReceiverFin: false });
  // s sent its FIN before c's arrived: at the capture point s is CLOSE-WAIT, so
  // model s's own FIN first to reach FIN-WAIT-1 on both sides.
  const [a, b] = pair();
  a.setState("ESTABLISHED", 1, "test");
  b.setState("ESTABLISHED", 1, "test");
  a.setState("FIN-WAIT-1", 2, "sent FIN");
  onSegment(b, a, { frame: 3, flags: FIN | ACK, acksReceiverFin: false });
  assert.equal(a.state, "CLOSING");
  onSegment(b, a, { frame: 4, flags: ACK, acksReceiverFin: true });
  assert.equal(a.state, "TIME-WAIT");
});

test("tcp state: SYN-SENT/SYN received -> SYN-RECEIVED (simultaneous open)", () => {
  const [a, b] = pair();
  onSegment(a, b, { frame: 1, flags: SYN, acksReceiverFin: false });
  b.setState("SYN-SENT", 1, "test: b also connects");
  onSegment(b, a, { frame: 2, flags: SYN, acksReceiverFin: false });
  assert.equal(a.state, "SYN-RECEIVED");
});

test("tcp state: any/RST -> both CLOSED", () => {
  const [c, s] = pair();
  c.setState("ESTABLISHED", 1, "test");
  s.setState("ESTABLISHED", 1, "test");
  onSegment(s, c, { frame: 2, flags: RST, acksReceiverFin: false });
  assert.equal(c.state, "CLOSED");
  assert.equal(s.state, "CLOSED");
  assert.equal(c.history?.at(-1)?.reason, "received RST");
});
