/**
 * The in-process runner (tests/support/cli_inproc.ts) is faithful: for a
 * sample of commands (help, every explain output format, a usage error, a
 * missing file, stdin, a completion script) it gives the same exit code,
 * stdout and stderr as the CLI run as a subprocess.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runCli } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";

const FIX = "tests/fixtures/explain/lossy-bulk.pcap";

const CASES: { args: string[]; input?: Uint8Array }[] = [
  { args: ["--help"] },
  { args: [] },
  { args: ["explain", "--help"] },
  { args: ["explain", FIX] },
  { args: ["explain", FIX, "--summary"] },
  { args: ["explain", FIX, "--format", "json"] },
  { args: ["explain", FIX, "--format", "ndjson", "--summary"] },
  { args: ["explain", FIX, "--format", "html"] },
  { args: ["explain", "-", "--summary"], input: readFileSync(join(ROOT, FIX)) },
  { args: ["explain", "tests/fixtures/explain/no-such.pcap"] },
  { args: ["frobnicate"] },
  { args: ["serve", "--port"] },
  { args: ["completions", "fish"] },
];

test("inproc: the in-process CLI prints what the spawned CLI prints, with the same exit code", {
  timeout: 120_000,
}, async () => {
  for (const c of CASES) {
    const spawned = runCli(c.args, { input: c.input });
    const inproc = await cli(c.args, { input: c.input });
    const what = `tcpecho ${c.args.join(" ")}`;
    assert.equal(inproc.code, spawned.code, `${what}: exit code`);
    assert.equal(inproc.stderr, spawned.stderr, `${what}: stderr`);
    assert.equal(inproc.stdout, spawned.stdout, `${what}: stdout`);
  }
});
