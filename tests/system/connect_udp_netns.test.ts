/**
 * `connect --udp` across a real veth between two network namespaces: the
 * echo, ICMP port unreachable from the server's kernel (exit 5), a silent
 * host that drops everything (all lost, exit 6), and ICMP host unreachable
 * from nft (EHOSTUNREACH, exit 7: a soft error Linux reports on a UDP socket
 * only with IP_RECVERR). Both runtimes give the same exit codes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { cliArgv, EXEC, ROOT, skipUnless } from "../support/helpers.ts";
import { runConnect, waitFor } from "../support/echo_helpers.ts";
import { createNsPair, netnsSkipReason, type NsPair, sh } from "../support/netns.ts";

const reason = netnsSkipReason();
const skip = skipUnless(!reason, reason);

/** In the server namespace nft rejects UDP port 11 with ICMP host-unreachable. */
function makePair(): NsPair {
  const p = createNsPair("cu", 70);
  try {
    sh(
      [...p.inServer, "nft", "-f", "-"],
      [
        "table inet tu {",
        "  chain input {",
        "    type filter hook input priority 0; policy accept;",
        "    udp dport 11 reject with icmp type host-unreachable",
        "  }",
        "}",
      ].join("\n"),
    );
  } catch (e) {
    p.destroy();
    throw e;
  }
  process.once("exit", p.destroy);
  return p;
}

let pair: NsPair | undefined;
const ns = () => (pair ??= makePair());

function udp(port: number, extra: string[] = []) {
  const p = ns();
  return runConnect(
    [p.serverAddr, String(port), "--udp", "-c", "2", "-i", "0", "--timeout", "0.3", ...extra],
    "",
    { netns: p.client },
  );
}

test("connect --udp across a veth: echoes from serve --udp in the other namespace, exit 0", {
  skip,
  timeout: 60_000,
}, async () => {
  const p = ns();
  const serve = spawn("ip", [
    "netns",
    "exec",
    p.server,
    EXEC,
    ...cliArgv(["serve", "--host", p.serverAddr, "--port", "9877", "--udp", "--log", "none"]),
  ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  serve.stdout!.on("data", (d) => (out += d));
  let exited = false;
  serve.on("exit", () => (exited = true));
  try {
    await waitFor(() => out.includes("listening on udp") || exited, 20_000, "serve --udp");
    const r = udp(9877);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /2 sent, 2 received, 0% lost/);
  } finally {
    serve.kill("SIGTERM");
    await waitFor(() => exited, 10_000, "serve exit").catch(() => serve.kill("SIGKILL"));
  }
});

test("connect --udp across a veth: no server there: ICMP port unreachable, exit 5", {
  skip,
  timeout: 30_000,
}, () => {
  const r = udp(9878, ["--json"]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /no UDP echo service \(ICMP port unreachable\)/);
  const evs = r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(evs.at(-1).end, "refused");
});

test("connect --udp across a veth: ICMP host unreachable (nft reject), EHOSTUNREACH exit 7", {
  skip,
  timeout: 30_000,
}, () => {
  const r = udp(11);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stderr, /EHOSTUNREACH/);
});

test("connect --udp across a veth: a silent host (everything dropped): all lost, exit 6", {
  skip,
  timeout: 30_000,
}, () => {
  const p = ns();
  p.dropServer();
  try {
    const r = udp(9878);
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stdout.toString(), /2 sent, 0 received, 100% lost/);
    assert.match(r.stderr, /none answered within 300 ms/);
  } finally {
    p.undropServer();
  }
});

test("connect --udp netns: clean up", { skip }, () => {
  pair?.destroy();
});
