/**
 * Label agreement with tshark (Wireshark's tcp.analysis flags) on every real
 * capture we have. For each label the agreement is |both| / |either| over the
 * frames where either tool sets it; the test prints it per label and fails
 * below 99% unless tests/fixtures/README.md documents the difference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { haveCommand, ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { explainBytes } from "../support/explain_run.ts";
import { LABEL_FIELDS, tsharkLabels as tsharkFrames } from "../support/tshark_labels.ts";

/** Every label both tools have (our id, tshark's field). */
const FIELDS = LABEL_FIELDS;

/**
 * tshark's labels per frame (tshark runs once per file). tshark also sets
 * tcp.analysis.retransmission on fast AND spurious retransmissions; docs/scenarios.md's
 * labels keep the three apart, so "retransmission" is compared as the plain
 * kind (see tests/support/tshark_labels.ts).
 */
function tsharkLabels(file: string): Map<number, Set<string>> {
  return tsharkFrames(file, 60_000).labels;
}

async function ourLabels(file: string): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>();
  for (const c of await explainBytes(file)) {
    for (const s of c.segments) out.set(s.frame, new Set(s.labels));
  }
  return out;
}

/** Labels whose disagreement on a file is documented in tests/fixtures/README.md. */
function documented(): Set<string> {
  const readme = join(ROOT, "tests", "fixtures", "README.md");
  const text = existsSync(readme) ? readFileSync(readme, "utf8") : "";
  const out = new Set<string>();
  for (const m of text.matchAll(/tshark-difference: ([\w.-]+) ([\w-]+)/g)) {
    out.add(`${m[1]} ${m[2]}`);
  }
  return out;
}

const files = [
  ...["explain", "scenarios"].flatMap((d) => {
    const dir = join(ROOT, "tests", "fixtures", d);
    return existsSync(dir)
      ? readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(dir, f))
      : [];
  }),
].sort();

const skip = !haveCommand("tshark")
  ? "tshark is not installed"
  : files.length === 0
  ? "no fixtures"
  : false;

test("explain tshark: label agreement per label on every fixture >= 99% or documented", {
  skip,
  timeout: 120_000,
}, async () => {
  const ok = documented();
  const failures: string[] = [];
  const totals = new Map<string, { both: number; either: number }>();
  for (const file of files) {
    const name = file.slice(file.lastIndexOf("/") + 1);
    const theirs = tsharkLabels(file);
    const ours = await ourLabels(file);
    for (const [label] of FIELDS) {
      let both = 0, either = 0;
      const diff: number[] = [];
      for (const frame of new Set([...theirs.keys(), ...ours.keys()])) {
        const t = theirs.get(frame)?.has(label) ?? false;
        const o = ours.get(frame)?.has(label) ?? false;
        if (t || o) either++;
        if (t && o) both++;
        else if (t || o) diff.push(frame);
      }
      const tot = totals.get(label) ?? { both: 0, either: 0 };
      tot.both += both;
      tot.either += either;
      totals.set(label, tot);
      if (either === 0) continue;
      const pct = (100 * both) / either;
      console.log(
        `tshark ${name} ${label}: ${both}/${either} = ${pct.toFixed(1)}%` +
          (diff.length ? ` (differ: frames ${diff.slice(0, 8).join(",")})` : ""),
      );
      if (pct < 99 && !ok.has(`${name} ${label}`)) {
        failures.push(`${name} ${label} ${pct.toFixed(1)}%`);
      }
    }
  }
  for (const [label, t] of totals) {
    if (t.either) {
      console.log(
        `tshark total ${label}: ${t.both}/${t.either} = ${(100 * t.both / t.either).toFixed(2)}%`,
      );
    }
  }
  assert.deepEqual(failures, []);
});
