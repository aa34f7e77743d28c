/**
 * `explain --threads N` gives byte for byte the output of one thread, for
 * every capture in tests/fixtures and every deterministic format, with its
 * shards run in this thread behind the worker interface (the CLI test runs
 * real worker threads).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { relative } from "node:path";
import { join } from "../support/path.ts";
import { ROOT } from "../support/helpers.ts";
import { writeFileSync } from "node:fs";
import {
  backwardsCapture,
  capturesUnder,
  damagedInterleavedCapture,
  explainInProcess,
  interleavedCapture,
  inThreadShard,
  THREAD_FORMATS,
} from "../support/threads.ts";
import { tempDir } from "../support/helpers.ts";

const FORMATS = THREAD_FORMATS;

const FIXTURES = capturesUnder(join(ROOT, "tests", "fixtures"));

test("threads: the fixtures are there", () => {
  assert.ok(FIXTURES.length >= 60, `${FIXTURES.length} captures`);
});

for (const file of FIXTURES) {
  const name = relative(ROOT, file);
  test(`threads: ${name}: 2 and 3 shards give the output of 1`, { timeout: 60_000 }, async () => {
    for (const f of FORMATS) {
      const req = { files: [file], format: f.format, summary: f.summary };
      const one = await explainInProcess({ ...req, threads: 1 });
      for (const threads of f.summary || f.format === "ndjson" ? [2, 3] : [2]) {
        const many = await explainInProcess({ ...req, threads, spawn: inThreadShard });
        assert.equal(many.code, one.code, `${f.name} ×${threads}: exit code`);
        assert.equal(many.stderr, one.stderr, `${f.name} ×${threads}: stderr`);
        assert.equal(many.stdout, one.stdout, `${f.name} ×${threads}: stdout`);
      }
    }
  });
}

test("threads: colour, and filters by port and host, give the output of 1", {
  timeout: 60_000,
}, async () => {
  const file = join(ROOT, "tests", "fixtures", "explain", "lossy-bulk.pcap");
  for (const f of FORMATS) {
    for (const filter of [{}, { port: 9877 }, { host: "198.18.0.1" }, { port: 1 }]) {
      const req = { files: [file], format: f.format, summary: f.summary, filter };
      for (const color of [false, true]) {
        const one = await explainInProcess({ ...req, threads: 1 }, color);
        const two = await explainInProcess({ ...req, threads: 2, spawn: inThreadShard }, color);
        assert.deepEqual(two, one, `${f.name} ${JSON.stringify(filter)} colour ${color}`);
      }
    }
  }
});

test(
  "threads: interleaved connections (ids, same-frame ends, idle expiry, port reuse, connections that continue ended ones) and a damaged copy: 2, 3 and 4 shards give the output of 1",
  {
    timeout: 120_000,
  },
  async () => {
    const dir = tempDir("tcpecho-threads-");
    try {
      const good = join(dir.path, "interleaved.pcap"), bad = join(dir.path, "damaged.pcap");
      writeFileSync(good, interleavedCapture());
      writeFileSync(bad, damagedInterleavedCapture());
      for (const file of [good, bad]) {
        for (const f of FORMATS) {
          const req = { files: [file], format: f.format, summary: f.summary };
          const one = await explainInProcess({ ...req, threads: 1 });
          assert.equal(one.code, file === bad ? 1 : 0, one.stderr);
          if (file === good && f.name === "--summary") {
            assert.match(one.stdout, /^1\d\d connection\(s\)/m, "about 130 connections");
            assert.match(one.stdout, /expired \(reported, not dropped\): half-open \d+/);
          }
          if (file === good && f.name === "text") {
            assert.match(one.stdout, /continues connection #\d+/, "a connection continues one");
          }
          if (file === bad) assert.match(one.stderr + one.stdout, /warning/);
          for (const threads of [2, 3, 4]) {
            const many = await explainInProcess({ ...req, threads, spawn: inThreadShard });
            assert.deepEqual(many, one, `${file} ${f.name} ×${threads}`);
          }
        }
      }
    } finally {
      dir.cleanup();
    }
  },
);

test(
  "threads: timestamps that go back past the idle limits and forward again: 2, 3 and 4 shards give the output of 1",
  {
    timeout: 120_000,
  },
  async () => {
    const dir = tempDir("tcpecho-threads-");
    try {
      const file = join(dir.path, "backwards.pcap");
      writeFileSync(file, backwardsCapture());
      for (const f of FORMATS) {
        const req = { files: [file], format: f.format, summary: f.summary };
        const one = await explainInProcess({ ...req, threads: 1 });
        if (f.name === "--summary") assert.match(one.stdout, /expired \(reported, not dropped\)/);
        for (const threads of [2, 3, 4]) {
          const many = await explainInProcess({ ...req, threads, spawn: inThreadShard });
          assert.deepEqual(many, one, `${f.name} ×${threads}`);
        }
      }
    } finally {
      dir.cleanup();
    }
  },
);

test("threads: a capture set (two files merged by time) with text and --summary: the output of 1", {
  timeout: 60_000,
}, async () => {
  const files = [
    join(ROOT, "tests", "fixtures", "formats", "two-sections.pcapng"),
    join(ROOT, "tests", "fixtures", "explain", "lossy-bulk.pcap"),
  ];
  for (const summary of [true, false]) {
    const req = { files, format: "text" as const, summary };
    const one = await explainInProcess({ ...req, threads: 1 });
    assert.match(one.stdout, /capture set of 2 files/);
    const two = await explainInProcess({ ...req, threads: 2, spawn: inThreadShard });
    assert.deepEqual(two, one, `summary ${summary}`);
  }
});
