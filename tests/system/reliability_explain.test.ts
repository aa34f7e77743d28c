/**
 * explain against hostile captures, in every output format, on the runtime
 * that runs the test, with peak memory measured by the kernel (getrusage of
 * the finished child): a SYN flood of 1 M half-open connections from random
 * sources, and one connection of 4.5 M segments. Output is counted, not kept.
 * The figures are printed. The flood is held to the goal, 300 MB, in every
 * format but html (a guard there; docs/reliability.md): its live heap stays
 * under 100 MB (8,192 half-open connections at most, the tracker's default
 * cap; 16,384 until the eighth session); each connection's output is made
 * when it ends and its record reused, and a heap pacer (lib/runtime/heap.ts)
 * asks for collections early, which took ndjson and text from 450-550 MiB
 * to 216-252; HTML spills its rows, embedded details and string table to
 * temporary files (1,300-1,560 MiB before, 252-264 in the eighth session). The long connection's segments are kept in typed arrays,
 * 34 bytes each (about 150 as objects: 740-2,000 MiB before, 290-480 after).
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

/**
 * Peak RSS bounds for the 1 M SYN flood, MiB, per format: the goal, 300 MB
 * (286 MiB), in every format but html, whose bound is a guard about 15% over
 * the most measured (264 MiB; the eighth session's figures, docs/reliability.md:
 * Deno 117-264, Bun 117-252 MiB across the formats).
 */
const GOAL_MIB = 300e6 / 2 ** 20;
const FLOOD_LIMIT_MIB: Record<string, number> = {
  "--summary": GOAL_MIB,
  ndjson: GOAL_MIB,
  text: GOAL_MIB,
  json: GOAL_MIB,
  html: 310,
};

/** Peak RSS guard for the 4.5 M-segment connection, MiB, every format (see the module doc). */
const LONG_LIMIT_MIB = 800;

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
      measureAll(file, "SYN flood 1M", (f) => FLOOD_LIMIT_MIB[f]);
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
    measureAll(file, "4.5M segments", () => LONG_LIMIT_MIB);
  } finally {
    tmp.cleanup();
  }
});
