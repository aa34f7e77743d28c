/**
 * The Listener contract on real loopback sockets, on every listener the
 * runtime has (native, and node:net for abortive listeners): several pending
 * accept() calls each get their own connection, close() resolves every
 * pending call with null; and the sorting of accept() failures.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import { getNet } from "../../lib/runtime/net/mod.ts";
import { AcceptQueue, Backoff, classifyAcceptError } from "../../lib/runtime/net/accept.ts";

function connectNode(port: number): Promise<nodeNet.Socket> {
  return new Promise((resolve, reject) => {
    const s = nodeNet.connect({ host: "127.0.0.1", port }, () => resolve(s));
    s.once("error", reject);
  });
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Cannot see ${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

for (const abortive of [false, true]) {
  const kind = abortive ? "abortive listener" : "native listener";
  test(`net accept/${kind}: three pending accept() calls each get a connection`, async () => {
    const net = await getNet();
    const l = await net.listen({ host: "127.0.0.1", port: 0, abortive });
    const pending = [l.accept(), l.accept(), l.accept()];
    const clients = await Promise.all([0, 1, 2].map(() => connectNode(l.addr.port)));
    try {
      const conns = await within(Promise.all(pending), 5000, "three accepted connections");
      const ports = conns.map((c) => c!.remote.port).sort();
      assert.deepEqual(ports, clients.map((c) => c.localPort!).sort());
      conns.forEach((c) => c!.close());
    } finally {
      clients.forEach((c) => c.destroy());
      l.close();
    }
  });

  test(`net accept/${kind}: close() resolves every pending accept() with null`, async () => {
    const net = await getNet();
    const l = await net.listen({ host: "127.0.0.1", port: 0, abortive });
    const pending = [l.accept(), l.accept(), l.accept()];
    l.close();
    const got = await within(Promise.all(pending), 5000, "null from every pending accept");
    assert.deepEqual(got, [null, null, null]);
    assert.equal(await l.accept(), null);
  });
}

test("net accept/AcceptQueue: call order, null after close, leftovers returned", async () => {
  const q = new AcceptQueue<string>();
  const a = q.next();
  const b = q.next();
  q.push("x");
  q.push("y");
  q.push("z");
  assert.deepEqual(await Promise.all([a, b]), ["x", "y"]);
  const c = q.next();
  assert.equal(await c, "z");
  const d = q.next();
  q.push("w");
  assert.equal(await d, "w");
  q.push("left");
  assert.deepEqual(q.close(), ["left"]);
  assert.equal(q.push("late"), false);
  assert.equal(await q.next(), null);
});

test("net accept/errors: a reset queued connection retries, EMFILE backs off, closed stops", () => {
  assert.equal(classifyAcceptError({ name: "NotConnected", code: "ENOTCONN" }), "retry");
  assert.equal(classifyAcceptError({ code: "ECONNABORTED" }), "retry");
  assert.equal(classifyAcceptError({ name: "ConnectionReset" }), "retry");
  assert.equal(classifyAcceptError({ name: "Error", code: "EMFILE" }), "backoff");
  assert.equal(classifyAcceptError({ code: "ENFILE" }), "backoff");
  assert.equal(classifyAcceptError({ name: "BadResource" }), "closed");
  assert.equal(classifyAcceptError(new Error("mystery")), "backoff");
});

test("net accept/Backoff: one start and one end per episode, with the count", () => {
  const seen: unknown[] = [];
  let t = 0;
  const b = new Backoff((e) => seen.push(e), () => t);
  b.recovered(); // no episode: nothing
  assert.equal(b.fail("EMFILE"), 10);
  t = 5;
  assert.equal(b.fail("EMFILE"), 20);
  for (let i = 0; i < 10; i++) assert.ok(b.fail("EMFILE") <= 200);
  t = 1500;
  b.recovered();
  b.recovered();
  assert.deepEqual(seen, [
    { phase: "start", code: "EMFILE", failures: 1, ms: 0 },
    { phase: "end", code: "EMFILE", failures: 12, ms: 1500 },
  ]);
});
