/**
 * The 647 captures from the wild (../shared/captures/wild, not copied into the
 * project): every one reads without an error, damage or truncation, and the
 * two with out-of-range timestamp fractions (tcpdump's timestamp_invalid_*)
 * have as many frames as tshark shows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { NO_TSHARK, tsharkRows } from "../fixtures/formats/util.ts";
import { ROOT } from "../support/helpers.ts";

const WILD = join(ROOT, "..", "shared", "captures", "wild");
const NO_WILD = existsSync(join(WILD, "index.tsv"))
  ? ""
  : `${WILD} is absent (captures from the wild)`;
if (NO_WILD) console.log(`skipping the wild captures: ${NO_WILD}`);

function wildFiles(): string[] {
  if (NO_WILD) return [];
  return readFileSync(join(WILD, "index.tsv"), "utf8").trim().split("\n").slice(1)
    .map((l) => l.split("\t")[0]);
}

test("capture wild: every capture reads whole, none damaged or truncated", {
  timeout: 300_000,
  skip: NO_WILD || false,
}, async () => {
  const bad: string[] = [];
  const files = wildFiles();
  for (const f of files) {
    let n = 0;
    try {
      const info = await readCapture(
        bytesSource(new Uint8Array(readFileSync(join(WILD, f)))),
        () => n++,
      );
      if (info.damaged || info.truncated || info.packets !== n) {
        bad.push(`${f}: ${info.warnings.join("; ")}`);
      }
    } catch (e) {
      bad.push(`${f}: ${(e as Error).message}`);
    }
  }
  assert.ok(files.length >= 600, `${files.length} files`);
  assert.deepEqual(bad, []);
});

for (const name of ["timestamp_invalid_micro", "timestamp_invalid_nano"]) {
  test(`capture wild: ${name}.pcap has tshark's frames, the fractions warned about`, {
    timeout: 300_000,
    skip: NO_WILD || NO_TSHARK || false,
  }, async () => {
    const path = join(WILD, "tcpdump", `tests~${name}.pcap`);
    const lengths: number[] = [];
    const info = await readCapture(bytesSource(new Uint8Array(readFileSync(path))), (f) => {
      lengths.push(f.caplen);
      assert.ok(f.tsNsec >= 0 && f.tsNsec < 1e9);
    });
    const theirs = tsharkRows(path);
    assert.deepEqual(lengths, theirs.map((t) => Number(t["frame.cap_len"])));
    assert.equal(info.truncated, false);
    assert.deepEqual(info.warningKinds.map((k) => k.kind), ["ts-fraction"]);
  });
}
