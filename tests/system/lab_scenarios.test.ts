/**
 * Runs every lab scenario once (`tcpecho lab all --format json --keep DIR`,
 * real kernel TCP in network namespaces), then checks each against docs/scenarios.md:
 * (a) the client's error and exit code, (b) explain's verdict, (c) the wire
 * sequence as tshark reads it. Also interrupts running labs (SIGTERM, SIGINT)
 * and checks nothing is left behind. Needs root, iproute2, nftables, tcpdump
 * and tshark; skips with the reason otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { LAB_SCENARIOS } from "../../lab/scenarios.ts";
import { haveCommand, isRoot, RUNTIME, spawnCli, tempDir } from "../support/helpers.ts";
import { readWire, WIRE_CHECKS } from "../support/lab_wire.ts";

function skipReason(): string | false {
  if (!isRoot()) return "needs root for network namespaces";
  for (const t of ["ip", "ss", "nft", "tcpdump", "tshark"]) {
    if (!haveCommand(t)) return `needs ${t}`;
  }
  return false;
}
const SKIP = skipReason();
if (SKIP) console.log(`lab scenario tests skipped: ${SKIP}`);

/** docs/scenarios.md, written out independently of lab/scenarios.ts: exit code and what stderr names. */
const BOOK: Record<string, { exit: number; says?: RegExp; verdict: string }> = {
  normal: { exit: 0, verdict: "normal" },
  "half-close": { exit: 0, verdict: "half-close" },
  "server-process-terminated": {
    exit: 3,
    says: /server terminated prematurely/,
    // A server-first orderly close on the wire (the client closes at once): `normal`.
    verdict: "normal",
  },
  // The book's naive client (connect --naive) writes after the FIN; its read sees EOF.
  "server-process-terminated-naive": {
    exit: 3,
    says: /server terminated prematurely.*\(UNP §5\.12\)/,
    verdict: "server-process-terminated",
  },
  "server-host-crash": { exit: 6, says: /ETIMEDOUT/, verdict: "server-host-crash" },
  "server-host-unreachable": { exit: 7, says: /EHOSTUNREACH/, verdict: "server-host-unreachable" },
  "server-crash-reboot": { exit: 4, says: /ECONNRESET/, verdict: "server-crash-reboot" },
  "connection-refused": { exit: 5, says: /ECONNREFUSED/, verdict: "connection-refused" },
  "syn-timeout": { exit: 6, says: /ETIMEDOUT/, verdict: "syn-timeout" },
  "keepalive-alive": { exit: 0, verdict: "keepalive-alive" },
  // Both runtimes name the errno (lib/probe errorEnd), whatever the runtime's own message said.
  "keepalive-dead-peer": {
    exit: 6,
    says: /^end: ETIMEDOUT: connection timed out, read$/,
    verdict: "keepalive-dead-peer",
  },
  "keepalive-reset": {
    exit: 4,
    says: /^end: ECONNRESET: connection reset by peer, read$/,
    verdict: "keepalive-reset",
  },
  abort: { exit: 4, says: /ECONNRESET/, verdict: "abort" },
  "normal-ipv6": { exit: 0, verdict: "normal" },
};

interface ScenarioJson {
  id: string;
  ok: boolean;
  seconds: number;
  client: { exitCode: number | null; saw: string } | null;
  explain: { scenario: string }[];
  explainError: string | null;
  capture: string | null;
  labError: string | null;
}

/** Runs a lab subprocess to its end, killed after `ms`. */
function runLab(
  args: string[],
  ms: number,
): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnCli(["lab", ...args]);
  let out = "", err = "";
  p.stdout.on("data", (d) => out += String(d));
  p.stderr.on("data", (d) => err += String(d));
  const timer = setTimeout(() => p.kill("SIGKILL"), ms);
  return new Promise((resolve) =>
    p.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    })
  );
}

let all: Promise<Map<string, ScenarioJson>> | undefined;
const dir = SKIP ? undefined : tempDir("tcpecho-lab-test-");

/** The one `lab all` run every scenario test reads (started by the first that needs it). */
function labAll(): Promise<Map<string, ScenarioJson>> {
  all ??= runLab(["all", "--format", "json", "--keep", dir!.path], 170_000).then((r) => {
    const doc = JSON.parse(r.out) as { scenarios: ScenarioJson[] };
    const times = doc.scenarios.map((s) => `${s.id} ${s.seconds.toFixed(1)} s`).join(", ");
    console.log(`lab all: exit ${r.code}; ${times}`);
    return new Map(doc.scenarios.map((s) => [s.id, s]));
  });
  return all;
}

/** What is wrong with one scenario's lab record against docs/scenarios.md, or undefined. */
function wrongWith(id: string, r: ScenarioJson): string | undefined {
  const book = BOOK[id];
  if (r.labError !== null) return `lab error: ${r.labError}`;
  if (r.client?.exitCode !== book.exit) {
    return `client exit ${r.client?.exitCode}, expected ${book.exit} (saw: ${r.client?.saw})`;
  }
  if (book.says && !book.says.test(r.client!.saw)) return `client saw '${r.client!.saw}'`;
  if (r.explainError !== null) return `explain error: ${r.explainError}`;
  const verdicts = r.explain.map((v) => v.scenario).join(",");
  if (verdicts !== book.verdict) return `explain said ${verdicts}, expected ${book.verdict}`;
  const wrong = WIRE_CHECKS[id](readWire(r.capture!));
  if (wrong !== undefined) return `capture: ${wrong}`;
  return r.ok ? undefined : "the lab says not ok";
}

/** One scenario again, alone (`tcpecho lab ID --format json --keep DIR`). */
async function labOne(id: string): Promise<ScenarioJson> {
  const r = await runLab([id, "--format", "json", "--keep", dir!.path], 90_000);
  return (JSON.parse(r.out) as { scenarios: ScenarioJson[] }).scenarios[0];
}

for (const sc of LAB_SCENARIOS) {
  test(
    `lab: ${sc.id}: client error and exit code, explain verdict and wire as docs/scenarios.md says`,
    {
      skip: SKIP,
      timeout: 280_000, // bun ignores bunfig.toml's test timeout for node:test (measured)
    },
    async () => {
      let r = (await labAll()).get(sc.id);
      assert.ok(r, `no result for ${sc.id}`);
      // Real kernel timers on a shared machine: a scenario that misses once is
      // run once more, alone; the first miss is printed with its whole record
      // (one CI run missed keepalive-alive once; three runs under load did not).
      const first = wrongWith(sc.id, r);
      if (first !== undefined) {
        console.log(`lab ${sc.id}: first run wrong (${first}); record: ${JSON.stringify(r)}`);
        r = await labOne(sc.id);
      }
      const wrong = wrongWith(sc.id, r);
      assert.equal(wrong, undefined, `${sc.id}: ${wrong}; record: ${JSON.stringify(r)}`);
    },
  );
}

/** Lab namespaces of one lab process (by pid). */
function labNamespaces(pid: number): string[] {
  const list = spawnSync("ip", ["netns", "list"]).stdout.toString();
  return list.split("\n").map((l) => l.split(" ")[0]).filter((n) =>
    n.startsWith(`tcpecho-${pid}-`)
  );
}

/** Whether a process runs (a zombie waiting for its reaper counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function pidsIn(ns: string): number[] {
  const out = spawnSync("ip", ["netns", "pids", ns]).stdout.toString();
  return out.split(/\s+/).filter((p) => p !== "").map(Number);
}

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  test(`lab: ${signal} during a scenario removes its namespaces and processes`, {
    skip: SKIP,
    timeout: 200_000,
  }, async () => {
    await labAll(); // not concurrently with the big run (CPU)
    const p = spawnCli(["lab", "server-host-crash"]);
    let err = "";
    p.stderr.on("data", (d) => err += String(d));
    const ended = new Promise<[number | null, string | null]>((r) =>
      p.on("close", (c, s) => r([c, s]))
    );
    let names: string[] = [], pids: number[] = [];
    for (let i = 0; i < 150 && pids.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      names = labNamespaces(p.pid!);
      pids = names.flatMap(pidsIn);
    }
    assert.equal(names.length, 2, "the lab's namespaces did not appear");
    assert.ok(pids.length >= 3, `tcpdump, serve and connect expected in them, got ${pids}`);
    p.kill(signal);
    const timer = setTimeout(() => p.kill("SIGKILL"), 15_000);
    const [exit, by] = await ended;
    clearTimeout(timer);
    // Deno's node:child_process reports a child it signalled as ended by that
    // signal even when the child caught it and exited with a code (measured: the
    // real wait status is exit 143, as Bun and Python report).
    if (RUNTIME === "deno" && exit === null) assert.equal(by, signal, err);
    else assert.equal(exit, code, err);
    assert.match(err, new RegExp(`interrupted by ${signal}`));
    assert.deepEqual(labNamespaces(p.pid!), []);
    assert.deepEqual(pids.filter(running), []);
  });
}

test("lab: namespaces of a lab killed with SIGKILL are removed by the next lab", {
  skip: SKIP,
  timeout: 200_000,
}, async () => {
  await labAll();
  const p = spawnCli(["lab", "server-host-crash"]);
  const ended = new Promise((r) => p.on("close", r));
  let pids: number[] = [];
  for (let i = 0; i < 150 && pids.length < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    pids = labNamespaces(p.pid!).flatMap(pidsIn);
  }
  p.kill("SIGKILL");
  await ended;
  assert.equal(labNamespaces(p.pid!).length, 2, "SIGKILL should leave the namespaces");
  const next = await runLab(["connection-refused"], 60_000);
  assert.equal(next.code, 0, next.err);
  assert.match(next.err, new RegExp(`removed namespaces left by a killed lab: tcpecho-${p.pid}-`));
  assert.deepEqual(labNamespaces(p.pid!), []);
  assert.deepEqual(pids.filter(running), []);
});

test("lab: cleanup of the shared capture folder", { skip: SKIP, timeout: 200_000 }, async () => {
  await labAll().catch(() => {});
  dir?.cleanup();
});
