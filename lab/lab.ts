/**
 * `tcpecho lab`'s flow: check the machine, run the chosen scenarios one after
 * another (each in its own fresh network), print as each ends, and turn
 * SIGINT/SIGTERM into a clean stop (namespaces and processes removed).
 * @module
 */
import { ExitCode, TcpechoError } from "../lib/errors.ts";
import type { Runtime } from "../lib/runtime/mod.ts";
import type { ProcApi } from "../lib/runtime/proc/mod.ts";
import { headerText, jsonText, type Paint, scenarioText, summaryText } from "./report.ts";
import { type LabResult, runScenario } from "./run.ts";
import type { LabScenario } from "./scenarios.ts";
import { removeStaleWorkdirs } from "./keep.ts";
import { removeStale } from "./stale.ts";
import { assertLabCanRun } from "./tools.ts";

/** What `tcpecho lab` was asked to do. */
export interface LabRequest {
  scenarios: readonly LabScenario[];
  keep?: string;
  /** Run each client traced (`--trace-file`) and compare its verdict with explain's. */
  trace?: boolean;
  format: "text" | "json";
  paint: Paint;
}

/**
 * Runs the scenarios; returns the exit code (0 when every scenario went as
 * the book says, 1 otherwise, 128 + signal number when interrupted).
 *
 * @example
 * ```ts
 * import { getRuntime } from "../lib/runtime/mod.ts";
 * import { getProc } from "../lib/runtime/proc/mod.ts";
 * import { createColors } from "../lib/report/colors.ts";
 * import { LAB_SCENARIOS } from "./scenarios.ts";
 * const rt = await getRuntime(), proc = await getProc();
 * const paint = createColors(rt.isTerminal(1));
 * await runLab(rt, proc, { scenarios: LAB_SCENARIOS, format: "text", paint });
 * ```
 */
export async function runLab(rt: Runtime, proc: ProcApi, req: LabRequest): Promise<number> {
  const missing = proc.missingPermissions();
  assertLabCanRun(missing.length === 0 && proc.isRoot(), missing);
  const stale = removeStale(proc);
  if (stale.length > 0) {
    await rt.writeStderr(`lab: removed namespaces left by a killed lab: ${stale.join(", ")}\n`);
  }
  const staleDirs = removeStaleWorkdirs();
  if (staleDirs.length > 0) {
    await rt.writeStderr(
      `lab: removed capture folders left by a killed lab: ${staleDirs.join(", ")}\n`,
    );
  }
  const controller = new AbortController();
  const offs = (["SIGINT", "SIGTERM"] as const).map((sig) =>
    rt.onSignal(sig, () => controller.abort(sig))
  );
  const results: LabResult[] = [];
  try {
    for (const sc of req.scenarios) {
      const r = await runScenario(sc, {
        proc,
        signal: controller.signal,
        keep: req.keep,
        trace: req.trace,
      });
      if (req.format === "text") {
        if (results.length === 0) {
          await rt.writeStdout(headerText(r.sysctls, req.paint, r.scenario.slow !== undefined));
        }
        await rt.writeStdout(scenarioText(r, req.paint, true));
      }
      results.push(r);
    }
  } catch (e) {
    if (!controller.signal.aborted) throw e;
    const sig = String(controller.signal.reason);
    await rt.writeStderr(
      `tcpecho lab: interrupted by ${sig}; its namespaces and processes were removed\n`,
    );
    return sig === "SIGINT" ? 130 : 143;
  } finally {
    for (const off of offs) off();
  }
  if (req.format === "json") await rt.writeStdout(jsonText(results));
  else if (results.length > 1) await rt.writeStdout(summaryText(results, req.paint));
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 0) return ExitCode.ok;
  throw new TcpechoError(
    `Cannot confirm the book: ${bad.map((r) => r.scenario.id).join(", ")} went differently`,
    {
      code: "ELAB",
      hint: "see each scenario's lines above; --keep DIR keeps the captures and logs",
    },
  );
}
