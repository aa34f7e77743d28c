/**
 * `explain --threads N` on every capture in ../shared/captures/wild (Zeek's
 * and tcpdump's test trees): 2 shards, run in this thread behind the worker
 * interface (tests/support/threads.ts), give byte for byte the stdout,
 * stderr and exit code of one thread. Captures from other stacks and tools
 * found what the lab's did not (a connection that continues an ended one
 * named by its shard's id; timestamps that jump back: docs/threads.md).
 * Skips with a printed reason when ../shared is absent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { capturesUnder, explainInProcess, inThreadShard } from "../support/threads.ts";

const WILD = join(ROOT, "..", "shared", "captures", "wild");
const SKIP = existsSync(WILD) ? false : `no wild captures at ${WILD}`;
if (SKIP) console.log(`wild_threads: skipped: ${SKIP}`);

const FORMATS = [
  { name: "text", format: "text", summary: false },
  { name: "json", format: "json", summary: false },
  { name: "ndjson", format: "ndjson", summary: false },
  { name: "--summary", format: "text", summary: true },
] as const;

test("threads on wild captures: 2 shards give the output of 1 (text, json, ndjson, --summary)", {
  skip: SKIP,
  timeout: 600_000,
}, async () => {
  const files = capturesUnder(WILD);
  assert.ok(files.length >= 600, `${files.length} captures`);
  const differ: string[] = [];
  for (const file of files) {
    for (const f of FORMATS) {
      const req = { files: [file], format: f.format, summary: f.summary };
      const one = await explainInProcess({ ...req, threads: 1 });
      const two = await explainInProcess({ ...req, threads: 2, spawn: inThreadShard });
      if (two.code !== one.code || two.stdout !== one.stdout || two.stderr !== one.stderr) {
        differ.push(`${relative(WILD, file)} ${f.name}`);
      }
    }
  }
  assert.deepEqual(differ, [], `${differ.length} capture(s) differ with 2 shards`);
});

test(
  "threads on wild captures: each tree as one capture set (a folder) gives the output of 1 with 2 and 3 shards",
  {
    skip: SKIP,
    timeout: 300_000,
  },
  async () => {
    for (const tree of ["tcpdump", "zeek"]) {
      for (const summary of [true, false]) {
        const req = { files: [join(WILD, tree)], format: "text" as const, summary };
        const one = await explainInProcess({ ...req, threads: 1 });
        assert.equal(one.code, 0, one.stderr.slice(0, 500));
        assert.match(one.stdout, /capture set of \d+ files merged by time/);
        for (const threads of [2, 3]) {
          const many = await explainInProcess({ ...req, threads, spawn: inThreadShard });
          assert.deepEqual(many, one, `${tree} summary ${summary} ×${threads}`);
        }
      }
    }
  },
);
