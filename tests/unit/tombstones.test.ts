import { test } from "node:test";
import assert from "node:assert/strict";
import { DirSeq } from "../../lib/tcp/analysis.ts";
import { TcpConn } from "../../lib/tcp/conn.ts";
import { setKey, TupleView } from "../../lib/tcp/flow.ts";
import { Tombstones } from "../../lib/tcp/tombstones.ts";

/** A tuple 198.18.0.1:port -> 198.18.0.2:80 (IPv4), or its reverse. */
function tuple(port: number, reverse = false): TupleView {
  const t = new TupleView();
  const a = new Uint8Array([198, 18, 0, 1, 198, 18, 0, 2]);
  if (reverse) t.read(a, 4, 4, 0, 80, port);
  else t.read(a, 4, 0, 4, port, 80);
  return t;
}

/** An ended connection on that tuple with some sequence state. */
function ended(port: number, id: number): TcpConn {
  const c = new TcpConn(false, false, false);
  setKey(c, tuple(port));
  c.id = id;
  c.epoch = 1;
  c.clientIsA = true;
  c.base[0] = 1000 + id;
  c.baseSet[0] = true;
  c.dirs[0].nextseq = 3_000_000_000 + id;
  c.dirs[0].nextseqSet = true;
  c.dirs[0].lastackTime = 12.5;
  c.dirs[0].dupacks = 2;
  c.dirs[1].window = 512;
  c.wscale[0] = 7;
  c.wscale[1] = -2;
  c.wsRtt = 0.25;
  return c;
}

test("tombstones: a row keeps the key, the ISNs and both direction states", () => {
  const ts = new Tombstones(4);
  ts.add(ended(40000, 1), 0, 30);
  const r = ts.find(tuple(40000));
  assert.ok(r >= 0);
  assert.equal(ts.lastDir, 1);
  assert.equal(ts.find(tuple(40000, true)), r, "the reverse direction finds the same row");
  assert.equal(ts.lastDir, 2);
  assert.equal(ts.find(tuple(40001)), -1);
  assert.equal(ts.isn(r, true), 1001);
  assert.equal(ts.isn(r, false), -1);
  assert.equal(ts.next(r, true), 3_000_000_001);
  assert.equal(ts.next(r, false), -1);
  assert.equal(ts.wscale(r, true), 7);
  assert.equal(ts.wscale(r, false), -2);
  assert.equal(ts.rtt(r), 0.25);
  assert.equal(ts.id(r), 1);
  assert.equal(ts.epoch(r), 1);
  assert.equal(ts.until(r), 30);
  const d = new DirSeq();
  ts.loadDir(r, true, d);
  assert.deepEqual({ ...d }, { ...ended(40000, 1).dirs[0] });
  ts.loadDir(r, false, d);
  assert.deepEqual({ ...d }, { ...ended(40000, 1).dirs[1] });
  d.dupacks = 5;
  ts.storeDir(r, false, d);
  const e = new DirSeq();
  ts.loadDir(r, false, e);
  assert.equal(e.dupacks, 5);
});

test("tombstones: the oldest is evicted when the ring is full, and on linger's end", () => {
  const ts = new Tombstones(3);
  for (let i = 1; i <= 3; i++) ts.add(ended(40000 + i, i), i, 100 + i);
  assert.equal(ts.size, 3);
  ts.add(ended(40004, 4), 4, 104);
  assert.equal(ts.size, 3);
  assert.equal(ts.find(tuple(40001)), -1, "the oldest went first");
  for (const p of [40002, 40003, 40004]) assert.ok(ts.find(tuple(p)) >= 0);
  // Capture time past the linger of 40002 and 40003 (until 102, 103).
  ts.add(ended(40005, 5), 103.5, 203);
  assert.equal(ts.find(tuple(40002)), -1);
  assert.equal(ts.find(tuple(40003)), -1);
  assert.ok(ts.find(tuple(40004)) >= 0);
  assert.ok(ts.find(tuple(40005)) >= 0);
  assert.equal(ts.size, 2);
});

test("tombstones: a row taken out of the index stays out, and its slot is reused in ring order", () => {
  const ts = new Tombstones(2);
  ts.add(ended(40001, 1), 0, 100);
  ts.add(ended(40002, 2), 0, 100);
  const r1 = ts.find(tuple(40001));
  ts.remove(r1);
  ts.remove(r1); // a no-op the second time
  assert.equal(ts.size, 1);
  assert.equal(ts.find(tuple(40001)), -1);
  // Its row stays in the ring until evicted: its state is still readable.
  assert.equal(ts.id(r1), 1);
  ts.add(ended(40003, 3), 1, 100);
  assert.equal(ts.find(tuple(40003)), r1, "the oldest slot is reused");
  assert.ok(ts.find(tuple(40002)) >= 0);
  assert.equal(ts.size, 2);
});

test("tombstones: colliding buckets keep every entry findable and removable", () => {
  const ts = new Tombstones(64);
  for (let i = 0; i < 64; i++) ts.add(ended(41000 + i, i + 1), 0, 100);
  for (let i = 0; i < 64; i += 2) ts.remove(ts.find(tuple(41000 + i)));
  for (let i = 0; i < 64; i++) {
    const r = ts.find(tuple(41000 + i));
    if (i % 2 === 0) assert.equal(r, -1);
    else assert.equal(ts.id(r), i + 1);
  }
  assert.equal(ts.size, 32);
});
