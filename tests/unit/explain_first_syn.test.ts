/**
 * The lazy first SYN of the explain layer: a connection whose only segment
 * is a pure SYN holds a few numbers (lib/explain/engine.ts FirstSyn) instead
 * of a Timing and a WireFacts; they are made when a second segment comes or
 * when it ends. Checked against
 * records fed every segment as it comes, on hand-made connections and on
 * every explain fixture (real window scaling), in the full and table detail.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { addrString, decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import type { Packet } from "../../lib/decode/types.ts";
import { Timing, timingEnd, timingSegment } from "../../lib/explain/timing.ts";
import { Explainer } from "../../lib/explain/engine.ts";
import { trackPhase } from "../../lib/explain/phases.ts";
import { verdict } from "../../lib/explain/scenarios.ts";
import { observe, WireFacts } from "../../lib/explain/wire.ts";
import type { TcpConn } from "../../lib/tcp/conn.ts";
import { TcpTracker } from "../../lib/tcp/tracker.ts";
import { buildPcap, type BuiltSegment } from "../support/explain_build.ts";
import { ROOT } from "../support/helpers.ts";

/** Every connection's Timing from the Explainer (lazy) and from an eager Timing, side by side. */
async function both(bytes: Uint8Array, full: boolean): Promise<[Timing, Timing][]> {
  const lazy: Timing[] = [];
  const ex = new Explainer({
    detail: full ? "full" : "table",
    onConnection: (e) => lazy.push(e.timing!),
  });
  const eager = new Map<TcpConn, Timing>();
  const ended: Timing[] = [];
  let pkt: Packet | null = null;
  const tracker = new TcpTracker({
    keepDetail: full,
    keepIntervals: full,
    keepStates: full,
    addrString,
    onSegment: (c, side, labels, _frame) => {
      let t = eager.get(c);
      if (t === undefined) eager.set(c, t = new Timing(full));
      timingSegment(t, c, side, labels, pkt!);
    },
    onEnd: (c) => {
      const e = eager.get(c) ?? new Timing(full);
      eager.delete(c);
      timingEnd(e, c);
      ended.push(e);
    },
  });
  const p = newPacket();
  await readCapture(bytesSource(bytes), (f) => {
    pkt = decodeFrame(f, p);
    ex.push(pkt);
    tracker.push(pkt);
  });
  ex.finish();
  tracker.finish();
  assert.equal(lazy.length, ended.length);
  return lazy.map((t, i) => [t, ended[i]]);
}

/**
 * Verdicts and phases from the Explainer (lazy wire facts) and from wire
 * facts fed every segment, per connection in end order.
 */
async function verdicts(bytes: Uint8Array, full: boolean): Promise<[unknown, unknown][]> {
  const lazy: unknown[] = [];
  const ex = new Explainer({
    detail: full ? "full" : "table",
    onConnection: (e) => lazy.push({ v: e.verdict, phases: e.conn.phases }),
  });
  const eager: unknown[] = [];
  const wires = new Map<TcpConn, WireFacts>();
  let pkt: Packet | null = null;
  let t0 = -1, lastT = 0;
  const tracker = new TcpTracker({
    keepDetail: full,
    keepIntervals: full,
    keepStates: full,
    addrString,
    onSegment: (c, side, labels, frame) => {
      let w = wires.get(c);
      if (w === undefined) wires.set(c, w = new WireFacts());
      observe(w, c, side, labels, frame, pkt!);
      if (full) trackPhase(c, side, labels, frame, w);
    },
    onEnd: (c) => {
      const w = wires.get(c) ?? new WireFacts();
      wires.delete(c);
      eager.push({ v: verdict(c, w), phases: c.phases });
    },
  });
  const p = newPacket();
  await readCapture(bytesSource(bytes), (f) => {
    pkt = decodeFrame(f, p);
    if (t0 < 0) t0 = pkt.tsSec + pkt.tsNsec * 1e-9;
    ex.push(pkt);
    lastT = pkt.tsSec + pkt.tsNsec * 1e-9;
    tracker.push(pkt);
  });
  ex.finish();
  for (const w of wires.values()) w.captureEnd = lastT - t0;
  tracker.finish();
  assert.equal(lazy.length, eager.length);
  return lazy.map((x, i) => [x, eager[i]]);
}

const seg = (fromA: boolean, flags: string, t: number, seq: number, ack = 0, len = 0) =>
  ({ fromA, flags, t, seq, ack, len, win: 29200 }) as BuiltSegment;

const MADE: [string, BuiltSegment[]][] = [
  ["one SYN", [seg(true, "S", 0, 100)]],
  ["SYN retried", [seg(true, "S", 0, 100), seg(true, "S", 1, 100), seg(true, "S", 3, 100)]],
  ["SYN refused", [seg(true, "S", 0, 100), seg(false, "RA", 0.001, 0, 101)]],
  ["handshake and data", [
    seg(true, "S", 0, 100),
    seg(false, "SA", 0.01, 500, 101),
    seg(true, "A", 0.02, 101, 501),
    seg(true, "PA", 0.03, 101, 501, 10),
    seg(false, "A", 0.5, 501, 111),
  ]],
  ["SYN,ACK first", [seg(false, "SA", 0, 500, 101), seg(true, "A", 0.01, 101, 501)]],
];

for (const full of [true, false]) {
  test(`first SYN (${full ? "full" : "table"}): hand-made connections equal an eager Timing`, async () => {
    for (const [name, segs] of MADE) {
      const pairs = await both(buildPcap(segs), full);
      assert.ok(pairs.length > 0, name);
      for (const [lazy, eager] of pairs) assert.deepEqual(lazy, eager, name);
      for (const [lazy, eager] of await verdicts(buildPcap(segs), full)) {
        assert.deepEqual(lazy, eager, name);
      }
    }
  });

  test(`first SYN (${full ? "full" : "table"}): every explain fixture equals an eager Timing`, async () => {
    const dir = join(ROOT, "tests", "fixtures", "explain");
    const files = readdirSync(dir).filter((f) => f.endsWith(".pcap"));
    assert.ok(files.length > 10);
    let conns = 0;
    for (const f of files) {
      const pairs = await both(new Uint8Array(readFileSync(join(dir, f))), full);
      for (const [lazy, eager] of pairs) assert.deepEqual(lazy, eager, f);
      conns += pairs.length;
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      for (const [lazy, eager] of await verdicts(bytes, full)) assert.deepEqual(lazy, eager, f);
    }
    assert.ok(conns >= files.length);
  });
}
