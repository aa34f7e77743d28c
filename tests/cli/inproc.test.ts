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

// lossy-bulk's text and JSON are written in many chunks; the small capture
// covers the other formats and stdin.
const BIG = "tests/fixtures/explain/lossy-bulk.pcap";
const SMALL = "tests/fixtures/explain/server-host-crash.pcap";

const CASES: { args: string[]; input?: Uint8Array }[] = [
  { args: ["--help"] },
  { args: ["explain", "--help"] },
  { args: ["explain", BIG] },
  { args: ["explain", BIG, "--format", "json"] },
  { args: ["explain", SMALL, "--format", "ndjson", "--summary"] },
  { args: ["explain", SMALL, "--format", "html"] },
  { args: ["explain", "-", "--summary"], input: readFileSync(join(ROOT, SMALL)) },
  { args: ["explain", "tests/fixtures/explain/no-such.pcap"] },
  { args: ["frobnicate"] },
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
