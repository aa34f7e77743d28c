import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { ROOT, skipUnless, tempDir } from "../support/helpers.ts";

const BUN = join(ROOT, "node_modules", ".bin", "bun");
const DENO = join(ROOT, "node_modules", ".bin", "deno");
const SAMPLE = join(ROOT, "samples", "server-process-terminated.pcap");

/** Runs a compiled binary from a folder with no node_modules and PATH=/usr/bin only. */
function runIsolated(bin: string, args: string[], cwd: string) {
  return spawnSync(bin, args, { cwd, env: { PATH: "/usr/bin", NO_COLOR: "1" }, timeout: 30_000 });
}

test("binary: bun build --compile makes a self-contained tcpecho that runs with PATH=/usr/bin", {
  timeout: 300_000,
}, () => {
  const dir = tempDir("tcpecho-bin-");
  try {
    const out = join(dir.path, "build", "tcpecho");
    const b = spawnSync(BUN, [
      "build",
      "--compile",
      "--minify",
      "cmd/main.ts",
      "cmd/explain_worker.ts",
      "--outfile",
      out,
    ], {
      cwd: ROOT,
      timeout: 120_000,
    });
    assert.equal(b.status, 0, b.stderr?.toString());
    const bin = join(dir.path, "tcpecho");
    copyFileSync(out, bin);
    const r = runIsolated(bin, ["--version"], dir.path);
    assert.equal(r.status, 0, r.stderr?.toString());
    assert.match(r.stdout.toString(), /^tcpecho \d+\.\d+\.\d+ \(bun /);
    const usage = runIsolated(bin, ["explain", "--bogus"], dir.path);
    assert.equal(usage.status, 2);
    if (existsSync(SAMPLE)) {
      copyFileSync(SAMPLE, join(dir.path, "sample.pcap"));
      const e = runIsolated(bin, ["explain", "sample.pcap", "--summary"], dir.path);
      const notBuilt = /not built yet/.test(e.stderr.toString());
      if (!notBuilt) {
        assert.equal(e.status, 0, e.stderr.toString());
        assert.match(e.stdout.toString(), /server-process-terminated/);
        // The worker module is inside the binary (a second entry point).
        const t = runIsolated(
          bin,
          ["explain", "sample.pcap", "--summary", "--threads", "2"],
          dir.path,
        );
        assert.equal(t.status, 0, t.stderr.toString());
        assert.equal(t.stdout.toString(), e.stdout.toString());
      }
    }
  } finally {
    dir.cleanup();
  }
});

const denort = process.env.DENORT_BIN;
test(
  "binary: deno compile with DENORT_BIN makes a binary that runs",
  {
    skip: skipUnless(
      Boolean(denort),
      "DENORT_BIN is not set: deno compile needs Deno's denort runtime, which cannot be downloaded here",
    ),
  },
  () => {
    const dir = tempDir("tcpecho-denobin-");
    try {
      const bin = join(dir.path, "tcpecho-deno");
      const c = spawnSync(
        DENO,
        ["compile", "--allow-read", "--allow-env", "--allow-net", "--output", bin, "cmd/main.ts"],
        { cwd: ROOT, timeout: 180_000, env: { ...process.env } },
      );
      assert.equal(c.status, 0, c.stderr?.toString());
      const r = runIsolated(bin, ["--version"], dir.path);
      assert.equal(r.status, 0, r.stderr?.toString());
      assert.match(r.stdout.toString(), /\(deno /);
    } finally {
      dir.cleanup();
    }
  },
);
