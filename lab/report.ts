/**
 * The lab's output: per scenario, side by side, what the client program saw,
 * what the book says, and explain's verdict; the sysctls that made it fast
 * and what was simulated; a summary table for `lab all`; and JSON for scripts.
 * @module
 */
import { type LabResult, sameVerdicts } from "./run.ts";
import { LAB_SCENARIOS } from "./scenarios.ts";
import { SLOW_SCENARIOS } from "./slow_scenarios.ts";
import { describeExit } from "./session.ts";
import type { AppliedSysctl } from "./sysctls.ts";

/** Colour functions (identity when colour is off). */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
}

/**
 * The `--list` text: id, section, explain verdict, what happens.
 *
 * @example
 * ```ts
 * listText().split("\n")[0]; // "SCENARIOS (tcpecho lab ID, or tcpecho lab all)"
 * // then one row per scenario: "  normal  …  §5.6   echo two lines, EOF, orderly close"
 * ```
 */
export function listText(): string {
  const w = Math.max(...[...LAB_SCENARIOS, ...SLOW_SCENARIOS].map((s) => s.id.length));
  const rows = LAB_SCENARIOS.map((s) =>
    `  ${s.id.padEnd(w)}  §${s.section.padEnd(4)}  ${s.title}${s.simulated ? " (simulated)" : ""}`
  );
  const slow = SLOW_SCENARIOS.map((s) =>
    `  ${s.id.padEnd(w)}  §${s.section.padEnd(4)}  ${s.title} [explain: ${s.slow!.cause}]`
  );
  return [
    "SCENARIOS (tcpecho lab ID, or tcpecho lab all)",
    ...rows,
    "",
    "SLOW CONNECTIONS (tcpecho lab ID, or tcpecho lab slow; the cause explain must name)",
    ...slow,
    "",
  ].join("\n");
}

/**
 * The header: the private network and the sysctls set, with the values replaced.
 *
 * @example
 * ```ts
 * import { createColors } from "../lib/report/colors.ts";
 * import type { LabResult } from "./run.ts";
 * declare const result: LabResult; // from runScenario
 * const paint = createColors(false);
 * headerText(result.sysctls, paint);
 * ```
 */
export function headerText(sysctls: AppliedSysctl[], p: Paint, routed = false): string {
  if (routed) {
    return [
      p.bold("lab network") +
      ": client 198.18.0.1, router 198.18.0.254 / 198.19.0.254, server 198.19.0.2 " +
      "(three network namespaces, no route out); faults in the router's forward hook; " +
      "serve and connect pinned to CPU 0; the kernel's own TCP timers; tcpdump on the " +
      "client's side",
      "",
    ].join("\n");
  }
  const lines = [
    p.bold("lab network") +
    ": two network namespaces joined by a veth pair, client 198.18.0.1 / 2001:db8::1, " +
    "server 198.18.0.2 / 2001:db8::2, no route out; tcpdump on the client's side",
    p.bold("timeouts shortened") + " (per namespace, the host keeps its own):",
    ...sysctls.map((s) => `  ${s.namespace} ${s.key} = ${s.value} (was ${s.was}): ${p.dim(s.why)}`),
    "",
  ];
  return lines.join("\n");
}

function clientLine(r: LabResult): string {
  if (!r.client) return "(client not started)";
  return `${r.client.saw || "(no output)"} [${describeExit(r.client.exit)}]`;
}

function explainLine(r: LabResult): string {
  if (r.explain.error) return r.explain.error;
  if (r.explain.verdicts.length === 0) return r.labError ? "(no capture)" : "(no connection)";
  return r.explain.verdicts.map((v) => `${v.scenario} (§${v.section}): ${v.summary}`).join(" | ");
}

function tracedLine(r: LabResult): string {
  const t = r.traced!;
  const said = t.verdicts.map((v) => `${v.scenario} (§${v.section})`).join(" | ");
  const same = sameVerdicts(t, r.explain) ? "same as explain" : "DIFFERS from explain";
  return t.error ? `${said ? said + "; " : ""}${t.error}` : `${said}: ${same}`;
}

/**
 * One scenario's block: verdict line, then client / book / explain side by side.
 *
 * @example
 * ```ts
 * import { createColors } from "../lib/report/colors.ts";
 * import type { LabResult } from "./run.ts";
 * declare const result: LabResult; // from runScenario
 * const paint = createColors(false);
 * scenarioText(result, paint, true);
 * ```
 */
export function scenarioText(r: LabResult, p: Paint, timeline: boolean): string {
  const s = r.scenario;
  const mark = r.ok ? p.green("as the book says") : p.red("DIFFERS from the book");
  const out = [
    `${p.bold(s.id)}  §${s.section}  ${r.seconds.toFixed(1)} s  ${mark}`,
  ];
  if (s.simulated) out.push(`  ${p.dim("simulated ")}  ${s.simulated}`);
  if (timeline) {
    for (const t of r.timeline) {
      out.push(`  ${p.dim(`${t.t.toFixed(2).padStart(6)} s`)}    ${t.what}`);
    }
  }
  out.push(`  client saw   ${clientLine(r)}`);
  const exit = s.expect.signal ? s.expect.signal : `exit ${s.expect.exit}`;
  out.push(`  ${s.slow ? "expected" : "book says"}${s.slow ? "     " : "    "}${s.book} [${exit}]`);
  out.push(`  explain      ${explainLine(r)}`);
  if (r.traced) out.push(`  traced       ${tracedLine(r)}`);
  if (s.slow) out.push(...slowLines(r, p));
  if (r.capture) out.push(`  capture      ${r.capture} ${p.dim(`(tcpecho explain ${r.capture})`)}`);
  if (r.labError) out.push(`  ${p.red("lab error")}    ${r.labError}`);
  return out.join("\n") + "\n\n";
}

/** A slow case's lines: the cause expected, explain's sentence, where the time went. */
function slowLines(r: LabResult, p: Paint): string[] {
  const v = r.explain.verdicts[0];
  const { cause, expect } = r.scenario.slow!;
  const out = [`  cause        ${cause}: ${expect.replace(`${cause}: `, "")}`];
  if (v?.timing) {
    const t = v.timing;
    const parts = Object.entries(t.seconds).filter(([, x]) => x >= 0.0005)
      .sort((a, b) => b[1] - a[1])
      .map(([k, x]) => `${k} ${x.toFixed(3)} s (${Math.round((100 * x) / (t.duration || 1))}%)`);
    out.push(`  time         ${t.duration.toFixed(3)} s: ${parts.join(", ")}`);
    if (t.largestStall) {
      const l = t.largestStall;
      out.push(
        `  largest      ${l.kind} (${l.cause}) ${l.seconds.toFixed(3)} s at frames ` +
          `${l.firstFrame}-${l.lastFrame}`,
      );
    }
  }
  out.push(`  slowness     ${v?.slow ? v.slow.sentence : "(none)"}`);
  if (r.slowError) out.push(`  ${p.red("differs")}      ${r.slowError}`);
  return out;
}

/**
 * The closing table for `lab all`.
 *
 * @example
 * ```ts
 * import { createColors } from "../lib/report/colors.ts";
 * import type { LabResult } from "./run.ts";
 * declare const results: LabResult[]; // from runScenario, one per scenario
 * const paint = createColors(false);
 * summaryText(results, paint);
 * ```
 */
export function summaryText(results: LabResult[], p: Paint): string {
  const w = Math.max(...results.map((r) => r.scenario.id.length));
  const vw = results.some((r) => r.scenario.slow) ? 36 : 26;
  const traced = results.some((r) => r.traced);
  const rows = results.map((r) => {
    const verdict = r.explain.verdicts.map((v) => v.scenario).join(",") || "-";
    const t = r.traced ? r.traced.verdicts.map((v) => v.scenario).join(",") || "-" : "";
    const ok = r.ok ? p.green("ok") : p.red("DIFFERS");
    const cause = r.scenario.slow ? ` slow: ${r.explain.verdicts[0]?.slow?.cause ?? "none"}` : "";
    return `  ${r.scenario.id.padEnd(w)}  ${r.seconds.toFixed(1).padStart(5)} s  ` +
      `${describeExit(r.client?.exit).padEnd(7)}  ${(verdict + cause).padEnd(vw)}` +
      `${traced ? t.padEnd(26) : ""}${ok}`;
  });
  const good = results.filter((r) => r.ok).length;
  return [
    p.bold(`${good} of ${results.length} scenarios as the book says`),
    `  ${"scenario".padEnd(w)}  ${"time".padStart(7)}  ${"client".padEnd(7)}  ${
      "explain".padEnd(vw)
    }${traced ? "traced client" : ""}`,
    ...rows,
    "",
  ].join("\n");
}

/**
 * The `--format json` document.
 *
 * @example
 * ```ts
 * import type { LabResult } from "./run.ts";
 * declare const results: LabResult[]; // from runScenario, one per scenario
 * JSON.parse(jsonText(results)).scenarios[0].ok; // true
 * ```
 */
export function jsonText(results: LabResult[]): string {
  const doc = {
    sysctls: results[0]?.sysctls ?? [],
    scenarios: results.map((r) => ({
      id: r.scenario.id,
      section: r.scenario.section,
      expectedVerdict: r.scenario.verdict,
      ok: r.ok,
      seconds: Math.round(r.seconds * 1000) / 1000,
      client: r.client
        ? {
          args: r.client.args,
          exitCode: r.client.exit?.code ?? null,
          signal: r.client.exit?.signal ?? null,
          saw: r.client.saw,
        }
        : null,
      book: { says: r.scenario.book, exitCode: r.scenario.expect.exit },
      explain: r.explain.verdicts.map((v) => ({
        scenario: v.scenario,
        section: v.section,
        summary: v.summary,
        ...(r.scenario.slow ? { timing: v.timing ?? null, slow: v.slow ?? null } : {}),
      })),
      ...(r.scenario.slow
        ? {
          slowCase: { cause: r.scenario.slow.cause, expect: r.scenario.slow.expect },
          slowError: r.slowError ?? null,
        }
        : {}),
      explainError: r.explain.error ?? null,
      ...(r.traced
        ? {
          traced: r.traced.verdicts,
          tracedError: r.traced.error ?? null,
          tracedSame: sameVerdicts(r.traced, r.explain),
        }
        : {}),
      simulated: r.scenario.simulated ?? null,
      capture: r.capture ?? null,
      timeline: r.timeline,
      labError: r.labError ?? null,
    })),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
