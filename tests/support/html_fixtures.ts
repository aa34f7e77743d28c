/**
 * Test helper for the HTML report: a report object for a real capture (the
 * real `tcpecho explain --format json` when it works, else the stand-in JSON
 * made from tshark's analysis).
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "./path.ts";
import { ROOT, runCli } from "./helpers.ts";
import type { ExplainReport } from "../../lib/report/html/mod.ts";

/** Fixture folder of the HTML tests. */
export const FIXTURES = join(ROOT, "tests", "fixtures", "html");

const made = new Map<string, { report: ExplainReport; source: string }>();

/**
 * The report of a fixture capture: `tcpecho explain NAME.pcap --format json`
 * when that command works, else NAME.json (made from tshark, see the README there).
 * The CLI runs once per fixture and process; each caller gets its own copy.
 */
export function fixtureReport(name: string): { report: ExplainReport; source: string } {
  if (!made.has(name)) made.set(name, makeFixtureReport(name));
  return structuredClone(made.get(name)!);
}

function makeFixtureReport(name: string): { report: ExplainReport; source: string } {
  const pcap = join(FIXTURES, `${name}.pcap`);
  const r = runCli(["explain", pcap, "--format", "json"], { timeoutMs: 60_000 });
  if (r.code === 0) {
    try {
      const report = JSON.parse(r.stdout) as ExplainReport;
      if (Array.isArray(report.connections) && report.connections.length > 0) {
        return { report, source: "tcpecho explain --format json" };
      }
    } catch { /* not JSON yet: fall through */ }
  }
  const report = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as ExplainReport;
  return { report, source: "tshark stand-in JSON" };
}
