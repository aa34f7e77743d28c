/**
 * "Why was it slow?" on real kernel TCP, through the lab's slow-connection
 * scenarios (`tcpecho lab slow --format json`, lab/slow_scenarios.ts): a
 * router namespace between client and server (drops in its forward hook),
 * tcpecho serve and connect with the options that make each cause, both
 * pinned to CPU 0, and explain's time attribution on the capture. The
 * assertions here are written out independently of the scenarios' own checks:
 * each names the cause and its share of the time, the clean control gets no
 * slowness sentence, and the thinking server is blamed on its application.
 * Needs root, ip, nft, tcpdump and taskset; skips with the reason otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { netnsSkipReason } from "../support/netns.ts";
import { skipUnless, spawnCli, tempDir } from "../support/helpers.ts";
import type { SlowJson, TimingJson } from "../../lib/report/json.ts";

const reason = netnsSkipReason(["ip", "nft", "tcpdump", "taskset"]);
const skip = skipUnless(!reason, reason);
if (reason) console.log(`lab slow tests skipped: ${reason}`);

/** One scenario of the lab's JSON document. */
interface SlowScenarioJson {
  id: string;
  ok: boolean;
  client: { exitCode: number | null; signal: string | null; saw: string } | null;
  explain: { scenario: string; timing: TimingJson | null; slow: SlowJson | null }[];
  labError: string | null;
  slowError: string | null;
}

/** The whole run takes about 1–2 minutes (9 scenarios of 5–10 s each, more under load). */
const RUN_MS = 600_000;

let run: Promise<Map<string, SlowScenarioJson>> | undefined;

/** Runs `tcpecho lab slow --format json` once for every test of this file. */
function labSlow(): Promise<Map<string, SlowScenarioJson>> {
  run ??= labRun("slow");
  return run;
}

/** Runs `tcpecho lab SCENARIO --format json` (one scenario, or "slow" for all of them). */
function labRun(scenario: string): Promise<Map<string, SlowScenarioJson>> {
  return new Promise((resolve, reject) => {
    const keep = tempDir("tcpecho-lab-slow-");
    const p = spawnCli(["lab", scenario, "--format", "json", "--keep", keep.path]);
    let out = "", err = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (err += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), RUN_MS - 30_000);
    p.once("exit", (code) => {
      clearTimeout(timer);
      keep.cleanup();
      try {
        const doc = JSON.parse(out) as { scenarios: SlowScenarioJson[] };
        resolve(new Map(doc.scenarios.map((s) => [s.id, s])));
      } catch {
        reject(new Error(`lab ${scenario} exited ${code}: ${err.slice(-2000)}`));
      }
    });
  });
}

/** The scenario's one explained connection, its timing present and adding up (`again`: a new run of it alone). */
async function explained(id: string, again = false) {
  const sc = (again ? await labRun(id) : await labSlow()).get(id);
  assert.ok(sc, `no scenario ${id}`);
  assert.equal(sc.labError, null, sc.labError ?? "");
  assert.equal(sc.explain.length, 1, JSON.stringify(sc.explain.map((e) => e.scenario)));
  const c = sc.explain[0];
  const t = c.timing;
  assert.ok(t, "no timing");
  const sum = Object.values(t.seconds).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - t.duration) < 1e-5, `${sum} vs ${t.duration}`);
  return { sc, c, t, slow: c.slow };
}

const opts = { skip, timeout: RUN_MS };

test(
  "lab slow: the control, a clean 24 MiB bulk transfer over a 100 Mbit/s link, is not slow",
  opts,
  async () => {
    const { sc, c, t, slow } = await explained("slow-control");
    assert.equal(sc.client?.exitCode, 0);
    assert.equal(c.scenario, "normal");
    assert.equal(slow, null, JSON.stringify(t.seconds));
    assert.equal(t.client.goodBytes, 24 << 20);
    // No timeout: at most a tail-loss probe when the loaded machine delays the pinned
    // receiver's ACKs (seen once: 6 ms at load average 17).
    assert.ok(t.seconds.loss < 0.05, JSON.stringify(t.seconds));
    assert.ok(sc.ok, sc.slowError ?? "");
  },
);

test(
  "lab slow: a request dropped in the router for 1 s: retransmission timeouts with backoff",
  opts,
  async () => {
    const { sc, c, t, slow } = await explained("slow-tail-loss");
    assert.equal(c.scenario, "normal");
    const timeouts = t.stalls.filter((s) => s.kind === "rto" || s.kind === "tlp");
    assert.ok(timeouts.length >= 2, JSON.stringify(t.stalls));
    assert.ok(t.seconds.loss > 0.8, JSON.stringify(t.seconds));
    assert.ok(t.seconds.loss / t.duration > 0.5, "loss is most of the time");
    assert.equal(slow?.cause, "loss", JSON.stringify(slow));
    assert.match(slow!.sentence, /retransmission timeouts? \(/);
    assert.ok(sc.ok, sc.slowError ?? "");
  },
);

test(
  "lab slow: a slow reader with a 16 KiB receive buffer: zero window, the receiver stopped reading",
  opts,
  async () => {
    const { sc, c, t, slow } = await explained("slow-reader");
    assert.equal(c.scenario, "normal");
    assert.ok(t.seconds["receive-window"] > 0.3, JSON.stringify(t.seconds));
    assert.equal(slow?.cause, "receive-window", JSON.stringify(slow));
    assert.match(slow!.sentence, /receive window/);
    assert.ok(sc.ok, sc.slowError ?? "");
  },
);

test(
  "lab slow: a server that thinks 2 s before answering: the server's application",
  opts,
  async () => {
    const { sc, c, t, slow } = await explained("slow-server-think");
    assert.equal(c.scenario, "normal");
    assert.equal(t.largestStall?.cause, "server-app");
    assert.ok(t.largestStall!.seconds > 1.9);
    assert.equal(slow?.cause, "server-app", JSON.stringify(slow));
    // 2.0 s, or 2.1 when the loaded machine runs the 2,000 ms timer late (seen on Bun).
    assert.match(
      slow!.sentence,
      /server's application, the times between the client's data and the server's next \(2\.\d s at frames/,
    );
    // The application, not the network: no loss, window or Nagle time to speak of.
    assert.ok(t.seconds.loss + t.seconds["receive-window"] + t.seconds.nagle < 0.1);
    assert.ok(sc.ok, sc.slowError ?? "");
  },
);

test(
  "lab slow: the first SYN dropped in the router: handshake time, one SYN retransmission",
  opts,
  async () => {
    const { sc, c, t, slow } = await explained("slow-syn-drop");
    assert.equal(c.scenario, "normal");
    assert.equal(t.largestStall?.kind, "syn-retransmission");
    assert.ok(t.seconds.handshake > 0.9);
    assert.equal(slow?.cause, "handshake", JSON.stringify(slow));
    assert.ok(sc.ok, sc.slowError ?? "");
  },
);

test(
  "lab slow: write-write-read without TCP_NODELAY waits for delayed ACKs (nagle), with it does not",
  opts,
  async () => {
    const nagle = await explained("slow-nagle");
    assert.ok(nagle.t.seconds.nagle > 0.1, JSON.stringify(nagle.t.seconds));
    assert.equal(nagle.slow?.cause, "nagle", JSON.stringify(nagle.slow));
    assert.match(nagle.slow!.sentence, /TCP_NODELAY/);
    assert.ok(nagle.sc.ok, nagle.sc.slowError ?? "");
    const fast = await explained("slow-nodelay");
    assert.equal(fast.t.seconds.nagle, 0, JSON.stringify(fast.t.seconds));
    // No Nagle sentence. (Not "no sentence at all": the run lasts 0.1-0.2 s, and on a
    // loaded machine a server descheduled for 0.1 s is rightly reported answering late.)
    assert.notEqual(fast.slow?.cause, "nagle", JSON.stringify(fast.slow));
    assert.ok(fast.sc.ok, fast.sc.slowError ?? "");
  },
);

test(
  "lab slow: random loss (5% of the router's packets) on a bulk transfer: retransmitted bytes and loss time",
  opts,
  async () => {
    let r = await explained("slow-random-loss");
    if (r.slow !== null && (r.slow.cause === "server-app" || r.slow.cause === "client-app")) {
      // The scenario makes losses, not application stalls: a program stalled for
      // seconds is the machine (seen once in CI, on Deno, among the other suites:
      // "77% of its 10 s went to the server's application answering late (7.8 s
      // at frames 2615–2616)", against 2.3 s runs otherwise). Once more, alone.
      console.log(`lab slow: random loss: first run wrong (${r.slow.sentence}); once more`);
      r = await explained("slow-random-loss", true);
    }
    const { sc, t, slow } = r;
    assert.equal(t.client.goodBytes, 24 << 20);
    assert.ok(t.client.retransmittedBytes > 0);
    assert.ok(t.seconds.loss > 0, JSON.stringify(t.seconds));
    // Over the 100 Mbit/s link (its queue lengthens the RTT) recovery costs about 30%
    // of the time: explain may say so, and then it names loss, nothing else.
    if (slow) assert.equal(slow.cause, "loss", JSON.stringify(slow));
    assert.ok(sc.ok, sc.slowError ?? "");
  },
);

test(
  "lab slow: a path-MTU black hole (MTU 1280 behind the router, its ICMP dropped)",
  opts,
  async () => {
    const { sc, t } = await explained("slow-pmtu-blackhole");
    assert.equal(sc.client?.signal, "SIGTERM", "the lab stops the hung client");
    assert.ok(t.seconds.pmtu > 1, JSON.stringify(t.seconds));
    assert.ok(t.seconds.pmtu / t.duration > 0.5, "the black hole is most of the time");
    assert.equal(t.largestStall?.kind, "black-hole");
    assert.ok(sc.ok, sc.slowError ?? "");
  },
);
