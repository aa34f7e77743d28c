/**
 * `explain --threads N` with real worker threads, on both runtimes: the
 * output, warnings and exit code are those of one thread (in this process,
 * and through the CLI for a damaged capture, stdin, html and a bad value).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "../support/path.ts";
import { ROOT, runCli, tempDir } from "../support/helpers.ts";
import {
  damagedInterleavedCapture,
  explainInProcess,
  interleavedCapture,
  THREAD_FORMATS,
} from "../support/threads.ts";

const FORMATS = THREAD_FORMATS.slice(0, 5);

function captures(dir: string): string[] {
  const good = join(dir, "interleaved.pcap"), bad = join(dir, "damaged.pcap");
  writeFileSync(good, interleavedCapture());
  writeFileSync(bad, damagedInterleavedCapture());
  return [
    good,
    bad,
    join(ROOT, "tests", "fixtures", "formats", "two-sections.pcapng"),
    join(ROOT, "tests", "fixtures", "explain", "lossy-bulk.pcap"),
  ];
}

test("threads: 2 worker threads give the output of 1 (every format, damaged capture too)", {
  timeout: 120_000,
}, async () => {
  const dir = tempDir("tcpecho-threads-");
  try {
    for (const file of captures(dir.path).slice(0, 3)) {
      for (const f of FORMATS) {
        const req = { files: [file], format: f.format, summary: f.summary };
        const one = await explainInProcess({ ...req, threads: 1 });
        const two = await explainInProcess({ ...req, threads: 2 });
        assert.deepEqual(two, one, `${file} ${f.name}`);
      }
    }
  } finally {
    dir.cleanup();
  }
});

test("threads: the CLI with --threads 2 on a damaged file, stdin and html: as --threads 1", {
  timeout: 120_000,
}, () => {
  const dir = tempDir("tcpecho-threads-");
  try {
    const [good, bad] = captures(dir.path);
    const runs: [string[], Uint8Array?][] = [
      [["explain", bad, "--summary"]],
      [["explain", bad, "--format", "ndjson"]],
      [["explain", "-", "--format", "ndjson"], readFileSync(good)],
      [["explain", good, "--format", "html"]],
    ];
    for (const [args, input] of runs) {
      const one = runCli([...args, "--threads", "1"], { input, timeoutMs: 60_000 });
      const two = runCli([...args, "--threads", "2"], { input, timeoutMs: 60_000 });
      assert.deepEqual(two, one, args.join(" "));
      assert.equal(one.code, args[1] === bad ? 1 : 0, one.stderr);
    }
  } finally {
    dir.cleanup();
  }
});

test("threads: --threads must be a whole number from 1", () => {
  for (const v of ["0", "1.5", "x"]) {
    const r = runCli(["explain", "tests/fixtures/explain/normal.pcap", "--threads", v]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--threads/);
  }
});
