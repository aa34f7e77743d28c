/**
 * Runs one lab scenario end to end: build the network, start the capture,
 * run the scenario's steps, stop everything, delete the namespaces, then ask
 * explain about the capture. Cleanup runs on success, failure and interrupt.
 * @module
 */
import { readFileSync, rmSync } from "node:fs";
import process from "node:process";
import type { Proc, ProcApi, ProcExit } from "../lib/runtime/proc/mod.ts";
import { type Capture, startCapture } from "./capture.ts";
import { explainCapture, type ExplainOutcome } from "./explain.ts";
import { keepFile, labWorkdir } from "./keep.ts";
import { LabNet } from "./netns.ts";
import type { LabScenario } from "./scenarios.ts";
import { describeExit, LabSession, type TimelineEntry } from "./session.ts";
import type { AppliedSysctl } from "./sysctls.ts";
import { within } from "./wait.ts";

/** What one scenario run produced. */
export interface LabResult {
  scenario: LabScenario;
  /** Wall-clock seconds, from creating the network to its removal. */
  seconds: number;
  /** The client program: argv tail, how it ended, and the line that says what it saw. */
  client?: { args: string[]; exit?: ProcExit; saw: string; stdout: string; stderr: string };
  /** The server's log (stderr). */
  serverLog: string;
  /** explain's verdicts on the capture. */
  explain: ExplainOutcome;
  /** `lab --trace`: the verdicts the traced client printed for its own connection(s). */
  traced?: ExplainOutcome;
  /** The capture, when kept. */
  capture?: string;
  timeline: TimelineEntry[];
  sysctls: AppliedSysctl[];
  /** Why the lab itself failed (not the scenario's expected failure). */
  labError?: string;
  /** A slow case: why explain's time attribution differs from the expected one. */
  slowError?: string;
  /** Client exit code and message as docs/scenarios.md says, and explain agreeing. */
  ok: boolean;
}

/** Options for {@link runScenario}. */
export interface RunOptions {
  proc: ProcApi;
  signal: AbortSignal;
  /** Directory that keeps the capture and logs (default: a temporary one, removed). */
  keep?: string;
  /** Run the client with `--trace-file` and require its verdict to equal explain's. */
  trace?: boolean;
}

/** Where a traced client's trace starts in its stdout (cmd/trace.ts). */
const TRACE_HEAD = "\n── trace (";

/** The line that says what the client saw: its error line, else its last output line. */
export function clientSaw(p: Proc): string {
  const err = p.stderr().split("\n").find((l) => l.startsWith("tcpecho"));
  if (err) return err.trim();
  const lines = untraced(p.stdout()).trim().split("\n").filter((l) => l.trim() !== "");
  return (lines.pop() ?? "").trim();
}

/** A client's stdout without its trace. */
function untraced(stdout: string): string {
  const at = stdout.indexOf(TRACE_HEAD);
  return at < 0 ? stdout : stdout.slice(0, at);
}

/**
 * The verdicts a traced client printed after its result (`── trace (…) ──`,
 * then explain's text report: `#1 A → B  scenario (§x)` and the sentence).
 *
 * @example
 * ```ts
 * const out = "hello\n\n── trace (libpcap (FFI), filter 'tcp port 9877') ──\n" +
 *   "#1 198.18.0.1:40512 → 198.18.0.2:9877  normal (§5.6)\n    The client closed first.\n";
 * tracedVerdicts(out).verdicts[0].scenario; // "normal"
 * ```
 */
export function tracedVerdicts(stdout: string): ExplainOutcome {
  const at = stdout.indexOf(TRACE_HEAD);
  if (at < 0) return { verdicts: [], error: "the client printed no trace" };
  // deno-lint-ignore no-control-regex
  const lines = stdout.slice(at).replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  const verdicts = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^#\d+ \S+ → \S+ {2}(\S+)(?: \(§([^)]*)\))?/.exec(lines[i]);
    if (m) {
      verdicts.push({ scenario: m[1], section: m[2] ?? "", summary: (lines[i + 1] ?? "").trim() });
    }
  }
  if (verdicts.length === 0) {
    return { verdicts, error: `the trace explained no connection: ${lines[2] ?? ""}`.trim() };
  }
  return { verdicts };
}

/**
 * Runs a scenario; never leaves a namespace or process behind. Throws only
 * when interrupted (after cleaning up); other failures are in `labError`.
 *
 * @example
 * ```ts
 * import { getProc } from "../lib/runtime/proc/mod.ts";
 * import { findScenario } from "./scenarios.ts";
 * const proc = await getProc(), signal = new AbortController().signal;
 * const r = await runScenario(findScenario("normal")!, { proc, signal });
 * r.ok; // true
 * ```
 */
export async function runScenario(sc: LabScenario, opts: RunOptions): Promise<LabResult> {
  const t0 = Date.now();
  // tcpdump (root) writes only into the lab's own 0700 folder; --keep gets copies (keep.ts).
  const dir = labWorkdir();
  const file = `${dir}/${sc.id}.pcap`;
  const traceFile = opts.trace ? `${dir}/${sc.id}.trace.pcap` : undefined;
  const extra: Proc[] = [];
  let net: LabNet | undefined;
  let session: LabSession | undefined;
  let capture: Capture | undefined;
  let labError: string | undefined;
  try {
    // The slow cases: a router between the ends, the kernel's own timers, pinned programs.
    net = LabNet.create(opts.proc, process.pid, sc.slow ? { router: true, tuneTimers: false } : {});
    session = new LabSession(net, opts.proc, opts.signal, sc.family, traceFile);
    // Each sender on one CPU: veth keeps its packets in order (unpinned, they reorder).
    if (sc.slow) session.pinCpus = { client: "0", server: String(slowServerCpu()) };
    const spawn = (argv: string[]) => {
      const p = opts.proc.spawn(argv, { stdin: false });
      extra.push(p);
      return p;
    };
    capture = await startCapture(
      net,
      spawn,
      file,
      opts.signal,
      sc.slow ? { snaplen: 128, bufferKiB: 16384 } : {},
    );
    session.note(`tcpdump listening on ${net.names.clientDev} (client side)`);
    await sc.run(session);
    await within(new Promise((r) => setTimeout(r, 300)), 400, opts.signal); // trailing ACKs
  } catch (e) {
    if (opts.signal.aborted) {
      await cleanup(session, capture, extra, net);
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    labError = (e as Error).message;
  }
  await cleanup(session, capture, extra, net);
  const explain = labError ? { verdicts: [] } : await explainCapture(opts.proc, file, opts.signal);
  const c = session?.client;
  const result: LabResult = {
    scenario: sc,
    seconds: (Date.now() - t0) / 1000,
    client: c && {
      args: c.argv.slice(c.argv.indexOf(c.argv.find((a) => a === "connect" || a === "probe")!)),
      exit: c.exit(),
      saw: clientSaw(c),
      stdout: c.stdout(),
      stderr: c.stderr(),
    },
    serverLog: session?.server?.stderr() ?? "",
    explain,
    traced: opts.trace && c ? tracedVerdicts(c.stdout()) : undefined,
    capture: undefined,
    timeline: session?.timeline ?? [],
    sysctls: net?.sysctls ?? [],
    labError,
    ok: false,
  };
  result.ok = judge(result);
  try {
    if (opts.keep) {
      let pcap: Uint8Array | undefined;
      try {
        pcap = readFileSync(file);
      } catch { /* no capture (the lab failed before tcpdump wrote) */ }
      if (pcap) result.capture = keepFile(opts.keep, `${sc.id}.pcap`, pcap);
      let traced: Uint8Array | undefined;
      try {
        if (traceFile) traced = readFileSync(traceFile);
      } catch { /* the client kept no trace */ }
      if (traced) keepFile(opts.keep, `${sc.id}.trace.pcap`, traced);
      keepFile(opts.keep, `${sc.id}.txt`, logText(result));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

/** CPU 1 for the server when there is one (the receiver keeps up), else 0 with the client. */
function slowServerCpu(): number {
  return (navigator.hardwareConcurrency ?? 1) > 1 ? 1 : 0;
}

/**
 * Whether the client did what docs/scenarios.md says and explain named the
 * scenario (and, for a slow case, the cause); with `--trace`, also whether the
 * traced client's own verdict is explain's verdict on the lab's capture.
 */
export function judge(r: LabResult): boolean {
  const e = r.scenario.expect;
  const exit = r.client?.exit;
  if (r.labError || !exit) return false;
  if (exit.code !== e.exit && !(e.signal && exit.signal === e.signal)) return false;
  // (Not the trace's sentences: they name errnos too.)
  if (e.stderr && !e.stderr.test(r.client!.stderr + untraced(r.client!.stdout))) return false;
  if (r.traced && !sameVerdicts(r.traced, r.explain)) return false;
  if (r.explain.verdicts.length !== 1) return false;
  const v = r.explain.verdicts[0];
  if (r.scenario.slow) {
    r.slowError = r.scenario.slow.check(v);
    if (r.slowError) return false;
  }
  return v.scenario === r.scenario.verdict;
}

/** The same scenarios, in the same order, and no error. */
export function sameVerdicts(a: ExplainOutcome, b: ExplainOutcome): boolean {
  if (a.error || b.error || a.verdicts.length !== b.verdicts.length) return false;
  return a.verdicts.every((v, i) => v.scenario === b.verdicts[i].scenario);
}

async function cleanup(
  session: LabSession | undefined,
  capture: Capture | undefined,
  extra: Proc[],
  net: LabNet | undefined,
): Promise<void> {
  const fresh = new AbortController().signal;
  // The capture stops first, so killing what is left (a server still holding
  // the connection) adds nothing to it.
  await capture?.stop(fresh);
  await session?.stopAll(fresh);
  for (const p of extra) p.kill("SIGKILL");
  net?.destroy();
}

function logText(r: LabResult): string {
  const lines = [
    `scenario ${r.scenario.id} (docs/scenarios.md ${r.scenario.verdict}, §${r.scenario.section})`,
    ...r.sysctls.map((s) => `sysctl (${s.namespace}) ${s.key} = ${s.value} (was ${s.was})`),
    ...r.timeline.map((t) => `${t.t.toFixed(3).padStart(7)} s  ${t.what}`),
    `client ${r.client?.args.join(" ") ?? "(not started)"}: ${describeExit(r.client?.exit)}`,
    "--- client stdout",
    r.client?.stdout.trimEnd() ?? "",
    "--- client stderr",
    r.client?.stderr.trimEnd() ?? "",
    "--- server stderr",
    r.serverLog.trimEnd(),
    "--- explain",
    ...r.explain.verdicts.map((v) => `${v.scenario} (§${v.section}): ${v.summary}`),
    ...r.explain.verdicts.flatMap((v) => v.slow ? [`slowness: ${v.slow.sentence}`] : []),
    ...(r.slowError ? [`--- slowness differs`, r.slowError] : []),
    ...(r.explain.error ? [r.explain.error] : []),
    ...(r.traced
      ? [
        "--- traced client (connect/probe --trace)",
        ...r.traced.verdicts.map((v) => `${v.scenario} (§${v.section}): ${v.summary}`),
        ...(r.traced.error ? [r.traced.error] : []),
      ]
      : []),
    ...(r.labError ? [`--- lab error`, r.labError] : []),
  ];
  return lines.join("\n") + "\n";
}
