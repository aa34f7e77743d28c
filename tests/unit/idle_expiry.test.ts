import { test } from "node:test";
import assert from "node:assert/strict";
import { TcpConn } from "../../lib/tcp/conn.ts";
import { IdleExpiry } from "../../lib/tcp/idle_expiry.ts";

/**
 * A connection last seen at `last` (the tracker's clock, which the limits
 * count on), queued at that time; established or half-open.
 */
function conn(id: number, last: number, established: boolean): TcpConn {
  const c = new TcpConn(false, false, false);
  c.id = id;
  c.facts.established = established;
  c.lastClock = last;
  c.idleStamp = last;
  return c;
}

/** An IdleExpiry over the given limits that records what it expires. */
function lists(limits: ConstructorParameters<typeof IdleExpiry>[0]) {
  const expired: string[] = [];
  const x = new IdleExpiry(limits, (c, by) => {
    expired.push(`${c.id}:${by}`);
    x.remove(c);
  });
  return { x, expired };
}

test("idle expiry: each list has its own limit, and nothing expires before it", () => {
  const { x, expired } = lists({ halfOpenTimeout: 75, idleTimeout: 100 });
  x.add(conn(1, 0, false));
  x.add(conn(2, 0, true));
  x.expireIdle(75);
  assert.deepEqual(expired, []);
  x.expireIdle(75.5);
  assert.deepEqual(expired, ["1:half-open"]);
  x.expireIdle(100.5);
  assert.deepEqual(expired, ["1:half-open", "2:idle"]);
  assert.equal(x.halfOpen.size + x.open.size, 0);
});

test("idle expiry: a connection that saw packets since it was queued gets a second chance", () => {
  const { x, expired } = lists({ idleTimeout: 10 });
  const a = conn(1, 0, true), b = conn(2, 1, true);
  x.add(a);
  x.add(b);
  a.lastClock = 8; // a packet at 8 s: not moved until its stamp is looked at
  x.expireIdle(11.5);
  assert.deepEqual(expired, ["2:idle"]); // a is queued again with stamp 8
  assert.equal(x.open.head, a);
  assert.equal(a.idleStamp, 8);
  x.expireIdle(18.5);
  assert.deepEqual(expired, ["2:idle", "1:idle"]);
});

test("idle expiry: a completed handshake moves a connection to the open list", () => {
  const { x } = lists({});
  const c = conn(1, 0, false);
  x.add(c);
  assert.equal(x.halfOpen.size, 1);
  c.facts.established = true;
  x.established(c, 2);
  assert.deepEqual([x.halfOpen.size, x.open.size, c.idleStamp], [0, 1, 2]);
});

test("idle expiry: the caps expire the connection idle longest", () => {
  const run = (limits: { maxHalfOpen?: number; maxOpen?: number }, conns: TcpConn[]) => {
    const { x, expired } = lists(limits);
    let live = 0;
    for (const c of conns) {
      x.makeRoom(() => live - expired.length);
      x.add(c);
      live++;
    }
    return expired;
  };
  // A third half-open connection: the oldest half-open one goes, though an open one is older.
  assert.deepEqual(
    run({ maxHalfOpen: 2 }, [
      conn(1, 0, true),
      conn(2, 1, false),
      conn(3, 2, false),
      conn(4, 3, false),
    ]),
    ["2:cap"],
  );
  // A fourth connection: the one idle longest of both lists goes.
  assert.deepEqual(
    run({ maxOpen: 3 }, [
      conn(1, 1, false),
      conn(2, 0.5, true),
      conn(3, 2, true),
      conn(4, 3, true),
    ]),
    ["2:cap"],
  );
});

test("idle expiry: the clock never goes back", () => {
  const { x } = lists({});
  assert.equal(x.tick(5), 5);
  assert.equal(x.tick(3), 5, "an earlier time leaves the clock where it was");
  assert.equal(x.tick(5.5), 5.5);
});
