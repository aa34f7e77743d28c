/**
 * Error classes that need a real path: two network namespaces joined by a
 * veth, nft in the server namespace. Every runtime must name the same errno.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { cliArgv, EXEC, ROOT, skipUnless } from "../support/helpers.ts";
import { runConnect, waitFor, watchConnect, type WatchedConnect } from "../support/echo_helpers.ts";
import { createNsPair, netnsSkipReason, type NsPair, sh } from "../support/netns.ts";

const reason = netnsSkipReason();
const skip = skipUnless(!reason, reason);

/** The pair of this file (198.18.40.0/24) with the extras the error classes need. */
interface ErrorPair extends NsPair {
  /** A /24 with an `unreachable` route in the client namespace. */
  unreachableAddr: string;
  /** An address with no route at all. */
  noRouteAddr: string;
}

/**
 * In the server namespace nft drops TCP port 9 (ETIMEDOUT) and rejects port 11
 * with ICMP host-unreachable. The client has an unreachable route to
 * 198.18.41.0/24, tcp_syn_retries=1 (a SYN timeout takes about 3 s) and
 * tcp_retries2=3 (unacknowledged data times out after about 7 s).
 */
function makeErrorPair(): ErrorPair {
  const p = createNsPair("ce", 40);
  try {
    sh(["ip", "-n", p.client, "route", "add", "unreachable", "198.18.41.0/24"]);
    sh([...p.inClient, "sysctl", "-q", "net.ipv4.tcp_syn_retries=1"]);
    sh([...p.inClient, "sysctl", "-q", "net.ipv4.tcp_retries2=3"]);
    sh(
      [...p.inServer, "nft", "-f", "-"],
      [
        "table inet t5 {",
        "  chain input {",
        "    type filter hook input priority 0; policy accept;",
        "    tcp dport 9 drop",
        "    tcp dport 11 reject with icmp type host-unreachable",
        "  }",
        "}",
      ].join("\n"),
    );
  } catch (e) {
    p.destroy();
    throw e;
  }
  process.once("exit", p.destroy);
  return { ...p, unreachableAddr: "198.18.41.2", noRouteAddr: "198.18.43.2" };
}

let pair: ErrorPair | undefined;
function ns(): ErrorPair {
  pair ??= makeErrorPair();
  return pair;
}

/** connect from the client namespace to `dest` must exit `code` with stderr matching `re`. */
function connectFails(dest: string[], code: number, re: RegExp, timeoutMs?: number): void {
  const r = runConnect(dest, "", { netns: ns().client, timeoutMs });
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, re);
}

/** `tcpecho serve` on `port` in the server namespace; resolves once it listens. */
async function serveInServerNs(port: number) {
  const p = ns();
  const srv = spawn("ip", [
    ...["netns", "exec", p.server, EXEC],
    ...cliArgv(["serve", "--port", String(port), "--host", p.serverAddr]),
  ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  srv.stdout!.on("data", (d) => (out += d));
  try {
    await waitFor(() => out.includes("listening"), 15_000, "serve in netns");
  } catch (e) {
    srv.kill("SIGKILL");
    throw e;
  }
  return srv;
}

test("connect netns: setup/namespace pair with veth and nft", { skip }, () => {
  const p = ns();
  assert.ok(p.client && p.server);
});

test("connect netns: ETIMEDOUT/SYN dropped by nft, kernel gives up: exit 6", { skip }, () => {
  connectFails([ns().serverAddr, "9"], 6, /ETIMEDOUT, connection timed out.*\(UNP §4\.3\)/, 20_000);
});

test("connect netns: --timeout/SYN dropped, our own timer: exit 6", { skip }, () => {
  connectFails([ns().serverAddr, "9", "--timeout", "0.5"], 6, /ETIMEDOUT/);
});

test(
  "connect netns: EHOSTUNREACH/ICMP host-unreachable from nft reject: exit 7",
  { skip },
  () => connectFails([ns().serverAddr, "11"], 7, /EHOSTUNREACH, no route to host.*\(UNP §5\.14\)/),
);

test("connect netns: EHOSTUNREACH/unreachable route: exit 7", { skip }, () => {
  connectFails([ns().unreachableAddr, "9877"], 7, /EHOSTUNREACH/);
});

test("connect netns: ENETUNREACH/no route to the network: exit 7", { skip }, () => {
  connectFails([ns().noRouteAddr, "9877"], 7, /ENETUNREACH, network is unreachable/);
});

test("connect netns: ENETUNREACH/IPv6 destination without a route: exit 7", { skip }, () => {
  connectFails(["2001:db8:ffff::1", "9877"], 7, /ENETUNREACH/);
});

test("connect netns: ECONNREFUSED/RST across the veth: exit 5", { skip }, () => {
  connectFails([ns().serverAddr, "10"], 5, /ECONNREFUSED/);
});

test(
  "connect netns: echo/serve in one namespace, connect from the other, 1 MB intact",
  { skip },
  async () => {
    const p = ns();
    const srv = await serveInServerNs(7);
    try {
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
  { skip, timeout: 60_000 },
  async () => {
    const p = ns();
    const srv = await serveInServerNs(8);
    const nft = (...a: string[]) => spawnSync("ip", ["netns", "exec", p.server, "nft", ...a]);
    let child: WatchedConnect | undefined;
    try {
      child = watchConnect([p.serverAddr, "8"], p.client);
      child.child.stdin!.write("before the crash\n");
      await waitFor(() => child!.out() === "before the crash\n", 10_000, "first echo");
      nft("add", "table", "inet", "crash");
      nft(
        "add",
        "chain",
        "inet",
        "crash",
        "input",
        "{ type filter hook input priority 0; policy drop; }",
      );
      child.child.stdin!.write("into the void\n");
      await waitFor(() => child!.code() !== null, 30_000, "ETIMEDOUT after retransmissions");
      assert.equal(child.code(), 6, child.err());
      assert.match(
        child.err(),
        /ETIMEDOUT, connection timed out: the peer stopped acknowledging.*§5\.14/,
      );
    } finally {
      nft("delete", "table", "inet", "crash");
      child?.stop();
      srv.kill("SIGKILL");
    }
  },
);

test("connect netns: cleanup/namespaces removed", { skip }, () => {
  pair?.destroy();
  pair = undefined;
});
