/**
 * The serve and connect options the slow-connection lab scenarios use:
 * `serve --read-rate/--lines/--rcvbuf/--sndbuf/--nodelay`, `connect
 * --bulk/--writes/--nodelay/--rcvbuf/--sndbuf`, their range checks (usage
 * error, exit 2), on loopback.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "../support/cli_inproc.ts";
import { runConnectAsync, spawnConnect, waitFor } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";

test("serve and connect: the slow-lab options are range-checked (usage error, exit 2)", {
  timeout: 120_000,
}, async () => {
  const cases: [string[], RegExp][] = [
    [["serve", "--read-rate", "0"], /--read-rate: '0'/],
    [["serve", "--rcvbuf", "100"], /--rcvbuf: '100' \(expected an integer from 1024/],
    [["serve", "--sndbuf", "1e12"], /--sndbuf/],
    [["serve", "--nodelay", "maybe"], /--nodelay: 'maybe' \(expected one of: on, off\)/],
    [["connect", "127.0.0.1", "1", "--bulk", "0"], /--bulk: '0'/],
    [["connect", "127.0.0.1", "1", "--bulk", "10", "--count", "2"], /--bulk with --count/],
    [["connect", "127.0.0.1", "1", "--writes", "2"], /--writes without --count/],
    [["connect", "127.0.0.1", "1", "--count", "1", "--size", "10", "--writes", "11"], /--writes/],
    [["connect", "127.0.0.1", "1", "--rcvbuf", "12x"], /--rcvbuf: '12x'/],
    [["connect", "127.0.0.1", "1", "--discard"], /--discard without --bulk/],
    [["connect", "127.0.0.1", "1", "--udp", "--nodelay", "off"], /with --udp/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
  }
});

test("connect --bulk: every byte echoed and checked, a summary; --json ends with mode bulk", {
  timeout: 60_000,
}, async () => {
  const srv = await serveInProcess(["--log", "none"]);
  try {
    const r = await runConnectAsync(["127.0.0.1", String(srv.port), "--bulk", String(1 << 20)]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.toString();
    assert.match(out, /^BULK 127\.0\.0\.1:\d+: 1048576 bytes\n/);
    assert.match(out, /1048576 bytes sent, 1048576 echoed, 0 mismatched, [\d.]+ s, [\d.]+ Mbit\/s/);
    const j = await runConnectAsync(["127.0.0.1", String(srv.port), "--bulk", "5000", "--json"]);
    assert.equal(j.code, 0, j.stderr);
    const events = j.stdout.toString().trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.event), ["connected", "fin-sent", "peer-fin", "summary"]);
    const s = events.at(-1);
    assert.equal(s.mode, "bulk");
    assert.equal(s.bytesSent, 5000);
    assert.equal(s.bytesReceived, 5000);
    assert.equal(s.mismatched, 0);
    assert.equal(s.end, "done");
  } finally {
    await srv.stop();
  }
});

test("connect --bulk: a server that closes early is a premature FIN (exit 3)", {
  timeout: 60_000,
}, async () => {
  // The bulk stream has a newline every 251 bytes: --close-after 2 closes after 502 bytes.
  const srv = await serveInProcess(["--log", "none", "--close-after", "2"]);
  try {
    const r = await runConnectAsync(["127.0.0.1", String(srv.port), "--bulk", "100000"]);
    assert.ok(r.code === 3 || r.code === 4, `${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /server terminated prematurely|ECONNRESET|EPIPE/);
    // The partial summary still comes (the server's RST can beat its 502 echoed bytes).
    assert.match(r.stdout.toString(), /\d+ bytes sent, \d+ echoed, 0 mismatched/);
  } finally {
    await srv.stop();
  }
});

test("serve --lines holds a partial line until its newline; --writes 2 --nodelay off round trips", {
  timeout: 60_000,
}, async () => {
  const srv = await serveInProcess(["--log", "none", "--lines", "--nodelay", "off"]);
  try {
    const c = spawnConnect(["127.0.0.1", String(srv.port)]);
    let out = "";
    c.stdout!.on("data", (d) => (out += d));
    c.stdin!.write("ab");
    // Nothing may come back for a partial line (bounded wait: 300 ms).
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(out, "");
    c.stdin!.write("c\nde");
    await waitFor(() => out === "abc\n", 10_000, "the whole line's echo");
    c.stdin!.end(); // FIN: the server echoes the partial rest, then closes
    await waitFor(() => out === "abc\nde", 10_000, "the rest at FIN");
    await waitFor(() => c.exitCode !== null, 10_000, "connect to exit");
    assert.equal(c.exitCode, 0);
    const r = await runConnectAsync([
      "127.0.0.1",
      String(srv.port),
      "--count",
      "3",
      "--interval",
      "0",
      "--size",
      "100",
      "--writes",
      "2",
      "--nodelay",
      "off",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /3 sent, 3 echoed, 0 mismatched/);
  } finally {
    await srv.stop();
  }
});

test(
  "serve --read-rate paces its reads (a lower bound only), with --rcvbuf/--sndbuf on both ends",
  {
    timeout: 60_000,
  },
  async () => {
    const srv = await serveInProcess([
      "--log",
      "json",
      "--read-rate",
      "100000",
      "--rcvbuf",
      "4096",
      "--sndbuf",
      "4096",
    ]);
    try {
      const r = await runConnectAsync([
        "127.0.0.1",
        String(srv.port),
        "--bulk",
        "60000",
        "--rcvbuf",
        "8192",
        "--sndbuf",
        "8192",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.toString(), /60000 bytes sent, 60000 echoed, 0 mismatched/);
      await waitFor(() => srv.stderr().includes('"closed"'), 10_000, "the server's closed line");
      const closed = JSON.parse(srv.stderr().split("\n").find((l) => l.includes('"closed"'))!);
      assert.equal(closed.bytesIn, 60000);
      // 60,000 bytes at 100,000 bytes/s cannot take less than about 0.6 s, however idle
      // the machine: the bound is the pacing's, not a speed claim.
      assert.ok(closed.durationMs >= 450, `durationMs ${closed.durationMs}`);
    } finally {
      await srv.stop();
    }
  },
);

test("serve --discard with connect --bulk --discard: everything sent, nothing back, exit 0", {
  timeout: 60_000,
}, async () => {
  const srv = await serveInProcess(["--log", "json", "--discard"]);
  try {
    const r = await runConnectAsync([
      "127.0.0.1",
      String(srv.port),
      "--bulk",
      "200000",
      "--discard",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout.toString(),
      /^BULK 127\.0\.0\.1:\d+: 200000 bytes \(discard: no echo expected\)/,
    );
    assert.match(r.stdout.toString(), /200000 bytes sent, 0 came back, [\d.]+ s, [\d.]+ Mbit\/s\n/);
    await waitFor(() => srv.stderr().includes('"closed"'), 10_000, "the server's closed line");
    const closed = JSON.parse(srv.stderr().split("\n").find((l) => l.includes('"closed"'))!);
    assert.equal(closed.bytesIn, 200000);
    assert.equal(closed.bytesOut, 0);
    assert.equal(closed.reason, "peer-fin");
  } finally {
    await srv.stop();
  }
});
