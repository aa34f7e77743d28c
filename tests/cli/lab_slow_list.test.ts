/** `tcpecho lab`'s slow-connection group: listed, named in usage errors, and well formed. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SLOW_SCENARIOS } from "../../lab/slow_scenarios.ts";
import { findScenario, LAB_SCENARIOS } from "../../lab/scenarios.ts";
import { labNames, NS_PATTERN } from "../../lab/names.ts";
import { CAUSES } from "../../lib/explain/timing.ts";
import { cli } from "../support/cli_inproc.ts";

test("lab --list: a second group, the slow connections, each with the cause explain must name", async () => {
  const r = await cli(["lab", "--list"]);
  assert.equal(r.code, 0, r.stderr);
  const group = r.stdout.split("SLOW CONNECTIONS")[1] ?? "";
  for (const s of SLOW_SCENARIOS) {
    assert.match(group, new RegExp(`\\b${s.id}\\b.*\\[explain: ${s.slow!.cause}\\]`));
  }
});

test("lab: the slow scenarios cover every cause the issue lists, once each, with valid ids", () => {
  const ids = SLOW_SCENARIOS.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const s of SLOW_SCENARIOS) {
    assert.match(s.id, /^slow-[a-z-]+$/);
    assert.ok(s.slow, s.id);
    assert.ok(s.slow.cause === "none" || CAUSES.includes(s.slow.cause as never), s.slow.cause);
    assert.equal(findScenario(s.id), s);
    assert.ok(!LAB_SCENARIOS.includes(s), "the book's list stays as it is");
  }
  const causes = SLOW_SCENARIOS.map((s) => s.slow!.cause).sort();
  assert.deepEqual(causes, [
    "handshake",
    "loss",
    "loss",
    "nagle",
    "none",
    "none",
    "pmtu",
    "receive-window",
    "server-app",
  ]);
});

test("lab: an unknown scenario's usage error names the slow group too", async () => {
  const r = await cli(["lab", "slow-nope"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /slow-nagle/);
  assert.match(r.stderr, /slow \(the slow connections\)/);
});

test("lab: the router namespace's names carry the pid and fit interface limits", () => {
  const n = labNames(4242, "a1b2c3");
  assert.equal(NS_PATTERN.exec(n.router)?.[1], "4242");
  assert.notEqual(n.routerClientDev, n.routerServerDev);
  assert.ok(n.routerClientDev.length <= 15 && n.routerServerDev.length <= 15);
  assert.ok(![n.clientDev, n.serverDev].includes(n.routerClientDev));
});
