/**
 * Runs `tcpecho explain CAPTURE --format json` (the documented contract, as a
 * separate process under the same runtime) and keeps each connection's verdict.
 * @module
 */
import type { SlowJson, TimingJson } from "../lib/report/json.ts";
import type { ProcApi } from "../lib/runtime/proc/mod.ts";
import { within } from "./wait.ts";

/** explain's verdict on one connection. */
export interface ExplainVerdict {
  scenario: string;
  section: string;
  summary: string;
  /** Where the time went (docs/slow.md), when explain computed it. */
  timing?: TimingJson;
  /** The slowness verdict, null when nothing is worth a sentence. */
  slow?: SlowJson | null;
}

/** What explain said about a capture: verdicts, or why it could not say. */
export interface ExplainOutcome {
  verdicts: ExplainVerdict[];
  /** Set when explain failed or printed something unreadable. */
  error?: string;
}

/** The part of a connection in explain's JSON the lab reads. */
interface ExplainedJson {
  scenario?: string;
  section?: string;
  summary?: string;
  timing?: TimingJson;
  slow?: SlowJson | null;
}

/**
 * Explains a capture; never throws (a failure is reported in `error`).
 *
 * @example
 * ```ts
 * import { getProc } from "../lib/runtime/proc/mod.ts";
 * const proc = await getProc();
 * const out = await explainCapture(proc, "normal.pcap", new AbortController().signal);
 * out.verdicts[0]?.scenario; // "normal"
 * ```
 */
export async function explainCapture(
  proc: ProcApi,
  file: string,
  signal: AbortSignal,
): Promise<ExplainOutcome> {
  const p = proc.spawn([...proc.selfCommand(), "explain", file, "--format", "json"], {
    stdin: false,
    env: { NO_COLOR: "1" },
  });
  const ended = await within(p.exited, 30_000, signal);
  if (ended === undefined) {
    p.kill("SIGKILL");
    return { verdicts: [], error: "tcpecho explain did not finish in 30 s" };
  }
  if (ended.code !== 0) {
    const line = p.stderr().trim().split("\n")[0] ?? "";
    return { verdicts: [], error: `tcpecho explain failed (exit ${ended.code}): ${line}` };
  }
  try {
    const doc = JSON.parse(p.stdout()) as { connections?: ExplainedJson[] };
    const verdicts = (doc.connections ?? []).map((c) => ({
      scenario: String(c.scenario ?? "?"),
      section: String(c.section ?? ""),
      summary: String(c.summary ?? ""),
      timing: c.timing,
      slow: c.slow,
    }));
    return { verdicts };
  } catch (e) {
    return { verdicts: [], error: `Cannot read explain's JSON: ${(e as Error).message}` };
  }
}
