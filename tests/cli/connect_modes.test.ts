import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "../support/cli_inproc.ts";
import process from "node:process";
import { closedPort, runConnectAsync, spawnConnect, waitFor } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";
import { RttSamples } from "../../lib/echo/stats.ts";
import { message } from "../../lib/echo/pinger.ts";

test("connect --count: per-message round trips and a min/avg/max/p50/p99 summary", async () => {
  const srv = await serveInProcess([]);
  try {
    const r = await runConnectAsync(
      ["127.0.0.1", String(srv.port), "--count", "4", "--interval", "0.01", "--size", "100"],
    );
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString();
    for (let i = 1; i <= 4; i++) {
      assert.match(
        out,
        new RegExp(`100 bytes from 127\\.0\\.0\\.1:\\d+: seq=${i} time=[\\d.]+ ms`),
      );
    }
    assert.match(out, /4 sent, 4 echoed, 0 mismatched, 0% lost/);
    assert.match(out, /rtt min\/avg\/max\/p50\/p99 = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/);
  } finally {
    await srv.stop();
  }
});

test("connect --count: server --close-after 2: summary, then exit 3 (UNP §5.12)", async () => {
  const srv = await serveInProcess(["--close-after", "2"]);
  try {
    const r = await runConnectAsync(["127.0.0.1", String(srv.port), "-c", "5", "-i", "0.01"]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout.toString(), /3 sent, 2 echoed/);
    assert.match(r.stderr, /server terminated prematurely/);
  } finally {
    await srv.stop();
  }
});

test("connect --clients: load mode reports round trips/s and percentiles", async () => {
  const srv = await serveInProcess(["--log", "none"]);
  try {
    const r = await runConnectAsync([
      "127.0.0.1",
      String(srv.port),
      "--clients",
      "10",
      "--duration",
      "0.5",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString();
    assert.match(out, /10\/10 clients connected/);
    assert.match(out, /\d+ round trips in [\d.]+ s: \d+ round trips\/s/);
    assert.match(out, /rtt min\/avg\/max\/p50\/p99/);
  } finally {
    await srv.stop();
  }
});

test("connect --clients: refused everywhere exits 5", async () => {
  const port = await closedPort();
  const r = await runConnectAsync([
    "127.0.0.1",
    String(port),
    "--clients",
    "3",
    "--duration",
    "0.2",
  ]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stdout.toString(), /0\/3 clients connected/);
});

test("connect --count: usage/bad --size exits 2", async () => {
  const r = await cli(["connect", "127.0.0.1", "9", "--count", "1", "--size", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Invalid value for --size: '0'/);
});

test("echo stats: percentiles/nearest rank over samples", () => {
  const s = new RttSamples();
  for (let i = 1; i <= 100; i++) s.add(i);
  const sum = s.summary();
  assert.deepEqual([sum.min, sum.max, sum.p50, sum.p99, sum.avg], [1, 100, 50, 99, 50.5]);
  const small = new RttSamples(10);
  for (let i = 0; i < 1000; i++) small.add(1);
  assert.equal(small.summary().count, 1000);
});

test("echo pinger: message/newline-terminated, rotates with seq", () => {
  assert.equal(new TextDecoder().decode(message(1, 4)), "bcd\n");
  assert.equal(message(0, 1)[0], 0x0a);
});

test("connect --count: SIGINT ends the run with the summary, exit 0 (like ping)", async () => {
  const srv = await serveInProcess(["--log", "none"]);
  const child = spawnConnect(["127.0.0.1", String(srv.port), "-c", "1000", "-i", "0.05"]);
  let out = "";
  let code: number | null = null;
  child.stdout!.on("data", (d) => (out += d));
  child.on("exit", (c) => (code = c));
  try {
    await waitFor(() => out.includes("seq=2 "), 10_000, "two round trips");
    process.kill(child.pid!, "SIGINT");
    await waitFor(() => code !== null, 10_000, "exit after SIGINT");
    assert.equal(code, 0);
    assert.match(out, /\d+ sent, \d+ echoed, 0 mismatched/);
    assert.match(out, /rtt min\/avg\/max\/p50\/p99/);
  } finally {
    if (code === null) child.kill("SIGKILL");
    await srv.stop();
  }
});
