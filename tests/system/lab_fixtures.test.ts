/**
 * The committed lab captures (tests/fixtures/scenarios/, made by `tcpecho lab
 * all --keep tests/fixtures/scenarios`): explain must name each one's docs/scenarios.md
 * scenario, and, where tshark is installed, each must show its scenario's wire
 * sequence. Needs no root. samples/server-process-terminated.pcap (the README's
 * quick start) must be one of them: the naive-client run (FIN, ACK, data, RST).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LAB_SCENARIOS } from "../../lab/scenarios.ts";
import { haveCommand, ROOT, runCli } from "../support/helpers.ts";
import { readWire, WIRE_CHECKS } from "../support/lab_wire.ts";

const DIR = join(ROOT, "tests", "fixtures", "scenarios");
const NO_TSHARK = haveCommand("tshark") ? false : "needs tshark (Debian package tshark)";

for (const sc of LAB_SCENARIOS) {
  const file = join(DIR, `${sc.id}.pcap`);
  test(`lab fixture: ${sc.id}.pcap is explained as ${sc.verdict}`, () => {
    const r = runCli(["explain", file, "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { connections: { scenario: string }[] };
    assert.deepEqual(doc.connections.map((c) => c.scenario), [sc.verdict]);
  });
  test(`lab fixture: ${sc.id}.pcap shows the docs/scenarios.md wire sequence (tshark)`, {
    skip: NO_TSHARK,
  }, () => {
    assert.equal(WIRE_CHECKS[sc.id](readWire(file)), undefined);
  });
}

test("lab fixture: samples/server-process-terminated.pcap is the lab's naive-client capture", () => {
  const sample = readFileSync(join(ROOT, "samples", "server-process-terminated.pcap"));
  const fixture = readFileSync(join(DIR, "server-process-terminated-naive.pcap"));
  assert.deepEqual(sample, fixture);
});

test("lab fixture: the sample shows the book's §5.12 sequence: FIN, ACK, client data, RST", {
  skip: NO_TSHARK,
}, () => {
  const file = join(ROOT, "samples", "server-process-terminated.pcap");
  assert.equal(WIRE_CHECKS["server-process-terminated-naive"](readWire(file)), undefined);
});
