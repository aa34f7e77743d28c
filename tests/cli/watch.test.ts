import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { runConnectAsync, waitFor, watchConnect } from "../support/echo_helpers.ts";
import {
  cliArgv,
  EXEC,
  haveCommand,
  isRoot,
  ROOT,
  runCli,
  skipUnless,
  tempDir,
} from "../support/helpers.ts";
import { cli, serveInProcess } from "../support/cli_inproc.ts";
import { startWatch } from "../support/watch.ts";

const ROOT_SKIP = skipUnless(isRoot(), "live capture needs root (CAP_NET_RAW)");

for (const backend of ["ffi", "tcpdump"] as const) {
  const skip = ROOT_SKIP ||
    (backend === "tcpdump" && skipUnless(haveCommand("tcpdump"), "tcpdump is not installed"));
  test(
    `watch (${backend}): an echo exchange on lo is reported normal as it ends; -w keeps a capture explain reads`,
    {
      skip,
      timeout: 60_000,
    },
    async () => {
      const srv = await serveInProcess([]);
      const dir = tempDir();
      const file = join(dir.path, "kept.pcap");
      const w = await startWatch([
        "-i",
        "lo",
        "--capture",
        backend,
        "-w",
        file,
        `tcp port ${srv.port}`,
      ]);
      try {
        const r = await runConnectAsync(["127.0.0.1", String(srv.port), "-c", "2", "-i", "0.1"]);
        assert.equal(r.code, 0, r.stderr);
        // Reported when the connection ends, before the watch is stopped.
        await waitFor(
          () => /127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+\s+normal/.test(w.out()),
          15_000,
          "the verdict",
        );
        assert.match(w.out(), /── handshake/);
        assert.equal(await w.stop("SIGINT"), 0, w.err());
        assert.match(w.err(), /watch: \d+ packets, 1 connection\(s\)/);
        const ex = await cli(["explain", "--format", "ndjson", "--summary", file]);
        assert.equal(ex.code, 0, ex.stderr);
        const lines = ex.stdout.trim().split("\n").map((l) => JSON.parse(l));
        assert.equal(lines.length, 1);
        assert.equal(lines[0].scenario, "normal");
      } finally {
        await w.stop();
        await srv.stop();
        dir.cleanup();
      }
    },
  );
}

test(
  "watch: --format ndjson --summary writes one line per connection; SIGTERM reports the open one as open",
  {
    skip: ROOT_SKIP,
    timeout: 60_000,
  },
  async () => {
    const srv = await serveInProcess([]);
    const w = await startWatch([
      "-i",
      "lo",
      "--format",
      "ndjson",
      "--summary",
      `tcp port ${srv.port}`,
    ]);
    const open = watchConnect(["127.0.0.1", String(srv.port)]);
    try {
      const r = await runConnectAsync(["127.0.0.1", String(srv.port), "-c", "1"]);
      assert.equal(r.code, 0, r.stderr);
      await waitFor(() => w.out().includes("\n"), 15_000, "the first ndjson line");
      open.child.stdin!.write("still here\n");
      await waitFor(() => open.out().includes("still here"), 10_000, "the echo");
      // The capture hands packets over in blocks (about 50 ms): let the last ones arrive.
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await w.stop("SIGTERM"), 0, w.err());
      const lines = w.out().trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => l.scenario), ["normal", "open"]);
    } finally {
      open.stop();
      await w.stop();
      await srv.stop();
    }
  },
);

test("watch: --idle reports a quiet connection as still open and forgets it", {
  skip: ROOT_SKIP,
  timeout: 60_000,
}, async () => {
  const srv = await serveInProcess([]);
  const w = await startWatch(["-i", "lo", "--summary", "--idle", "1", `tcp port ${srv.port}`]);
  const open = watchConnect(["127.0.0.1", String(srv.port)]);
  try {
    open.child.stdin!.write("hello\n");
    await waitFor(() => open.out().includes("hello"), 10_000, "the echo");
    await waitFor(() => /saw no packet for 1 s/.test(w.err()), 15_000, "the idle line");
    assert.match(w.out(), /\sopen\s/);
    assert.equal(await w.stop(), 0, w.err());
  } finally {
    open.stop();
    await w.stop();
    await srv.stop();
  }
});

test("watch: a filter that does not compile is a usage error", { skip: ROOT_SKIP }, () => {
  const r = runCli(["watch", "-i", "lo", "tcp port nonsense-word"], { timeoutMs: 20_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Bad capture filter 'tcp port nonsense-word'/);
});

const SETPRIV = spawnSync("sh", ["-c", "command -v setpriv"]).status === 0;

test("watch: without the privilege to capture, one line names CAP_NET_RAW and setcap, exit 1", {
  skip: skipUnless(isRoot() && SETPRIV, "needs root and setpriv to run as nobody"),
  timeout: 30_000,
}, () => {
  const r = spawnSync("setpriv", [
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    EXEC,
    ...cliArgv(["watch", "-i", "lo"]),
  ], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", HOME: "/tmp", DENO_DIR: "/tmp/tcpecho-nobody-deno" },
    timeout: 25_000,
  });
  const err = r.stderr.toString();
  assert.equal(r.status, 1, err);
  assert.equal(err.trim().split("\n").length, 1, err);
  assert.match(err, /permission denied/);
  assert.match(err, /CAP_NET_RAW/);
  assert.match(err, /setcap cap_net_raw,cap_net_admin=eip \S+/);
});
