/**
 * Durations at and beyond the 2^31-1 ms a bare setTimeout holds (issue 12):
 * before, each of these fired after 1 ms (connect said ETIMEDOUT at once on
 * Deno, serve echoed at once, probe said "still up" at once). Beyond one year
 * an option is a usage error (exit 2) naming the option as typed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { cli } from "../support/cli_inproc.ts";
import { runConnectAsync, startServe, waitFor } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";
import { startCli } from "../support/probe_run.ts";

test("timers/connect --timeout 3000000 (over 2^31 ms) connects and echoes", {
  timeout: 30_000,
}, async () => {
  const srv = await serveInProcess([]);
  try {
    const r = await runConnectAsync(
      ["127.0.0.1", String(srv.port), "--timeout", "3000000"],
      "hi\n",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "hi\n");
  } finally {
    await srv.stop();
  }
});

test("timers/serve --delay 3000000000 (ms, over 2^31) holds the echo back", {
  timeout: 30_000,
}, async () => {
  const srv = await startServe(["--delay", "3000000000"]);
  const s = net.connect({ host: "127.0.0.1", port: srv.port });
  try {
    let got = "";
    s.on("data", (d) => (got += d));
    s.on("error", () => {});
    await new Promise<void>((r) => s.once("connect", () => r()));
    s.write("now?\n");
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(got, "", "the echo came back at once: the delay wrapped to 1 ms");
  } finally {
    s.destroy();
    await srv.stop();
  }
});

test("timers/probe --keepalive --duration 3000000 keeps watching, Ctrl-C ends it with exit 0", {
  timeout: 30_000,
}, async () => {
  const srv = await serveInProcess([]);
  const cli = startCli([
    "probe",
    "127.0.0.1",
    String(srv.port),
    "--keepalive",
    "--duration",
    "3000000",
  ]);
  try {
    await waitFor(() => /watching the idle connection/.test(cli.stdout()), 15_000, "watching");
    await new Promise((r) => setTimeout(r, 1500));
    assert.doesNotMatch(cli.stdout(), /watch time reached/);
    cli.kill("SIGINT");
    assert.equal(await cli.exit(10_000), 0, cli.stderr());
  } finally {
    cli.kill("SIGKILL");
    await srv.stop();
  }
});

test("timers/limits: one year is the most; beyond it exit 2 naming the option as typed", {
  timeout: 120_000,
}, async () => {
  const cases: [string[], RegExp][] = [
    [["connect", "127.0.0.1", "--timeout", "1e12"], /Invalid value for --timeout: '1e12'/],
    [["connect", "127.0.0.1", "--timeout=31536001"], /--timeout: '31536001'/],
    [["serve", "--delay", "31536000001"], /Invalid value for --delay/],
    [["serve", "--idle-timeout", "1e300"], /Invalid value for --idle-timeout/],
    [["serve", "--max-buffer", "2e9"], /Invalid value for --max-buffer/],
    [["probe", "127.0.0.1", "--keepalive", "--duration", "31536001"], /--duration/],
    [["probe", "127.0.0.1", "-W", "1e9"], /Invalid value for -W: '1e9'/],
    [["probe", "127.0.0.1", "--heartbeat", "1e6"], /Invalid value for --heartbeat/],
    [["connect", "127.0.0.1", "-c", "3", "-i", "1e7"], /Invalid value for -i/],
  ];
  for (const [args, want] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, want);
  }
});
