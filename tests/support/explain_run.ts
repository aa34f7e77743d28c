/**
 * Runs the explain pipeline in-process (reader -> decoder -> engine) on bytes
 * or a file, for tests: returns the DESIGN.md connection objects.
 * @module
 */
import { readFileSync } from "node:fs";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { addrString, decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import { Explainer } from "../../lib/explain/engine.ts";
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
  const ex = new Explainer({
    keepDetail: true,
    onConnection: (e) => out.push(connectionReport(e)),
    addrString: (b, o, v) => addrString(b, o, v),
  });
  const pkt = newPacket();
  await readCapture(bytesSource(bytes), (f) => ex.push(decodeFrame(f, pkt)));
  ex.finish();
  return out.sort((a, b) => a.id - b.id);
}
