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
import { cli } from "../support/cli_inproc.ts";
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

// Real worker threads on the damaged capture in every format, and on the other
// two in one format each: a worker costs a runtime start-up, and the shards'
// output in every format and capture is compared with in-thread shards in
// tests/unit/explain_threads.test.ts.
test("threads: 2 worker threads give the output of 1 (every format, damaged capture too)", {
  timeout: 120_000,
}, async () => {
  const dir = tempDir("tcpecho-threads-");
  try {
    const [good, bad, pcapng] = captures(dir.path);
    const runs = [
      ...FORMATS.map((f) => [bad, f] as const),
      [good, FORMATS[1]] as const,
      [pcapng, FORMATS[0]] as const,
    ];
    for (const [file, f] of runs) {
      const req = { files: [file], format: f.format, summary: f.summary };
      const one = await explainInProcess({ ...req, threads: 1 });
      const two = await explainInProcess({ ...req, threads: 2 });
      assert.deepEqual(two, one, `${file} ${f.name}`);
    }
  } finally {
    dir.cleanup();
  }
});

test("threads: the CLI with --threads 2 on a damaged file, stdin and html: as --threads 1", {
  timeout: 120_000,
}, async () => {
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
      // --threads 1 in-process, --threads 2 as a real process with real workers.
      const one = await cli([...args, "--threads", "1"], { input });
      const two = runCli([...args, "--threads", "2"], { input, timeoutMs: 60_000 });
      assert.deepEqual(two, one, args.join(" "));
      assert.equal(one.code, args[1] === bad ? 1 : 0, one.stderr);
    }
  } finally {
    dir.cleanup();
  }
});

test("threads: --threads must be a whole number from 1", async () => {
  for (const v of ["0", "1.5", "x"]) {
    const r = await cli(["explain", "tests/fixtures/explain/normal.pcap", "--threads", v]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--threads/);
  }
});
