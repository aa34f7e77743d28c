import { test } from "node:test";
import assert from "node:assert/strict";
import { LAB_SCENARIOS } from "../../lab/scenarios.ts";
import { labNames, NS_PATTERN } from "../../lab/names.ts";
import { assertLabCanRun } from "../../lab/tools.ts";
import { TcpechoError } from "../../lib/errors.ts";
import { isRoot, runCli } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";

const BOOK_IDS = [
  "normal",
  "half-close",
  "server-process-terminated",
  "server-host-crash",
  "server-host-unreachable",
  "server-crash-reboot",
  "connection-refused",
  "syn-timeout",
  "keepalive-alive",
  "keepalive-dead-peer",
  "keepalive-reset",
  "abort",
];

test("lab: --list names every docs/scenarios.md scenario the issue asks for, plus the IPv6 and naive runs", async () => {
  const r = await cli(["lab", "--list"]);
  assert.equal(r.code, 0, r.stderr);
  for (const id of [...BOOK_IDS, "normal-ipv6", "server-process-terminated-naive"]) {
    assert.match(r.stdout, new RegExp(`\\b${id}\\b`));
  }
  assert.deepEqual(new Set(LAB_SCENARIOS.map((s) => s.verdict)), new Set(BOOK_IDS));
});

test("lab: an unknown scenario is a usage error naming the known ones", async () => {
  const r = await cli(["lab", "server-on-fire"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown scenario 'server-on-fire'/);
  assert.match(r.stderr, /server-crash-reboot/);
});

test("lab: --naive on a scenario without a naive variant is a usage error naming those with one", async () => {
  const r = await cli(["lab", "normal", "--naive"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'normal' has no --naive variant/);
  assert.match(r.stderr, /server-process-terminated/);
});

test("lab: no scenario is a usage error pointing at --list", async () => {
  const r = await cli(["lab"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--list/);
});

test("lab: missing programs give one message naming the Debian packages, exit 1", {
  skip: isRoot() ? false : "not root: the root check comes before the tools check",
}, () => {
  const r = runCli(["lab", "normal"], { env: { PATH: "/nonexistent" } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /Cannot run the lab: missing .*tcpdump/);
  assert.match(r.stderr, /apt-get install .*tcpdump/);
  assert.equal(r.stderr.trim().split("\n").length, 2, r.stderr);
});

test("lab: not root is one clear error with the sudo hint (exit 1)", () => {
  assert.throws(() => assertLabCanRun(false), (e: unknown) => {
    assert.ok(e instanceof TcpechoError);
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /Cannot run the lab: creating network namespaces needs root/);
    assert.match(e.hint ?? "", /sudo tcpecho lab/);
    return true;
  });
});

test("lab: namespace names are unique per lab, carry its pid, and fit interface limits", () => {
  const a = labNames(4242, "a1b2c3"), b = labNames(4242, "d4e5f6");
  assert.notEqual(a.client, b.client);
  assert.equal(NS_PATTERN.exec(a.server)?.[1], "4242");
  assert.ok(a.clientDev.length <= 15 && a.serverDev.length <= 15);
});
