/**
 * explain against hostile captures, in every output format, on the runtime
 * that runs the test, with peak memory measured by the kernel (getrusage of
 * the finished child): a SYN flood of 1 M half-open connections from random
 * sources, and one connection of 4.5 M segments. Output is counted, not kept.
 * The figures are printed. The bounds asserted are guards against
 * regressions, not the goal: the goal for the flood is 300 MB in every
 * format; measured here (16,384 half-open connections kept, the rest reported
 * as expired) --summary stays near 300 MB while the formats that carry every
 * segment and state reach about 1 GB (HTML 2 GB) on Deno, mostly garbage the
 * runtimes collect late. The long connection keeps its segments for the
 * ladder, about 150 bytes each.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliArgv, EXEC, haveCommand, ROOT, skipUnless, tempDir } from "../support/helpers.ts";
import { runMeasured, writeLongConnection, writeSynFlood } from "../support/hostile.ts";

const FORMATS: [string, string[]][] = [
  ["--summary", ["--summary"]],
  ["ndjson", ["--format", "ndjson"]],
  ["text", []],
  ["json", ["--format", "json"]],
  ["html", ["--format", "html"]],
];

function measureAll(file: string, label: string, limitMiB: (format: string) => number): void {
  for (const [name, args] of FORMATS) {
    const limit = limitMiB(name);
    const m = runMeasured([EXEC, ...cliArgv(["explain", file, ...args])], 900_000, ROOT);
    console.log(
      `  ${label} ${name}: exit ${m.code}, peak ${m.peakMiB.toFixed(0)} MiB, ` +
        `${m.seconds.toFixed(1)} s, ${(m.stdoutBytes / 1e6).toFixed(1)} MB out`,
    );
    assert.equal(m.code, 0, `${label} ${name}: ${m.stderr}`);
    assert.ok(m.stdoutBytes > 0, `${label} ${name}: no output`);
    assert.ok(m.peakMiB < limit, `${label} ${name}: peak ${m.peakMiB.toFixed(0)} MiB >= ${limit}`);
  }
}

const SKIP = skipUnless(haveCommand("python3"), "python3 measures the child's peak memory");

test(
  "reliability: a SYN flood of 1 M half-open connections -> every format completes, memory bounded",
  {
    skip: SKIP,
    timeout: 3_600_000,
  },
  () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.path, "flood.pcap");
      writeSynFlood(file, 1_000_000);
      measureAll(file, "SYN flood 1M", (f) => f === "--summary" ? 450 : f === "html" ? 3500 : 2500);
    } finally {
      tmp.cleanup();
    }
  },
);

test("reliability: one connection of 4.5 M segments -> every format completes", {
  skip: SKIP,
  timeout: 3_600_000,
}, () => {
  const tmp = tempDir();
  try {
    const file = join(tmp.path, "long.pcap");
    writeLongConnection(file, 4_500_000);
    measureAll(file, "4.5M segments", () => 3000);
  } finally {
    tmp.cleanup();
  }
});
