/**
 * Runs the explain pipeline in-process (lib/explain/pipeline.ts) on bytes or
 * a file, for tests: returns the docs/design.md connection objects.
 * @module
 */
import { readFileSync } from "node:fs";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { type ConnectionReport, connectionReport } from "../../lib/report/json.ts";

/**
 * Explains a capture given as bytes or a path; connections in id order.
 *
 * @example
 * ```ts
 * const conns = await explainBytes(buildPcap([...]));
 * ```
 */
export async function explainBytes(input: Uint8Array | string): Promise<ConnectionReport[]> {
  const bytes = typeof input === "string" ? new Uint8Array(readFileSync(input)) : input;
  const out: ConnectionReport[] = [];
  await explainCapture(bytes, { onConnection: (e) => out.push(connectionReport(e)) });
  return out.sort((a, b) => a.id - b.id);
}
