import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { closedPort, waitFor } from "../support/echo_helpers.ts";
import { isRoot, runCliAsync, skipUnless, spawnCli, tempDir } from "../support/helpers.ts";
import { cli, serveInProcess } from "../support/cli_inproc.ts";

const skip = skipUnless(isRoot(), "--trace captures: needs root (CAP_NET_RAW)");

test(
  "connect --trace-file: the usual result, then its own connection explained normal; the file is kept",
  {
    skip,
    timeout: 60_000,
  },
  async () => {
    const srv = await serveInProcess([]);
    const dir = tempDir();
    const file = join(dir.path, "trace.pcap");
    try {
      const r = await runCliAsync(
        ["connect", "127.0.0.1", String(srv.port), "-c", "2", "-i", "0.1", "--trace-file", file],
        { timeoutMs: 30_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      const at = r.stdout.indexOf("── trace (");
      assert.ok(at > r.stdout.indexOf("echo statistics"), r.stdout);
      const trace = r.stdout.slice(at);
      assert.match(
        trace,
        new RegExp(`127\\.0\\.0\\.1:\\d+ → 127\\.0\\.0\\.1:${srv.port}\\s+normal`),
      );
      assert.equal((trace.match(/^#\d+ /gm) ?? []).length, 1, trace);
      const ex = await cli(["explain", "--format", "ndjson", "--summary", file]);
      assert.equal(ex.code, 0, ex.stderr);
      assert.equal(JSON.parse(ex.stdout.trim()).scenario, "normal");
    } finally {
      await srv.stop();
      dir.cleanup();
    }
  },
);

test("probe --trace: a refused probe keeps exit 5 and is explained connection-refused", {
  skip,
  timeout: 60_000,
}, async () => {
  // A port nothing listens on.
  const port = await closedPort();
  const r = await runCliAsync(["probe", "127.0.0.1", String(port), "-c", "1", "--trace"], {
    timeoutMs: 30_000,
  });
  assert.equal(r.code, 5, r.stdout + r.stderr);
  const at = r.stdout.indexOf("── trace (");
  assert.ok(at > r.stdout.indexOf("probe statistics"), r.stdout);
  assert.match(r.stdout.slice(at), /connection-refused \(§4\.3\)/);
});

test("probe --trace: only the probes' own connections, while another client talks to the port", {
  skip,
  timeout: 90_000,
}, async () => {
  const srv = await serveInProcess([]);
  // Another client on the same port during the whole probe: its segments are
  // in the capture (same filter), its connection must not be in the trace.
  const other = spawnCli(["connect", "127.0.0.1", String(srv.port), "-c", "40", "-i", "0.1"]);
  let otherOut = "";
  other.stdout.on("data", (d) => (otherOut += d));
  try {
    await waitFor(() => /seq=1 /.test(otherOut), 20_000, "the other client's first echo");
    const r = await runCliAsync(
      ["probe", "127.0.0.1", String(srv.port), "-c", "2", "-i", "0.2", "--trace"],
      { timeoutMs: 30_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const ports = [...r.stdout.matchAll(/\(local port (\d+)\)/g)].map((m) => m[1]);
    assert.equal(ports.length, 2, r.stdout);
    const trace = r.stdout.slice(r.stdout.indexOf("── trace ("));
    const shown = [...trace.matchAll(/^#\d+ 127\.0\.0\.1:(\d+) → /gm)].map((m) => m[1]);
    assert.deepEqual(shown.sort(), ports.sort(), trace);
  } finally {
    other.kill("SIGKILL");
    await srv.stop();
  }
});
