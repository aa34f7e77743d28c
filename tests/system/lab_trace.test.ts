/**
 * `tcpecho lab all --trace --format json --keep DIR`: every lab scenario runs
 * its client (connect, or probe --keepalive) with `--trace-file`, a capture
 * taken by the client itself inside the client namespace. For each scenario:
 * the verdict the traced client printed equals explain's verdict on the lab's
 * own capture (and the scenario's docs/scenarios.md verdict), and explain on
 * the kept trace capture agrees too. Needs root, iproute2, nftables and
 * tcpdump; skips with the reason otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { LAB_SCENARIOS } from "../../lab/scenarios.ts";
import { haveCommand, isRoot, runCli, spawnCli, tempDir } from "../support/helpers.ts";

function skipReason(): string | false {
  if (!isRoot()) return "needs root for network namespaces and capturing";
  for (const t of ["ip", "ss", "nft", "tcpdump"]) {
    if (!haveCommand(t)) return `needs ${t}`;
  }
  return false;
}
const SKIP = skipReason();
if (SKIP) console.log(`lab --trace tests skipped: ${SKIP}`);

interface Verdict {
  scenario: string;
  section: string;
}
interface ScenarioJson {
  id: string;
  ok: boolean;
  seconds: number;
  client: { exitCode: number | null; saw: string } | null;
  explain: Verdict[];
  explainError: string | null;
  traced?: Verdict[];
  tracedError?: string | null;
  tracedSame?: boolean;
  labError: string | null;
}

const dir = SKIP ? undefined : tempDir("tcpecho-labtrace-test-");
let all: Promise<Map<string, ScenarioJson>> | undefined;

/** The one `lab all --trace` run every test reads (about 1 to 2 minutes). */
function labAll(): Promise<Map<string, ScenarioJson>> {
  all ??= new Promise((resolve, reject) => {
    const p = spawnCli(["lab", "all", "--trace", "--format", "json", "--keep", dir!.path]);
    let out = "", err = "";
    p.stdout.on("data", (d) => out += String(d));
    p.stderr.on("data", (d) => err += String(d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 280_000);
    p.on("close", (code) => {
      clearTimeout(timer);
      try {
        const doc = JSON.parse(out) as { scenarios: ScenarioJson[] };
        const rows = doc.scenarios.map((s) =>
          `${s.id}: explain ${s.explain.map((v) => v.scenario).join(",")}, traced ${
            (s.traced ?? []).map((v) => v.scenario).join(",")
          } (${s.seconds.toFixed(1)} s)`
        );
        console.log(`lab all --trace: exit ${code}\n  ${rows.join("\n  ")}`);
        resolve(new Map(doc.scenarios.map((s) => [s.id, s])));
      } catch (e) {
        reject(new Error(`lab all --trace: exit ${code}: ${(e as Error).message}\n${err}`));
      }
    });
  });
  return all;
}

for (const sc of LAB_SCENARIOS) {
  test(`lab --trace: ${sc.id}: the traced client's verdict is explain's on the lab capture`, {
    skip: SKIP,
    timeout: 300_000,
  }, async () => {
    const r = (await labAll()).get(sc.id);
    assert.ok(r, `no result for ${sc.id}`);
    assert.equal(r.labError, null);
    assert.equal(r.explainError, null);
    assert.equal(r.tracedError, null, `client saw: ${r.client?.saw}`);
    const explained = r.explain.map((v) => v.scenario);
    assert.deepEqual(explained, [sc.verdict]);
    assert.deepEqual(r.traced?.map((v) => v.scenario), explained);
    assert.deepEqual(r.traced?.map((v) => v.section), r.explain.map((v) => v.section));
    assert.equal(r.tracedSame, true);
    assert.ok(r.ok, `client saw: ${r.client?.saw}`);
    // The trace's own capture, kept as ID.trace.pcap, says the same to explain.
    const file = join(dir!.path, `${sc.id}.trace.pcap`);
    assert.ok(existsSync(file), `${file} kept`);
    const e = runCli(["explain", file, "--format", "json"]);
    assert.equal(e.code, 0, e.stderr);
    const doc = JSON.parse(e.stdout) as { connections: Verdict[] };
    assert.deepEqual(doc.connections.map((c) => c.scenario), explained);
  });
}

test("lab --trace: cleanup of the shared capture folder", { skip: SKIP }, () => {
  dir?.cleanup();
  assert.ok(!dir || !existsSync(dir.path));
});
