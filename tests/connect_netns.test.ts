/**
 * Error classes that need a real path: two network namespaces joined by a
 * veth, nft in the server namespace. Every runtime must name the same errno.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cliArgv, EXEC, ROOT } from "./helpers.ts";
import {
  makeNetnsPair,
  type NetnsPair,
  netnsSkipReason,
  runConnect,
  spawnConnect,
  waitFor,
} from "./echo_helpers.ts";

const skip = netnsSkipReason();
let pair: NetnsPair | undefined;
function ns(): NetnsPair {
  pair ??= makeNetnsPair("e", 40);
  return pair;
}

test("connect netns: setup/namespace pair with veth and nft", { skip: skip || false }, () => {
  const p = ns();
  assert.ok(p.client && p.server);
});

test(
  "connect netns: ETIMEDOUT/SYN dropped by nft, kernel gives up: exit 6",
  { skip: skip || false },
  () => {
    const p = ns();
    const r = runConnect([p.serverAddr, "9"], "", { netns: p.client, timeoutMs: 20_000 });
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /ETIMEDOUT, connection timed out.*\(UNP §4\.3\)/);
  },
);

test(
  "connect netns: --timeout/SYN dropped, our own timer: exit 6",
  { skip: skip || false },
  () => {
    const p = ns();
    const r = runConnect([p.serverAddr, "9", "--timeout", "0.5"], "", { netns: p.client });
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /ETIMEDOUT/);
  },
);

test(
  "connect netns: EHOSTUNREACH/ICMP host-unreachable from nft reject: exit 7",
  { skip: skip || false },
  () => {
    const p = ns();
    const r = runConnect([p.serverAddr, "11"], "", { netns: p.client });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /EHOSTUNREACH, no route to host.*\(UNP §5\.14\)/);
  },
);

test(
  "connect netns: EHOSTUNREACH/unreachable route: exit 7",
  { skip: skip || false },
  () => {
    const p = ns();
    const r = runConnect([p.unreachableAddr, "9877"], "", { netns: p.client });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /EHOSTUNREACH/);
  },
);

test(
  "connect netns: ENETUNREACH/no route to the network: exit 7",
  { skip: skip || false },
  () => {
    const p = ns();
    const r = runConnect([p.noRouteAddr, "9877"], "", { netns: p.client });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /ENETUNREACH, network is unreachable/);
  },
);

test(
  "connect netns: ENETUNREACH/IPv6 destination without a route: exit 7",
  { skip: skip || false },
  () => {
    const p = ns();
    const r = runConnect(["2001:db8:ffff::1", "9877"], "", { netns: p.client });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /ENETUNREACH/);
  },
);

test(
  "connect netns: ECONNREFUSED/RST across the veth: exit 5",
  { skip: skip || false },
  () => {
    const p = ns();
    const r = runConnect([p.serverAddr, "10"], "", { netns: p.client });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /ECONNREFUSED/);
  },
);

test(
  "connect netns: echo/serve in one namespace, connect from the other, 1 MB intact",
  { skip: skip || false },
  async () => {
    const p = ns();
    const srv = spawn("ip", [
      "netns",
      "exec",
      p.server,
      EXEC,
      ...cliArgv(["serve", "--port", "7", "--host", p.serverAddr]),
    ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    srv.stdout!.on("data", (d) => (out += d));
    try {
      const end = Date.now() + 15_000;
      while (!out.includes("listening") && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const data = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
      const r = runConnect([p.serverAddr, "7"], data, { netns: p.client });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Buffer.compare(r.stdout, data) === 0);
    } finally {
      srv.kill("SIGKILL");
    }
  },
);

test(
  "connect netns: server host crash/nft drops everything mid-connection: ETIMEDOUT exit 6 (§5.14)",
  { skip: skip || false, timeout: 60_000 },
  async () => {
    const p = ns();
    const srv = spawn("ip", [
      "netns",
      "exec",
      p.server,
      EXEC,
      ...cliArgv(["serve", "--port", "8", "--host", p.serverAddr]),
    ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    srv.stdout!.on("data", (d) => (out += d));
    const nft = (...a: string[]) => spawnSync("ip", ["netns", "exec", p.server, "nft", ...a]);
    let child: ChildProcess | undefined;
    let echoed = "";
    let err = "";
    let code: number | null = null;
    try {
      await waitFor(() => out.includes("listening"), 15_000, "serve in netns");
      child = spawnConnect([p.serverAddr, "8"], p.client);
      child.stdout!.on("data", (d) => (echoed += d));
      child.stderr!.on("data", (d) => (err += d));
      child.on("exit", (c) => (code = c));
      child.stdin!.write("before the crash\n");
      await waitFor(() => echoed === "before the crash\n", 10_000, "first echo");
      nft("add", "table", "inet", "crash");
      nft(
        "add",
        "chain",
        "inet",
        "crash",
        "input",
        "{ type filter hook input priority 0; policy drop; }",
      );
      child.stdin!.write("into the void\n");
      await waitFor(() => code !== null, 30_000, "ETIMEDOUT after retransmissions");
      assert.equal(code, 6, err);
      assert.match(err, /ETIMEDOUT, connection timed out: the peer stopped acknowledging.*§5\.14/);
    } finally {
      nft("delete", "table", "inet", "crash");
      child?.stdin?.destroy();
      if (code === null) child?.kill("SIGKILL");
      srv.kill("SIGKILL");
    }
  },
);

test("connect netns: cleanup/namespaces removed", { skip: skip || false }, () => {
  pair?.cleanup();
  pair = undefined;
});
