import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { explainBytes } from "../support/explain_run.ts";
import { SCENARIO_IDS } from "../../lib/explain/catalogue.ts";

const DIR = join(ROOT, "tests", "fixtures", "explain");

/** Each real capture made by make.sh and the verdict it must get. */
const EXPECTED: Record<string, string> = {
  "normal": "normal",
  "normal-ipv6": "normal",
  "loopback": "normal",
  "server-process-terminated": "server-process-terminated",
  "connection-refused": "connection-refused",
  "abort": "abort",
  "half-close": "half-close",
  "syn-timeout": "syn-timeout",
  "server-host-unreachable": "server-host-unreachable",
  "server-host-crash": "server-host-crash",
  "server-crash-reboot": "server-crash-reboot",
  "keepalive-alive": "keepalive-alive",
  "keepalive-dead-peer": "keepalive-dead-peer",
  "keepalive-reset": "keepalive-reset",
  "simultaneous-close": "simultaneous-close",
  "lossy-bulk": "normal",
  "lossy-bulk-receiver": "normal",
  "midstream": "midstream",
  "open": "open",
};

for (const [name, scenario] of Object.entries(EXPECTED)) {
  const file = join(DIR, `${name}.pcap`);
  // A missing fixture fails (it is part of the repository), with how to remake it.
  test(`explain fixture: ${name}.pcap -> ${scenario}`, async () => {
    assert.ok(existsSync(file), `missing ${file} (run tests/fixtures/explain/make.sh)`);
    const conns = await explainBytes(file);
    assert.equal(conns.length, 1, `one connection in ${name}`);
    const c = conns[0];
    assert.equal(c.scenario, scenario, c.summary);
    assert.equal(c.rolesGuessed, scenario === "midstream");
    assert.ok(c.summary.length > 40);
    assert.equal(c.segments[0].frame, 1);
    assert.equal(c.segments[0].time, 0);
    assert.equal(c.segments[0].seq, scenario === "midstream" ? 1 : 0, "SYN: 0; first seen: 1");
    assert.ok(c.phases.length > 0 && c.phases[0].firstFrame === 1);
  });
}

test("explain fixture: server-host-crash -> retransmission intervals back off", {}, async () => {
  const [c] = await explainBytes(join(DIR, "server-host-crash.pcap"));
  assert.ok(c.retransmissions.count >= 3);
  const iv = c.retransmissions.intervals;
  assert.equal(iv.length, c.retransmissions.count);
  assert.ok(iv[iv.length - 1] > iv[1], `intervals grow: ${iv}`);
  assert.ok(c.phases.some((p) => p.name === "stall"));
});

test(
  "explain fixture: keepalive-alive -> keepalive phase, probes never retransmissions",
  {},
  async () => {
    const [c] = await explainBytes(join(DIR, "keepalive-alive.pcap"));
    const probes = c.segments.filter((s) => s.labels.includes("keepalive"));
    assert.ok(probes.length >= 2);
    assert.ok(probes.every((s) => !s.labels.some((l) => l.includes("retransmission"))));
    assert.ok(c.phases.some((p) => p.name === "keepalive"));
  },
);

test(
  "explain fixture: connection-refused -> refused phase, client SYN-SENT then CLOSED",
  {},
  async () => {
    const [c] = await explainBytes(join(DIR, "connection-refused.pcap"));
    assert.deepEqual(c.phases.map((p) => p.name), ["handshake", "refused"]);
    assert.deepEqual(c.states.client.map((s) => s.state), ["SYN-SENT", "CLOSED"]);
    assert.deepEqual(c.segments[1].flags, ["RST", "ACK"]);
  },
);

// Lab captures (issue 7): every docs/scenarios.md scenario made by real kernel TCP. The
// expected id is the docs/scenarios.md id the file name starts with (longest match).
const LAB = join(ROOT, "tests", "fixtures", "scenarios");
const IDS = SCENARIO_IDS;
const labFiles = existsSync(LAB)
  ? readdirSync(LAB).filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f)).sort()
  : [];
test("explain lab: scenario captures present", () => {
  assert.ok(labFiles.length >= 14, `lab captures in ${LAB}: ${labFiles.length}`);
});
/**
 * Lab runs whose wire evidence is another scenario's: the select-based client
 * closes as soon as the server's FIN arrives, so the wire shows a server-first
 * orderly close (`normal`); §5.12's evidence is in the -naive run.
 */
const WIRE_SAYS: Record<string, string> = { "server-process-terminated.pcap": "normal" };
for (const f of labFiles) {
  const id = WIRE_SAYS[f] ??
    IDS.filter((x) => f.startsWith(x)).sort((a, b) => b.length - a.length)[0];
  test(`explain lab: ${f} -> ${id ?? "(no id in name)"}`, {
    skip: id ? false : "file name does not start with a docs/scenarios.md id",
  }, async () => {
    const conns = await explainBytes(join(LAB, f));
    assert.ok(conns.length >= 1);
    assert.ok(conns.some((c) => c.scenario === id), conns.map((c) => c.summary).join("\n"));
  });
}
