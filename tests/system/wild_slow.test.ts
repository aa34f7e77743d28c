/**
 * Slowness sentences on ordinary traffic: the connections of
 * ../shared/captures/wild whose sentence was read by hand, packet by packet,
 * against tshark (tests/fixtures/wild/slow_judgements.tsv, docs/slow.md
 * "Wild captures read by hand") keep the judged cause: `right` ones the cause
 * explain gave, `fixed` and `reworded` ones the cause (or `none`) they were
 * corrected to.
 * `wrong` (not fixed) and `unsupported` rows are recorded, not checked.
 * And on every wild capture, the --summary table's detail (no segments
 * kept, records reused, only gaps of 1 ms or more classified) gives every
 * connection the same largest stall (its cause is the table's column) as the
 * full report.
 * Skips with a printed reason when ../shared is absent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { judgedConnection } from "../support/wild_judged.ts";
import type { ConnectionReport } from "../../lib/report/json.ts";
import { explainCapture } from "../../lib/explain/pipeline.ts";

const WILD = join(ROOT, "..", "shared", "captures", "wild");
const JUDGED = join(ROOT, "tests", "fixtures", "wild", "slow_judgements.tsv");
const SKIP = existsSync(WILD) ? false : `no wild captures at ${WILD}`;
const JUDGEMENTS = ["right", "fixed", "reworded", "wrong", "unsupported"];

interface SlowJudgement {
  file: string;
  conn: number;
  client: string;
  server: string;
  /** The cause explain must give now (`none`: no sentence), or `-` (not checked). */
  expect: string;
  judgement: string;
  reading: string;
}

function judgements(): SlowJudgement[] {
  const lines = readFileSync(JUDGED, "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
  return lines.slice(1).map((l) => {
    const [file, conn, client, server, expect, judgement, reading] = l.split("\t");
    return { file, conn: Number(conn), client, server, expect, judgement, reading };
  });
}

test("wild slowness: the judgement table is well formed and large enough", () => {
  const js = judgements();
  assert.ok(js.length >= 30, `${js.length} judgements`);
  for (const j of js) {
    assert.ok(JUDGEMENTS.includes(j.judgement), `${j.file} #${j.conn}: ${j.judgement}`);
    assert.ok(j.reading && j.reading.length > 20, `${j.file} #${j.conn}: no reading`);
    if (j.judgement !== "wrong" && j.judgement !== "unsupported") assert.notEqual(j.expect, "-");
  }
});

test("wild slowness: hand-read connections keep the judged cause", {
  skip: SKIP,
  timeout: 120_000,
}, async () => {
  const byFile = new Map<string, ConnectionReport[]>();
  const wrong: string[] = [];
  for (const j of judgements()) {
    if (j.expect === "-") continue;
    const c = await judgedConnection(byFile, WILD, j);
    if (!c) {
      wrong.push(`${j.file} #${j.conn}: no connection ${j.client} → ${j.server}`);
      continue;
    }
    const got = c.slow?.cause ?? "none";
    if (got !== j.expect) {
      wrong.push(`${j.file} #${j.conn}: ${got}, judged ${j.expect} (${j.reading})`);
    }
  }
  assert.deepEqual(wrong, []);
});

/** Per connection id: the largest stall (cause, kind, frames, seconds), in one detail. */
async function slowFacts(file: string, table: boolean): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  await explainCapture(new Uint8Array(readFileSync(file)), {
    ...(table ? { detail: "table" as const, reuse: true } : {}),
    onConnection: (e) => {
      const t = e.timing;
      if (!t) return;
      const l = t.largest;
      out.set(
        e.conn.id,
        l ? `${l.cause}/${l.kind} ${l.firstFrame}-${l.lastFrame} ${l.seconds.toFixed(6)}` : "-",
      );
    },
  });
  return out;
}

test(
  "wild slowness: the summary table and the full report give every connection the same largest stall",
  {
    skip: SKIP,
    timeout: 300_000,
  },
  async () => {
    const bad: string[] = [];
    const started = Date.now();
    let n = 0;
    for (const dir of ["zeek", "tcpdump"]) {
      for (const f of readdirSync(join(WILD, dir)).sort()) {
        if (!/\.(pcap|pcapng|cap)(\.gz)?$/i.test(f)) continue;
        assert.ok(Date.now() - started < 280_000, "bounded in time");
        const file = join(WILD, dir, f);
        let full: Map<number, string>, table: Map<number, string>;
        try {
          full = await slowFacts(file, false);
          table = await slowFacts(file, true);
        } catch {
          continue; // wild_verdicts.test.ts reports captures explain cannot read
        }
        for (const [id, v] of full) {
          n++;
          if (table.get(id) !== v) {
            bad.push(`${dir}/${f} #${id}: full ${v}, summary ${table.get(id)}`);
          }
        }
      }
    }
    assert.ok(n > 3000, `${n} connections`);
    assert.deepEqual(bad.slice(0, 20), [], `${bad.length} connection(s) differ`);
  },
);
