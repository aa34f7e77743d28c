import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServe } from "../support/echo_helpers.ts";
import { isRoot, runCli, skipUnless, tempDir } from "../support/helpers.ts";

const skip = skipUnless(isRoot(), "--trace captures: needs root (CAP_NET_RAW)");

test(
  "connect --trace-file: the usual result, then its own connection explained normal; the file is kept",
  {
    skip,
    timeout: 60_000,
  },
  async () => {
    const srv = await startServe([]);
    const dir = tempDir();
    const file = join(dir.path, "trace.pcap");
    try {
      const r = runCli(
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
      const ex = runCli(["explain", "--format", "ndjson", "--summary", file]);
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
  // A port nothing listens on: serve's, once it has stopped.
  const srv = await startServe([]);
  await srv.stop();
  const r = runCli(["probe", "127.0.0.1", String(srv.port), "-c", "1", "--trace"], {
    timeoutMs: 30_000,
  });
  assert.equal(r.code, 5, r.stdout + r.stderr);
  const at = r.stdout.indexOf("── trace (");
  assert.ok(at > r.stdout.indexOf("probe statistics"), r.stdout);
  assert.match(r.stdout.slice(at), /connection-refused \(§4\.3\)/);
});
