/**
 * tcpecho's public library API: capture reading, packet decoding, TCP
 * analysis and the book's scenario verdicts, usable without the CLI, on Deno
 * and Bun. Re-exports only; no logic here.
 *
 * The whole pipeline is one call, {@link explainCapture}: give it the bytes
 * of a pcap/pcapng (optionally gzip) capture or a {@link ByteSource}, and it
 * hands you each TCP connection with its verdict as the connection ends.
 * {@link connectionReport} turns one into the object `tcpecho explain
 * --format json` prints.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { connectionReport, explainCapture } from "./mod.ts";
 * import type { ConnectionReport } from "./mod.ts";
 *
 * const bytes = new Uint8Array(readFileSync("samples/server-process-terminated.pcap"));
 * const reports: ConnectionReport[] = [];
 * const done = await explainCapture(bytes, {
 *   onConnection: (e) => reports.push(connectionReport(e)),
 * });
 * console.log(done.capture.frames, reports[0].scenario, reports[0].section);
 * // 13 server-process-terminated 5.12
 * ```
 * @module
 */
export { ExitCode, TcpechoError, usageError } from "./lib/errors.ts";
export type { ExitCodeValue, TcpechoErrorOptions } from "./lib/errors.ts";

// The pipeline.
export { explainCapture } from "./lib/explain/pipeline.ts";
export type {
  ConnFilter,
  Detail,
  Explained,
  ExplainOptions,
  ExplainSummary,
} from "./lib/explain/pipeline.ts";
export type { Verdict } from "./lib/explain/scenarios.ts";
export type { TrackerLimits } from "./lib/tcp/tracker_options.ts";

// Its layers, for callers that need one of them alone.
export { bytesSource, readCapture, streamSource } from "./lib/capture/mod.ts";
export type { ByteSource, CaptureInfo, Frame, ReadOptions } from "./lib/capture/mod.ts";
export { addrString, decodeFrame, newPacket } from "./lib/decode/mod.ts";
export type { Packet, PacketKind } from "./lib/decode/mod.ts";

// The reports (docs/design.md JSON contract).
export { captureJson, connectionReport, ndjsonLine, renderJson } from "./lib/report/json.ts";
export { connectionJsonPieces, JsonStreamWriter } from "./lib/report/json_stream.ts";
export type {
  CaptureJson,
  ConnectionReport,
  EndpointJson,
  SegmentJson,
} from "./lib/report/json.ts";
export { renderText, textChunks } from "./lib/report/text.ts";
