/**
 * Label agreement with tshark (Wireshark's tcp.analysis.* flags) on every
 * third-party capture in ../shared/captures/wild (647 files from the zeek and
 * tcpdump test trees). tshark runs once per file with every field needed.
 * Per label: precision, recall and F1 over the frames both tools decode as
 * TCP (tshark's -Y tcp frames with one TCP header that tshark analyses, and
 * our decoder's TCP frames; a late frame of an ended connection counts with
 * the labels its analysis gave). Asserts F1 >= 0.99 per label (or the floor
 * of a label whose remaining differences are tshark's errors, and then 0.99
 * with those frames counted for us), and that every remaining difference
 * (file and label) is listed in the table of docs/analysis.md with who is
 * right and why.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { haveCommand, ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import {
  compareFrames,
  f1,
  LABEL_FIELDS,
  ourLabels,
  type Score,
  tsharkLabels,
} from "../support/tshark_labels.ts";

const WILD = join(ROOT, "..", "shared", "captures", "wild");
const INDEX = join(WILD, "index.tsv");

const files: string[] = existsSync(INDEX)
  ? readFileSync(INDEX, "utf8").split("\n").slice(1).filter((l) => l.trim()).map((l) =>
    l.split("\t")[0]
  )
  : [];

const skip = !existsSync(INDEX)
  ? "../shared/captures/wild is absent"
  : !haveCommand("tshark")
  ? "tshark is not installed"
  : false;
if (skip) console.log(`wild tshark: skipped: ${skip}`);

/** One row of the difference table of docs/analysis.md. */
interface DocRow {
  /** The frames column as written ("+8,-10", or abbreviated with "…"). */
  frames: string;
  /** The row says tshark is wrong ("**tshark is wrong**" or "**we are right**"). */
  theirsWrong: boolean;
}

/** The difference table of docs/analysis.md, by "file label". */
function documented(): Map<string, DocRow> {
  const doc = join(ROOT, "docs", "analysis.md");
  const text = existsSync(doc) ? readFileSync(doc, "utf8") : "";
  const out = new Map<string, DocRow>();
  const row = /^\|\s*`([^`]+)`\s*\|\s*`([\w-]+)`\s*\|\s*([^|]*?)\s*\|(.*)\|\s*$/gm;
  for (const m of text.matchAll(row)) {
    out.set(`${m[1]} ${m[2]}`, {
      frames: m[3],
      theirsWrong: /\*\*(tshark is wrong|we are right)\*\*/.test(m[4]),
    });
  }
  return out;
}

/**
 * Labels below the 0.99 target against tshark as it is (measured 2026-11-30;
 * every difference is listed in docs/analysis.md). Their remaining
 * differences are tshark's errors, with frame numbers in the table: with
 * those frames counted for us, every label must reach 0.99 (asserted below).
 */
const BELOW_TARGET: Record<string, number> = {
  "fast-retransmission": 0.98,
  "ack-unseen": 0.98,
};

test(
  "wild tshark: per-label F1 against tshark on every wild capture (>= 0.99, or the documented floor), differences documented",
  {
    skip,
    timeout: 1_800_000,
  },
  async () => {
    const scores = new Map<string, Score>();
    /** The same, with the frames the table shows tshark wrong on counted as ours. */
    const judged = new Map<string, Score>();
    const undocumented: string[] = [];
    const ok = documented();
    let frames = 0, multi = 0, unassigned = 0, unreadable = 0, unanalysed = 0;
    const started = Date.now();
    for (const name of files) {
      const file = join(WILD, name);
      const theirs = tsharkLabels(file);
      const ours = await ourLabels(file);
      if (ours.error) unreadable++;
      multi += theirs.multi;
      unanalysed += theirs.unanalysed.length;
      if (theirs.unanalysed.length) {
        console.log(`wild unanalysed by tshark ${name}: ${theirs.unanalysed.join(",")}`);
      }
      unassigned += ours.unassigned;
      const r = compareFrames(theirs.labels, ours.labels, scores);
      compareFrames(theirs.labels, ours.labels, judged);
      frames += r.frames;
      for (const [label, d] of r.diffs) {
        const shown = d.length > 12 ? `${d.slice(0, 12).join(",")},… (${d.length})` : d.join(",");
        const row = ok.get(`${name} ${label}`);
        console.log(`wild differ ${name} ${label}: ${shown}${row ? "" : "  [undocumented]"}`);
        if (!row) undocumented.push(`${name} ${label}`);
        else if (row.theirsWrong) {
          // Adjudicated only when the row lists exactly these frames.
          assert.equal(row.frames, d.join(","), `${name} ${label}: the table's frames`);
          const s = judged.get(label)!;
          for (const f of d) {
            if (f.startsWith("+")) {
              s.fp--;
              s.tp++;
            } else s.fn--;
          }
        }
      }
    }
    console.log(
      `wild tshark: ${files.length} files, ${frames} frames compared, ${multi} multi-TCP frames ` +
        `skipped, ${unanalysed} TCP frames tshark does not analyse skipped, ${unassigned} TCP ` +
        `frames unassigned, ${unreadable} files read partly, ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    const low: string[] = [];
    for (const [label] of LABEL_FIELDS) {
      const s = scores.get(label) ?? { tp: 0, fp: 0, fn: 0 };
      const j = judged.get(label) ?? s;
      const p = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1;
      const r = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1;
      console.log(
        `wild label ${label.padEnd(24)} tp ${s.tp} fp ${s.fp} fn ${s.fn}  ` +
          `precision ${p.toFixed(4)} recall ${r.toFixed(4)} F1 ${f1(s).toFixed(4)}  ` +
          `(tshark's documented errors counted for us: F1 ${f1(j).toFixed(4)})`,
      );
      const floor = BELOW_TARGET[label] ?? 0.99;
      if (f1(s) < floor) low.push(`${label} F1 ${f1(s).toFixed(4)} < ${floor}`);
      if (f1(j) < 0.99) low.push(`${label} F1 ${f1(j).toFixed(4)} < 0.99 with tshark's errors`);
    }
    assert.deepEqual(low, [], "labels below their F1 floor");
    assert.deepEqual(undocumented, [], "differences not in docs/analysis.md");
  },
);
