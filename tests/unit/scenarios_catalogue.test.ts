/**
 * ONE scenario catalogue (lib/explain/catalogue.ts): the verdict rules, the
 * summary colours, the HTML highlighting, the lab and `explain --help` all
 * read it, so their lists of ids, sections and trouble flags cannot disagree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CATALOGUE,
  citeSection,
  isTrouble,
  SCENARIO_IDS,
  scenarioInfo,
} from "../../lib/explain/catalogue.ts";
import { SCENARIOS } from "../../lib/explain/scenarios.ts";
import { UNREMARKABLE } from "../../lib/report/html/compact.ts";
import { LAB_SCENARIOS } from "../../lab/scenarios.ts";
import { explain } from "../../cmd/explain.ts";

/** docs/scenarios.md's stable ids, written out independently of the catalogue. */
const BOOK_IDS = [
  "normal",
  "server-process-terminated",
  "server-host-crash",
  "server-host-unreachable",
  "server-crash-reboot",
  "connection-refused",
  "syn-timeout",
  "keepalive-alive",
  "keepalive-dead-peer",
  "keepalive-reset",
  "half-close",
  "simultaneous-close",
  "abort",
  "open",
  "midstream",
];

test("scenario catalogue: exactly the docs/scenarios.md ids, each once", () => {
  assert.deepEqual([...SCENARIO_IDS].sort(), [...BOOK_IDS].sort());
  assert.equal(new Set(SCENARIO_IDS).size, CATALOGUE.length);
});

test("scenario catalogue: the verdict rules cover every id, in one ordered list, open last", () => {
  assert.deepEqual(SCENARIOS.map((s) => s.id).sort(), [...SCENARIO_IDS].sort());
  assert.equal(SCENARIOS.at(-1)?.id, "open");
});

test("scenario catalogue: the HTML report highlights exactly the trouble verdicts", () => {
  for (const id of SCENARIO_IDS) assert.equal(UNREMARKABLE.has(id), !isTrouble(id), id);
  assert.equal(isTrouble("simultaneous-close"), false);
  assert.equal(isTrouble("server-process-terminated"), true);
});

test("scenario catalogue: every lab scenario's verdict and book section come from the catalogue", () => {
  for (const sc of LAB_SCENARIOS) {
    assert.ok(SCENARIO_IDS.includes(sc.verdict), `${sc.id} -> ${sc.verdict}`);
    // The section of the scenario the run demonstrates (its id without -naive/-ipv6).
    const shown = sc.id.replace(/-(naive|ipv6)$/, "");
    assert.equal(sc.section, scenarioInfo(shown).section, sc.id);
  }
});

test("scenario catalogue: explain --help lists every id with its section and help", () => {
  const notes = explain.notes ?? "";
  for (const s of CATALOGUE) {
    const line = notes.split("\n").find((l) => l.trim().startsWith(s.id + " "));
    assert.ok(line, `${s.id} in --help`);
    assert.ok(line.includes(s.help), line);
    assert.ok(line.includes(citeSection(s.section)), line);
  }
});
