/**
 * explain's tracker limits on the command line (--max-half-open, --max-open,
 * --half-open-timeout, --idle-timeout): a SYN flood under a small cap ends
 * its connections as expired (reported, not dropped) and says how many; the
 * summary, JSON and the threaded path agree; bad values are usage errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "../support/path.ts";
import { tempDir } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { writeSynFlood } from "../support/hostile.ts";

/** A SYN flood of `n` half-open connections, 10 µs apart (1 s of capture time per 100,000). */
function flood(n: number): { file: string; cleanup: () => void } {
  const dir = tempDir("tcpecho-limits-");
  const file = join(dir.path, "flood.pcap");
  writeSynFlood(file, n);
  return { file, cleanup: dir.cleanup };
}

test("explain --max-half-open: the flood beyond the cap ends as expired by the cap, every connection reported", async () => {
  const f = flood(2000);
  try {
    const r = await cli(["explain", f.file, "--format", "json", "--max-half-open", "100"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.connections.length, 2000, "every connection is in the output");
    assert.deepEqual(doc.capture.expired, { "half-open": 0, idle: 0, cap: 1900 });
    const s = await cli([
      "explain",
      f.file,
      "--summary",
      "--max-half-open",
      "100",
      "--threads",
      "1",
    ]);
    assert.equal(s.code, 0, s.stderr);
    assert.match(
      s.stdout + s.stderr,
      /1900 connection\(s\) expired \(reported, not dropped\): cap 1900/,
    );
    // The default cap (8,192) holds the whole flood until the capture ends
    // (JSON has no "expired" then: the field is there only when one expired).
    const d = await cli(["explain", f.file, "--format", "json"]);
    assert.equal(JSON.parse(d.stdout).capture.expired, undefined);
  } finally {
    f.cleanup();
  }
});

test("explain --half-open-timeout: half-open connections idle longer end as expired half-open", async () => {
  // 2,000 SYNs 10 µs apart: 20 ms of capture time; a 5 ms limit expires the
  // early ones while the later ones arrive (at the latest at twice the limit).
  const f = flood(2000);
  try {
    const r = await cli(["explain", f.file, "--format", "json", "--half-open-timeout", "0.005"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.connections.length, 2000);
    const e = doc.capture.expired;
    assert.equal(e.cap, 0);
    assert.ok(e["half-open"] >= 1000 && e["half-open"] < 2000, JSON.stringify(e));
    // --idle-timeout does not touch half-open connections; --max-open caps them all.
    const idle = await cli(["explain", f.file, "--format", "json", "--idle-timeout", "0.001"]);
    assert.equal(JSON.parse(idle.stdout).capture.expired, undefined);
    const open = await cli(["explain", f.file, "--format", "json", "--max-open", "10"]);
    assert.equal(JSON.parse(open.stdout).capture.expired.cap, 1990);
  } finally {
    f.cleanup();
  }
});

test("explain limits: out-of-range and malformed values are usage errors (exit 2)", async () => {
  const cases: [string[], RegExp][] = [
    [["--max-half-open", "0"], /Invalid value for --max-half-open: '0'/],
    [["--max-half-open", "1.5"], /--max-half-open/],
    [["--max-open", "1e9"], /Invalid value for --max-open/],
    [["--half-open-timeout", "0"], /Invalid value for --half-open-timeout/],
    [["--idle-timeout", "abc"], /Invalid value for --idle-timeout: 'abc'/],
    [["--idle-timeout", "31536001"], /Invalid value for --idle-timeout/],
  ];
  for (const [args, want] of cases) {
    const r = await cli(["explain", "tests/fixtures/explain/normal.pcap", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, want);
  }
});
