import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { probeExitCode, summarize, timeStats } from "../../lib/probe/stats.ts";
import { resolveTargets } from "../../lib/probe/resolve.ts";
import type { ProbeResult } from "../../lib/probe/types.ts";
import { cli } from "../support/cli_inproc.ts";
import { loopbackPeer, startCli } from "../support/probe_run.ts";

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function result(outcome: ProbeResult["outcome"], ms: number): ProbeResult {
  return { seq: 1, host: "h", address: "127.0.0.1", port: 1, outcome, ms, time: new Date() };
}

test("probe stats: mdev is the population standard deviation, as ping's", () => {
  assert.deepEqual(timeStats([1, 2, 3]), { min: 1, avg: 2, max: 3, mdev: 0.816 });
  assert.equal(timeStats([]), undefined);
});

test("probe stats: every probe failed/summary still counts and loss is 100%", () => {
  const s = summarize([result("refused", 1), result("timeout", 2000)], {
    host: "h",
    address: "127.0.0.1",
    port: 1,
  });
  assert.equal(s.sent, 2);
  assert.equal(s.refused, 1);
  assert.equal(s.timedOut, 1);
  assert.equal(s.lossPct, 100);
  assert.equal(s.connect, undefined);
  assert.deepEqual(s.refusedIn, { min: 1, avg: 1, max: 1, mdev: 0 });
});

test("probe exit code: any connect wins; else most frequent class, latest on a tie", () => {
  assert.equal(probeExitCode([result("refused", 1), result("connected", 1)]), 0);
  assert.equal(probeExitCode([result("timeout", 1), result("refused", 1)]), 5);
  assert.equal(probeExitCode([result("refused", 1), result("timeout", 1)]), 6);
  assert.equal(probeExitCode([result("unreachable", 1), result("unreachable", 1)]), 7);
  assert.equal(probeExitCode([]), 1);
});

test("probe resolve: numeric addresses need no lookup; -6 filters; --all keeps each once", async () => {
  const lookup = () =>
    Promise.resolve([
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
      { address: "127.0.0.1", family: 4 },
    ]);
  assert.deepEqual(
    (await resolveTargets("[::1]", 7, { family: 0, all: false }, lookup)).map((t) => t.address),
    ["::1"],
  );
  const all = await resolveTargets("h", 7, { family: 0, all: true }, lookup);
  assert.deepEqual(all.map((t) => t.address), ["127.0.0.1", "::1"]);
  const v6 = await resolveTargets("h", 7, { family: 6, all: true }, lookup);
  assert.deepEqual(v6.map((t) => [t.address, t.family]), [["::1", 6]]);
});

test("probe cli: open port/every probe connects, summary, exit 0", async () => {
  const { peer, port } = await loopbackPeer("127.0.0.1");
  try {
    const cli = startCli(["probe", "127.0.0.1", String(port), "-c", "3", "-i", "0.05"]);
    assert.equal(await cli.exit(20_000), 0, cli.stderr());
    const out = cli.stdout();
    assert.match(
      out,
      /^PROBE 127\.0\.0\.1:\d+: 3 probes, timeout 2000 ms \(libc connect via (Deno\.dlopen|bun:ffi)\)$/m,
    );
    assert.match(out, /seq=1 connected in \d+\.\d{3} ms \(local port \d+\)/);
    assert.match(out, /3 sent, 3 connected, 0 refused, 0 timed out, 0 unreachable, 0\.0% loss/);
    assert.match(out, /connect min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/);
  } finally {
    peer.kill();
  }
});

test("probe cli: closed port/refused by RST (ECONNREFUSED), exit 5", async () => {
  const port = await closedPort();
  const r = await cli(["probe", "127.0.0.1", String(port), "-c", "2", "-i", "0.05"]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stdout, /seq=2 refused \(RST, ECONNREFUSED\) in [\d.]+ ms/);
  assert.match(
    r.stdout,
    /2 sent, 0 connected, 2 refused, 0 timed out, 0 unreachable, 100\.0% loss/,
  );
  assert.match(r.stdout, /refused \(RST\) min\/avg\/max\/mdev/);
});

test("probe cli: IPv6 loopback with -6 and --timestamps", async () => {
  const { peer, port } = await loopbackPeer("::1");
  try {
    const cli = startCli(["probe", "::1", String(port), "-6", "-c", "1", "-D"]);
    assert.equal(await cli.exit(20_000), 0, cli.stderr());
    assert.match(cli.stdout(), /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] \[::1\]:\d+: seq=1 connected/m);
  } finally {
    peer.kill();
  }
});

test("probe cli: --format json/one document with probes, summary and exit code", async () => {
  const port = await closedPort();
  const r = await cli(["probe", "127.0.0.1", String(port), "-c", "1", "--format", "json"]);
  assert.equal(r.code, 5, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.exitCode, 5);
  assert.equal(doc.targets[0].address, "127.0.0.1");
  assert.equal(doc.targets[0].probes[0].outcome, "refused");
  assert.equal(doc.targets[0].probes[0].errno, "ECONNREFUSED");
  assert.equal(doc.targets[0].summary.lossPct, 100);
});

test("probe cli: --csv/header and one line per probe on stdout, summary on stderr", async () => {
  const port = await closedPort();
  const r = await cli(["probe", "127.0.0.1", String(port), "-c", "2", "-i", "0", "--csv"]);
  assert.equal(r.code, 5, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines[0], "time,host,address,port,seq,outcome,errno,ms,local_port");
  assert.equal(lines.length, 3);
  assert.match(lines[2], /^[\d-]+T[\d:.]+Z,127\.0\.0\.1,127\.0\.0\.1,\d+,2,refused,ECONNREFUSED,/);
  assert.match(r.stderr, /2 sent, 0 connected, 2 refused/);
});

test("probe cli: bad option combinations/usage error, exit 2", async () => {
  for (
    const args of [
      ["-4", "-6"],
      ["--keepidle", "5"],
      ["--keepalive", "--keepcnt", "200"],
      ["--keepalive", "--all"],
      ["--csv", "--format", "json"],
      ["--count", "-1"],
    ]
  ) {
    const r = await cli(["probe", "127.0.0.1", "9", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
  }
});

test("probe cli: --count 0 until Ctrl-C/SIGINT ends the run with the summary, exit 0", async () => {
  const { peer, port } = await loopbackPeer("127.0.0.1");
  try {
    const cli = startCli(["probe", "127.0.0.1", String(port), "-c", "0", "-i", "0.05"]);
    await cli.waitFor(/seq=3 connected/, 15_000);
    cli.kill("SIGINT");
    assert.equal(await cli.exit(15_000), 0, cli.stderr());
    assert.match(cli.stdout(), /^\d+ sent, \d+ connected, 0 refused/m);
  } finally {
    peer.kill();
  }
});
