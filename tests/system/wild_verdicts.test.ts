/**
 * Verdicts on ordinary traffic: explain (in-process) over every capture in
 * ../shared/captures/wild (Zeek's and tcpdump's test trees). Checks:
 *  - no capture makes explain throw;
 *  - consistency rules computed from the JSON segments (flags, seq/ack, times),
 *    independently of the verdict engine, hold for every connection;
 *  - the streaming --summary mode (no segments kept, records reused) gives
 *    every connection the same verdict, with the verdict's shortcut for plain
 *    orderly closes and without it (the ordered walk alone);
 *  - the connections read by hand (tests/fixtures/wild/judgements.tsv) keep the
 *    verdict judged right there.
 * Skips with a printed reason when ../shared is absent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { haveCommand, ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { explainBytes } from "../support/explain_run.ts";
import { judgedConnection } from "../support/wild_judged.ts";
import type { ConnectionReport, SegmentJson } from "../../lib/report/json.ts";
import { SCENARIO_IDS } from "../../lib/explain/catalogue.ts";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { shortcut } from "../../lib/explain/scenarios.ts";

const WILD = join(ROOT, "..", "shared", "captures", "wild");
const JUDGED = join(ROOT, "tests", "fixtures", "wild", "judgements.tsv");
const SKIP = existsSync(WILD) ? false : `no wild captures at ${WILD}`;
/** Linux's smallest keepalive time: a probe follows at least this much idle time. */
const IDLE_S = 1;

function captures(): string[] {
  const out: string[] = [];
  for (const dir of ["zeek", "tcpdump"]) {
    const d = join(WILD, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) {
      if (/\.(pcap|pcapng|cap)(\.gz)?$/i.test(f)) out.push(`${dir}/${f}`);
    }
  }
  return out;
}

const has = (s: SegmentJson, flag: string) => s.flags.includes(flag);
const side = (c: ConnectionReport, who: "client" | "server") =>
  c.segments.filter((s) => s.from === who && !s.labels.includes("icmp-unreachable"));

/** The FIN of `who` acknowledged by the other side (relative numbers). */
function finAcked(c: ConnectionReport, who: "client" | "server"): boolean {
  const fin = c.segments.find((s) => s.from === who && has(s, "FIN"));
  if (!fin) return false;
  const end = fin.seq + fin.len + 1;
  return c.segments.some((s) =>
    s.from !== who && s.frame > fin.frame && has(s, "ACK") && s.ack >= end
  );
}

/** Keepalive-labelled segments after ≥ 1 s of silence on the connection. */
function idleProbes(c: ConnectionReport): SegmentJson[] {
  const segs = c.segments.filter((s) => !s.labels.includes("icmp-unreachable"));
  return segs.filter((s, i) =>
    i > 0 && s.labels.includes("keepalive") && s.time - segs[i - 1].time >= IDLE_S
  );
}

/** Verdicts as the --summary table gets them (no segments kept, records reused), by id. */
async function summaryVerdicts(file: string, plainClose = true): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  shortcut.plainClose = plainClose;
  try {
    await explainCapture(new Uint8Array(readFileSync(file)), {
      detail: "table",
      reuse: true,
      onConnection: (e) => out.set(e.conn.id, e.verdict.scenario),
    });
  } finally {
    shortcut.plainClose = true;
  }
  return out;
}

/** The rules; each returns a complaint or undefined. */
function complaint(c: ConnectionReport): string | undefined {
  const v = c.scenario;
  if (!SCENARIO_IDS.includes(v)) return `unknown scenario ${v}`;
  const rst = c.segments.filter((s) => has(s, "RST"));
  const cl = side(c, "client"), sv = side(c, "server");
  if (!c.rolesGuessed && rst.length === 0 && finAcked(c, "client") && finAcked(c, "server")) {
    const ok = ["normal", "half-close", "simultaneous-close", "keepalive-alive"];
    if (!ok.includes(v)) return "both FINs acknowledged, no RST, but " + v;
  }
  if (v === "syn-timeout") {
    if (sv.length > 0) return "syn-timeout but the server sent something";
    if (rst.length > 0) return "syn-timeout but the client reset";
  }
  if (v === "server-host-unreachable") {
    if (!c.segments.some((s) => s.labels.includes("icmp-unreachable"))) {
      return "unreachable without an ICMP error";
    }
    if (/fragmentation needed/i.test(c.summary.split("Path MTU")[0])) {
      return "unreachable named after a fragmentation-needed";
    }
  }
  if (v.startsWith("keepalive-")) {
    const probes = idleProbes(c);
    if (probes.length === 0) return `${v} without a probe after ≥ ${IDLE_S} s idle`;
    if (v === "keepalive-alive") {
      const answered = probes.some((p) =>
        c.segments.some((s) => s.frame > p.frame && s.from !== p.from)
      );
      if (!answered) return "keepalive-alive but no probe was answered";
    } else if (finAcked(c, "client") && finAcked(c, "server")) {
      const lastFin = Math.max(...c.segments.filter((s) => has(s, "FIN")).map((s) => s.frame));
      if (probes.every((p) => p.frame > lastFin)) return `${v} after an orderly FIN exchange`;
    }
  }
  if (v === "server-process-terminated") {
    const fin = sv.find((s) => has(s, "FIN"));
    if (!fin) return "§5.12 without a server FIN";
    const cfin = cl.find((s) => has(s, "FIN"));
    if (cfin && cfin.frame < fin.frame) return "§5.12 but the client closed first";
    if (!cl.some((s) => s.frame > fin.frame && s.len > 0)) {
      return "§5.12 without client data after the server's FIN";
    }
    if (rst.length > 0 && rst[0].from !== "server") return "§5.12 but the client reset";
  }
  if (v === "server-crash-reboot") {
    const r = rst[0];
    if (!r || r.from !== "server") return "crash-reboot without a server RST";
    if (has(r, "ACK")) return "crash-reboot RST acknowledges data (the stack knew the connection)";
    if (sv.some((s) => has(s, "FIN"))) return "crash-reboot but the server sent FIN";
    const before = c.segments.filter((s) => s.frame < r.frame).pop();
    if (!before || before.from !== "client" || before.len === 0) {
      return "crash-reboot RST does not answer client data";
    }
  }
  if (v === "server-host-crash" && (cl.length === 0 || sv.length === 0)) {
    return "host crash claimed from a one-sided capture";
  }
  if (v === "connection-refused") {
    if (!rst.some((s) => s.from === "server")) return "refused without a server RST";
    if (sv.some((s) => has(s, "SYN"))) return "refused after a SYN,ACK";
  }
  const established = c.states.client.some((s) => s.state === "ESTABLISHED") ||
    c.states.server.some((s) => s.state === "ESTABLISHED");
  if ((cl.length === 0 || sv.length === 0) && established && !/one-sided/.test(c.summary)) {
    return "one-sided capture not said";
  }
  if (!["normal", "open", "midstream"].includes(v) && !/frames? \d+/.test(c.summary)) {
    return "sentence names no frame";
  }
  return undefined;
}

interface Judgement {
  file: string;
  conn: number;
  client: string;
  server: string;
  verdict: string;
  reading: string;
}

function judgements(): Judgement[] {
  if (!existsSync(JUDGED)) return [];
  const lines = readFileSync(JUDGED, "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
  return lines.slice(1).map((l) => {
    const [file, conn, client, server, verdict, reading] = l.split("\t");
    return { file, conn: Number(conn), client, server, verdict, reading };
  });
}

test("wild verdicts: every capture explained, consistency rules hold", {
  skip: SKIP,
  timeout: 300_000,
}, async () => {
  const files = captures();
  assert.ok(files.length > 600, `${files.length} captures`);
  const counts: Record<string, number> = {};
  const bad: string[] = [];
  const started = Date.now();
  for (const f of files) {
    assert.ok(Date.now() - started < 280_000, "bounded in time");
    let conns: ConnectionReport[];
    try {
      conns = await explainBytes(join(WILD, f));
    } catch (e) {
      bad.push(`${f}: explain threw ${(e as Error).message}`);
      continue;
    }
    const table = await summaryVerdicts(join(WILD, f));
    // The verdict's shortcut for plain orderly closes against the ordered walk alone.
    const walked = await summaryVerdicts(join(WILD, f), false);
    for (const [id, v] of walked) {
      if (table.get(id) !== v) {
        bad.push(`${f} #${id}: the walk says ${v}, the shortcut ${table.get(id)}`);
      }
    }
    for (const c of conns) {
      counts[c.scenario] = (counts[c.scenario] ?? 0) + 1;
      if (table.get(c.id) !== c.scenario) {
        bad.push(`${f} #${c.id}: ${c.scenario}, but --summary says ${table.get(c.id)}`);
      }
      const why = complaint(c);
      if (why) bad.push(`${f} #${c.id} ${c.scenario}: ${why} — ${c.summary}`);
    }
  }
  console.log("wild verdict counts:", JSON.stringify(counts));
  assert.deepEqual(bad.slice(0, 20), [], `${bad.length} inconsistent connection(s)`);
});

test("wild verdicts: hand-read connections keep the verdict judged right", {
  skip: SKIP || (existsSync(JUDGED) ? false : `no ${JUDGED}`),
  timeout: 120_000,
}, async () => {
  const js = judgements();
  assert.ok(js.length >= 30, `${js.length} judgements`);
  const byFile = new Map<string, ConnectionReport[]>();
  const wrong: string[] = [];
  for (const j of js) {
    const c = await judgedConnection(byFile, WILD, j);
    if (!c) {
      wrong.push(`${j.file} #${j.conn}: no connection ${j.client} → ${j.server}`);
      continue;
    }
    if (c.scenario !== j.verdict) {
      wrong.push(`${j.file} #${j.conn}: ${c.scenario}, judged ${j.verdict} (${j.reading})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("wild verdicts: an unreachable verdict has a host/net/admin ICMP code (tshark)", {
  skip: SKIP || (haveCommand("tshark") ? false : "needs tshark"),
  timeout: 300_000,
}, async () => {
  const started = Date.now();
  for (const f of captures()) {
    assert.ok(Date.now() - started < 280_000, "bounded in time");
    const conns = await explainBytes(join(WILD, f));
    if (!conns.some((c) => c.scenario === "server-host-unreachable")) continue;
    const r = spawnSync("tshark", [
      "-r",
      join(WILD, f),
      "-Y",
      "(icmp.type == 3 && icmp.code != 4) || icmpv6.type == 1",
      "-T",
      "fields",
      "-e",
      "frame.number",
    ], { encoding: "utf8", timeout: 60_000 });
    assert.ok(r.stdout.trim().length > 0, `${f}: unreachable verdict, no such ICMP`);
  }
});
