/**
 * The explain pipeline, assembled in one place: bytes -> capture reader ->
 * decoder -> TCP tracker -> phases and verdicts. The CLI, the tests, the
 * benchmarks and library users all call {@link explainCapture}; nothing else
 * wires these layers together.
 *
 * Each connection reaches `onConnection` the moment it ends (or when the
 * capture ends), so memory follows the connections open at the same time, not
 * the size of the capture, as long as the caller does not keep them all.
 * @module
 */
import { bytesSource, readCapture } from "../capture/mod.ts";
import {
  type CaptureSetInfo,
  FrameOrigins,
  type NamedSource,
  readCaptureSet,
} from "../capture/merge.ts";
import type { ByteSource, CaptureInfo, Frame, ReadOptions } from "../capture/types.ts";
import { decodeFrame, newPacket } from "../decode/mod.ts";
import type { Packet } from "../decode/types.ts";
import { type TrackerLimits, UNASSIGNED_REASONS } from "../tcp/tracker.ts";
import { type ConnFilter, type Detail, type Explained, Explainer } from "./engine.ts";

export type { CaptureSetInfo, ConnFilter, Detail, Explained, NamedSource };
export { FrameOrigins };

/** Options of {@link explainCapture}. */
export interface ExplainOptions {
  /**
   * How much each connection carries (default `"full"`):
   * - `"full"`: segments with labels and both endpoints' state histories
   *   (the text ladder, `--format json`, the HTML report);
   * - `"verdict"`: the verdict, phases, counters and retransmission
   *   intervals, but no segments or states (`--summary` with json/ndjson/html);
   * - `"table"`: only the verdict and the counters the summary table shows
   *   (no phases, intervals or states): the fastest.
   */
  detail?: Detail;
  /** Only connections matching this filter reach `onConnection`. */
  filter?: ConnFilter;
  /**
   * The tracker's limits: most open and half-open connections, and how long
   * each may stay idle, in capture seconds (defaults in lib/tcp/tracker_options.ts).
   */
  limits?: TrackerLimits;
  /**
   * The caller keeps nothing of a connection once `onConnection` returns (it
   * writes a line and forgets it): connection records are then reset and
   * reused, which makes captures of millions of short connections nearly
   * allocation-free. Default false. `onConnection` returns true for a
   * connection it keeps after all (that record is not reused).
   */
  reuse?: boolean;
  /** Receives each connection as it ends, in end order (returns `true`: see `reuse`). */
  onConnection?(e: Explained): unknown;
  /** Receives the id of each connection the filter left out, as it ends. */
  onFiltered?(id: number): void;
  /** Called once per frame read (after it was analysed): progress reporting. */
  onFrame?(frames: number): void;
  /**
   * Receives the engine before the first frame, for a live capture: its
   * `endIdle(nowSec, idleS)` reports connections that went quiet.
   */
  onEngine?(engine: Pick<Explainer, "endIdle" | "tracker">): void;
  /** Options of the capture reader (chunk size). */
  read?: ReadOptions;
  /**
   * For a capture set: the table that learns where each merged frame came
   * from, filled while reading (so `onConnection` can already use it). Made
   * by explainCapture when not given.
   */
  origins?: FrameOrigins;
}

/** What {@link explainCapture} returns once the capture has been read. */
export interface ExplainSummary {
  /** The capture: format, link types, frames, truncation, warnings (and `files` for a set). */
  capture: CaptureInfo | CaptureSetInfo;
  /**
   * For a capture set: maps each merged frame number to its file and its
   * frame number there (also usable from `onConnection`, for the frames seen
   * so far). Undefined for a single capture.
   */
  origins?: FrameOrigins;
  /** Connections seen (before filtering). */
  connections: number;
  /** Frames that carry TCP (decoded), including those counted in `unplaced`. */
  tcpFrames: number;
  /**
   * Frames that are, or may be, TCP but belong to no connection, counted by
   * reason (an unsupported link type, a malformed header, a late packet of a
   * connection that had ended, ...). Never dropped silently.
   */
  unplaced: Record<string, number>;
  /**
   * Connections that ended "expired" (reported, not dropped), by the limit
   * that expired them: idle half-open, idle, or the cap on open connections
   * (lib/tcp/tracker.ts).
   */
  expired: Record<string, number>;
}

/**
 * Explains a capture: every TCP connection with its phases and verdict.
 * `source` is the capture's bytes or a {@link ByteSource} (a file, stdin);
 * pcap, pcapng and gzip are detected. Several named sources are read as one
 * capture merged in timestamp order (lib/capture/merge.ts), so a connection
 * that spans rotated files is one connection; `origins` then maps the merged
 * frame numbers back to each file.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { explainCapture } from "./pipeline.ts";
 * const scenarios: string[] = [];
 * const done = await explainCapture(
 *   new Uint8Array(readFileSync("samples/server-process-terminated.pcap")),
 *   { onConnection: (e) => scenarios.push(e.verdict.scenario) },
 * );
 * // scenarios: ["server-process-terminated"]; done.capture.frames: 13
 * ```
 */
export async function explainCapture(
  source: ByteSource | Uint8Array | NamedSource[],
  opts: ExplainOptions = {},
): Promise<ExplainSummary> {
  let origins = opts.origins;
  const unplaced: Record<string, number> = {};
  const ex = new Explainer({
    detail: opts.detail ?? "full",
    reuse: opts.reuse ?? false,
    filter: opts.filter,
    limits: opts.limits,
    onConnection: opts.onConnection ?? (() => {}),
    onFiltered: opts.onFiltered,
  });
  opts.onEngine?.(ex);
  const pkt = newPacket({ synOptionsOnly: true });
  let frames = 0;
  let tcpFrames = 0;
  const onFrame = opts.onFrame;
  const each = (frame: Frame) => {
    const p = decodeFrame(frame, pkt);
    if (p.kind === "tcp") tcpFrames++;
    else countUnplaced(p, unplaced);
    ex.push(p);
    frames++;
    if (onFrame !== undefined) onFrame(frames);
  };
  let capture: CaptureInfo | CaptureSetInfo;
  if (Array.isArray(source)) {
    origins ??= new FrameOrigins();
    capture = await readCaptureSet(source, each, origins, opts.read);
  } else {
    const src = source instanceof Uint8Array ? bytesSource(source) : source;
    capture = await readCapture(src, each, opts.read);
    origins = undefined;
  }
  ex.finish();
  // TCP frames the tracker placed in no connection (late packets of ended ones).
  const un = ex.tracker.unassigned;
  for (const reason of Object.keys(un) as (keyof typeof un)[]) {
    if (un[reason] > 0) unplaced[UNASSIGNED_REASONS[reason]] = un[reason];
  }
  const expired = { ...ex.tracker.expired };
  return { capture, origins, connections: ex.connections, tcpFrames, unplaced, expired };
}

/**
 * Counts a frame the decoder could not turn into TCP when it may have been
 * TCP: an unknown link type, an unsupported tunnel or encoding, or a
 * malformed packet, by the decoder's stable reason (lib/decode/types.ts).
 */
export function countUnplaced(p: Packet, into: Record<string, number>): void {
  let why: string;
  if (p.kind === "unknown-link" || p.kind === "unsupported") why = p.error;
  else if (p.kind === "malformed") why = `malformed: ${p.error}`;
  else return;
  into[why] = (into[why] ?? 0) + 1;
}
