/**
 * ChunkQueue's back-pressure (lib/runtime/net/queue.ts): paused at the cap,
 * and after a big chunk went straight to a reader, resumed only when a
 * reader finds the queue empty (so an echo stuck behind a non-reading client
 * does not let another runtime-sized chunk in).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChunkQueue } from "../../lib/runtime/net/queue.ts";

function queue(cap: number) {
  const calls: string[] = [];
  const q = new ChunkQueue(cap, () => calls.push("pause"), () => calls.push("resume"));
  return { q, calls };
}

test("net queue/pauses at the cap, resumes only when a reader waits on an empty queue", async () => {
  const { q, calls } = queue(100);
  q.push(new Uint8Array(60));
  assert.deepEqual(calls, []);
  q.push(new Uint8Array(60));
  assert.deepEqual(calls, ["pause"]);
  await q.read();
  await q.read();
  assert.deepEqual(calls, ["pause"], "taking queued chunks does not resume");
  const waiting = q.read();
  assert.deepEqual(calls, ["pause", "resume"]);
  q.push(new Uint8Array(10));
  assert.equal((await waiting)!.length, 10);
});

test("net queue/a big chunk handed to a reader pauses; a small one does not", async () => {
  const { q, calls } = queue(100);
  const r1 = q.read();
  q.push(new Uint8Array(10)); // small: interactive echo keeps flowing
  await r1;
  assert.deepEqual(calls, []);
  const r2 = q.read();
  q.push(new Uint8Array(500)); // bigger than the cap, straight to the reader
  await r2;
  assert.deepEqual(calls, ["pause"]);
  const r3 = q.read();
  assert.deepEqual(calls, ["pause", "resume"]);
  q.end();
  assert.equal(await r3, null);
});
