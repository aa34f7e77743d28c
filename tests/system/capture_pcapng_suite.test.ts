/**
 * The external pcapng conformance suite (../shared/captures/pcapng-test-generator-le,
 * not copied into the project): each testNNN.txt lists the blocks its .pcapng
 * holds; every file must read with as many packets as it has EPB, SPB and PB
 * blocks, and agree with tshark where tshark is installed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  diffRow,
  NO_TSHARK,
  PCAPNG_SUITE,
  readRows,
  tsharkRows,
} from "../fixtures/formats/util.ts";

const NO_SUITE = PCAPNG_SUITE === ""
  ? "../shared/captures/pcapng-test-generator-le is absent (external conformance suite)"
  : "";

function suiteFiles(): string[] {
  if (NO_SUITE) return ["(absent)"];
  return ["basic", "advanced", "difficult"].flatMap((d) =>
    readdirSync(join(PCAPNG_SUITE, d)).filter((f) => f.endsWith(".pcapng")).map((f) => join(d, f))
  );
}

/** Block counts from a testNNN.txt ("\tEPB: 3" lines). */
function blockCounts(txt: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of txt.matchAll(/^\s+([A-Z]+):\s+(\d+)\s*$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

if (NO_SUITE) console.log(`skipping the pcapng conformance suite: ${NO_SUITE}`);

for (const file of suiteFiles()) {
  test(`pcapng suite: ${file} reads every packet block`, {
    timeout: 300_000,
    skip: NO_SUITE || false,
  }, async () => {
    const path = join(PCAPNG_SUITE, file);
    const counts = blockCounts(readFileSync(path.replace(/\.pcapng$/, ".txt"), "utf8"));
    assert.ok(counts.SHB >= 1, "the .txt lists the blocks");
    const expected = (counts.EPB ?? 0) + (counts.SPB ?? 0) + (counts.PB ?? 0);
    const { info, rows } = await readRows(new Uint8Array(readFileSync(path)));
    assert.equal(info.format, "pcapng");
    assert.equal(info.truncated, false);
    assert.equal(info.packets, expected, "packets = EPB + SPB + PB");
    assert.equal(rows.length, expected);
    assert.equal(info.frames, expected + (counts.CB ?? 0) + (counts.DCB ?? 0));
  });

  test(`pcapng suite: ${file} agrees with tshark`, {
    timeout: 300_000,
    skip: NO_SUITE || NO_TSHARK || false,
  }, async () => {
    const path = join(PCAPNG_SUITE, file);
    const { info, rows } = await readRows(new Uint8Array(readFileSync(path)));
    const theirs = tsharkRows(path);
    assert.equal(info.frames, theirs.length, "frame count");
    const diffs = rows.flatMap((r) => diffRow(r, theirs[r.frame - 1]));
    assert.deepEqual(diffs.slice(0, 10), []);
  });
}
