import { test } from "node:test";
import dgram from "node:dgram";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { join } from "../support/path.ts";
import { EXEC, ROOT, RUNTIME } from "../support/helpers.ts";
import { runConnectAsync, waitFor, watchConnect } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";

/** A UDP port where nothing listens (a socket's, bound then closed). */
async function deadPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test("connect --udp: each stdin line is a datagram, echoed to stdout; summary on stderr, exit 0", async () => {
  const srv = await serveInProcess(["--udp"]);
  try {
    const r = await runConnectAsync(["127.0.0.1", String(srv.port), "--udp"], "hello\nworld\nlast");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "hello\nworld\nlast");
    assert.match(r.stderr, /3 sent, 3 received, 0% lost/);
    assert.match(r.stderr, /rtt min\/avg\/max\/p50\/p99 = /);
  } finally {
    await srv.stop();
  }
});

test("connect --udp --count: a round trip per datagram and a ping-style summary", async () => {
  const srv = await serveInProcess(["--udp"]);
  try {
    const r = await runConnectAsync(
      ["127.0.0.1", String(srv.port), "--udp", "-c", "3", "-i", "0.01", "-s", "100"],
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString();
    for (let i = 1; i <= 3; i++) {
      assert.match(
        out,
        new RegExp(`100 bytes from 127\\.0\\.0\\.1:\\d+: seq=${i} time=[\\d.]+ ms`),
      );
    }
    assert.match(out, /3 sent, 3 received, 0% lost/);
  } finally {
    await srv.stop();
  }
});

test("connect --udp --json: connected (udp), an echo event per datagram, summary exitCode 0", async () => {
  const srv = await serveInProcess(["--udp"]);
  try {
    const r = await runConnectAsync(
      ["127.0.0.1", String(srv.port), "--udp", "--json", "-c", "2", "-i", "0.01"],
    );
    assert.equal(r.code, 0, r.stderr);
    const evs = r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(evs.map((e) => e.event), ["connected", "echo", "echo", "summary"]);
    assert.equal(evs[0].transport, "udp");
    assert.equal(evs[0].remote, `127.0.0.1:${srv.port}`);
    assert.deepEqual(evs.slice(1, 3).map((e) => [e.seq, e.bytes, e.ok]), [[1, 64, true], [
      2,
      64,
      true,
    ]]);
    const sum = evs[3];
    assert.equal(sum.mode, "udp");
    assert.equal(sum.sent, 2);
    assert.equal(sum.received, 2);
    assert.equal(sum.lost, 0);
    assert.equal(sum.rtt.count, 2);
    assert.equal(sum.exitCode, 0);
  } finally {
    await srv.stop();
  }
});

test("connect --udp: datagrams the server rate-limits are counted lost, exit 1", async () => {
  // --udp-rate 1: one datagram per second from us; the next two (within 0.6 s) are dropped.
  const srv = await serveInProcess(["--udp", "--udp-rate", "1"]);
  try {
    const r = await runConnectAsync(
      ["127.0.0.1", String(srv.port), "--udp", "--json", "-c", "3", "-i", "0", "--timeout", "0.2"],
    );
    assert.equal(r.code, 1, r.stderr);
    const evs = r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(evs.map((e) => e.event), ["connected", "echo", "lost", "lost", "summary"]);
    assert.equal(evs[2].timeoutMs, 200);
    const sum = evs.at(-1);
    assert.equal(sum.received, 1);
    assert.equal(sum.lost, 2);
    assert.equal(sum.lossPct, 66.667);
    assert.equal(sum.exitCode, 1);
  } finally {
    await srv.stop();
  }
});

test("connect --udp: a server that answers nothing (--udp-budget below one datagram) gives exit 6", async () => {
  const srv = await serveInProcess(["--udp", "--udp-budget", "10"]);
  try {
    const args = ["127.0.0.1", String(srv.port), "--udp", "-c", "2", "-i", "0", "--timeout", "0.2"];
    const r = await runConnectAsync([...args, "--json"]);
    assert.equal(r.code, 6, r.stderr);
    const evs = r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(evs.map((e) => e.event), ["connected", "lost", "lost", "error", "summary"]);
    assert.equal(evs[3].errno, "ETIMEDOUT");
    assert.equal(evs[3].exitCode, 6);
    assert.equal(evs[4].end, "timeout");
    assert.equal(evs[4].lossPct, 100);
    const plain = await runConnectAsync(args);
    assert.equal(plain.code, 6, plain.stderr);
    assert.match(plain.stdout.toString(), /2 sent, 0 received, 100% lost/);
    assert.match(plain.stderr, /No echo from 127\.0\.0\.1:\d+: 2 datagrams sent, none answered/);
  } finally {
    await srv.stop();
  }
});

test("connect --udp: no server gives 'no UDP echo service (ICMP port unreachable)', exit 5", async () => {
  const port = await deadPort();
  const r = await runConnectAsync(["127.0.0.1", String(port), "--udp", "-c", "2", "-i", "0"]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /no UDP echo service \(ICMP port unreachable\)/);
  const j = await runConnectAsync(["127.0.0.1", String(port), "--udp", "--json"], "hi\n");
  assert.equal(j.code, 5, j.stderr);
  const evs = j.stdout.toString().trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(evs.map((e) => e.event), ["connected", "error", "summary"]);
  assert.equal(evs[1].errno, "ECONNREFUSED");
  assert.equal(evs[1].exitCode, 5);
  assert.equal(evs[2].end, "refused");
});

test("connect --udp on Deno without --allow-ffi: ICMP is not visible, so no server reads as loss, exit 6", async (t) => {
  if (RUNTIME !== "deno") {
    t.skip("Deno only: Bun's node:dgram passes ICMP errors on");
    return;
  }
  const port = await deadPort();
  const r = spawnSync(EXEC, [
    "run",
    "--no-check",
    "--allow-net",
    join(ROOT, "cmd", "main.ts"),
    "connect",
    "127.0.0.1",
    String(port),
    "--udp",
    "-c",
    "2",
    "-i",
    "0",
    "--timeout",
    "0.2",
  ], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, timeout: 30_000 });
  const err = r.stderr.toString();
  assert.equal(r.status, 6, err);
  assert.match(err, /cannot see ICMP port unreachable/);
  assert.match(err, /none answered within 200 ms/);
});

test("connect --udp with --clients or --naive is a usage error (exit 2)", async () => {
  for (const extra of [["--clients", "2"], ["--naive"]]) {
    const r = await runConnectAsync(["127.0.0.1", "9", "--udp", ...extra]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Cannot use --udp with/);
  }
});

test("connect --udp: Ctrl-C while waiting on stdin ends the run with the summary, exit 0", async () => {
  const srv = await serveInProcess(["--udp"]);
  const c = watchConnect(["127.0.0.1", String(srv.port), "--udp"]);
  try {
    c.child.stdin!.write("one\n");
    await waitFor(() => c.out() === "one\n", 10_000, "the echo of 'one'");
    process.kill(c.child.pid!, "SIGINT");
    await waitFor(() => c.code() !== null, 10_000, "exit after SIGINT");
    assert.equal(c.code(), 0, c.err());
    assert.match(c.err(), /1 sent, 1 received, 0% lost/);
  } finally {
    c.stop();
    await srv.stop();
  }
});
