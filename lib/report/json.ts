/**
 * The JSON contract of docs/design.md: one object per connection
 * ({@link ConnectionReport}), the whole-capture document, and NDJSON lines.
 * @module
 */
import { RETRANS } from "../tcp/conn.ts";
import type { CaptureInfo } from "../capture/types.ts";
import type { Explained } from "../explain/engine.ts";
import { slowVerdict } from "../explain/slow.ts";
import { CAUSES, type Stall, type Timing } from "../explain/timing.ts";
import type { SegmentRecord } from "../tcp/conn.ts";
import { labelNames } from "../tcp/labels.ts";
import type { StateChange } from "../tcp/state.ts";

/** An endpoint. */
export interface EndpointJson {
  addr: string;
  port: number;
}

/** One segment in the JSON. */
export interface SegmentJson {
  frame: number;
  time: number;
  from: "client" | "server";
  flags: string[];
  seq: number;
  ack: number;
  len: number;
  /** Advertised window in bytes (scaled when window scaling is in effect). */
  window: number;
  labels: string[];
  /**
   * Additive, only when several captures were read as one (a capture set):
   * the file the frame came from (0-based, in `capture.files`) and its frame
   * number in that file. `frame` is then the merged frame number.
   */
  file?: number;
  fileFrame?: number;
}

/** Where a merged frame came from (lib/capture/merge.ts FrameOrigins). */
export interface FrameOriginLookup {
  lookup(frame: number): { file: number; frame: number };
}

/** One connection in the JSON (docs/design.md). */
export interface ConnectionReport {
  id: number;
  client: EndpointJson;
  server: EndpointJson;
  rolesGuessed: boolean;
  scenario: string;
  section: string;
  summary: string;
  phases: { name: string; firstFrame: number; lastFrame: number }[];
  segments: SegmentJson[];
  states: {
    client: { frame: number; state: string }[];
    server: { frame: number; state: string }[];
  };
  retransmissions: { count: number; intervals: number[] };
  /**
   * Additive to docs/design.md: the handshake RTT at the capture point (SYN to the
   * ACK of the SYN,ACK) in seconds, null when the handshake was not captured.
   */
  handshakeRtt: number | null;
  /** Additive (docs/slow.md): where the connection's time went; absent when not computed. */
  timing?: TimingJson;
  /** Additive (docs/slow.md): the slowness verdict, null when nothing is worth a sentence. */
  slow?: SlowJson | null;
}

/** One interval of the timeline, or one stall (docs/slow.md). */
export interface StallJson {
  cause: string;
  kind: string;
  seconds: number;
  start: number;
  firstFrame: number;
  lastFrame: number;
  side: "client" | "server";
  /** Only on `rto` stalls: 1 for the first timeout of a segment, 2 after one backoff, … */
  backoff?: number;
}

/** Per-direction volume and rates (docs/slow.md). */
export interface DirectionJson {
  /** Payload bytes sent, retransmissions included. */
  bytes: number;
  /** New payload bytes (each byte once). */
  goodBytes: number;
  retransmittedBytes: number;
  /** retransmittedBytes / bytes (0 when nothing was sent). */
  lossRate: number;
  /** bytes and goodBytes per second of the connection's duration. */
  throughput: number;
  goodput: number;
}

/** The `timing` object of a connection (docs/slow.md). */
export interface TimingJson {
  duration: number;
  /** Seconds per cause; they add up to `duration`. */
  seconds: Record<string, number>;
  /** The timeline in order (consecutive gaps of one cause merged; at most 200). */
  intervals: StallJson[];
  /** The longest stalls, longest first (at most 8). */
  stalls: StallJson[];
  largestStall: StallJson | null;
  client: DirectionJson;
  server: DirectionJson;
  /** Round-trip times from seq/ack samples (Karn's rule), null without samples. */
  rtt: { min: number; median: number | null; max: number; samples: number } | null;
}

/** The `slow` object of a connection (docs/slow.md). */
export interface SlowJson {
  cause: string;
  seconds: number;
  share: number;
  section: string;
  sentence: string;
}

/** The capture part of the JSON document. */
export interface CaptureJson {
  format: "pcap" | "pcapng";
  linkTypes: number[];
  frames: number;
  truncated: boolean;
  warnings: string[];
  /**
   * Additive to docs/design.md: frames that are, or may be, TCP but belong to no
   * connection, counted by reason (absent when the caller did not count).
   */
  unplaced?: Record<string, number>;
  /**
   * Additive: damage was met and skipped (a record that could not be read, a
   * gzip check mismatch); everything readable was still reported.
   */
  damaged?: boolean;
  /**
   * Additive, only when some connection expired: connections reported as
   * expired, by the limit (idle half-open, idle, the cap on open connections).
   */
  expired?: Record<string, number>;
  /** Additive, only for a capture set: each file in the order given. */
  files?: { name: string; format: "pcap" | "pcapng"; frames: number; truncated: boolean }[];
}

const FLAG_NAMES: [number, string][] = [
  [0x02, "SYN"],
  [0x01, "FIN"],
  [0x04, "RST"],
  [0x08, "PSH"],
  [0x10, "ACK"],
  [0x20, "URG"],
  [0x40, "ECE"],
  [0x80, "CWR"],
];

/**
 * TCP flag names in the order people read them ("SYN", "ACK").
 *
 * @example
 * ```ts
 * flagNames(0x12); // ["SYN", "ACK"]
 * ```
 */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (flags & bit) out.push(name);
  return out;
}

/** Seconds rounded to microseconds. */
export function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** One segment of {@link ConnectionReport}.segments. */
export function segmentJson(s: SegmentRecord, origins?: FrameOriginLookup): SegmentJson {
  const out: SegmentJson = {
    frame: s.frame,
    time: roundTime(s.time),
    from: s.side === 0 ? "client" : "server",
    flags: flagNames(s.flags),
    seq: s.seq,
    ack: s.ack,
    len: s.len,
    window: s.window,
    labels: labelNames(s.labels),
  };
  if (origins !== undefined) {
    const o = origins.lookup(s.frame);
    out.file = o.file;
    out.fileFrame = o.frame;
  }
  return out;
}

function statesJson(h: StateChange[] | null): { frame: number; state: string }[] {
  return (h ?? []).map((x) => ({ frame: x.frame, state: x.state }));
}

/**
 * The docs/design.md object for one explained connection. Without
 * `withSegments` its `segments`, without `withIntervals` its
 * `timing.intervals`, are empty arrays (json_stream.ts writes them apart).
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained; // from explainCapture's onConnection
 * JSON.stringify(connectionReport(explained)); // one element of "connections"
 * ```
 */
export function connectionReport(
  e: Explained,
  origins?: FrameOriginLookup,
  withSegments = true,
  withIntervals = true,
): ConnectionReport {
  const c = e.conn;
  const f = c.facts;
  return {
    id: c.id,
    client: c.client,
    server: c.server,
    rolesGuessed: c.rolesGuessed,
    scenario: e.verdict.scenario,
    section: e.verdict.section,
    summary: e.verdict.summary,
    phases: c.phases.map((p) => ({
      name: p.name,
      firstFrame: p.firstFrame,
      lastFrame: p.lastFrame,
    })),
    segments: withSegments && c.segLog !== null
      ? Array.from(c.segLog, (s) => segmentJson(s, origins))
      : [],
    states: {
      client: statesJson(c.fsm?.[0].history ?? null),
      server: statesJson(c.fsm?.[1].history ?? null),
    },
    retransmissions: {
      count: f.p[RETRANS] + f.p[RETRANS + 1],
      intervals: f.intervals?.slice() ?? [],
    },
    handshakeRtt: f.rtt >= 0 ? roundTime(f.rtt) : null,
    ...(e.timing ? timingFields(e, withIntervals) : {}),
  };
}

function stallJson(s: Stall): StallJson {
  const out: StallJson = {
    cause: CAUSES[s.cause],
    kind: s.kind,
    seconds: roundTime(s.seconds),
    start: roundTime(s.start),
    firstFrame: s.firstFrame,
    lastFrame: s.lastFrame,
    side: s.side === 0 ? "client" : "server",
  };
  if (s.kind === "rto") out.backoff = s.backoff;
  return out;
}

function directionJson(t: Timing, side: 0 | 1): DirectionJson {
  const d = t.duration;
  const bytes = t.bytes[side], good = t.newBytes[side], rtx = t.retransBytes[side];
  return {
    bytes,
    goodBytes: good,
    retransmittedBytes: rtx,
    lossRate: bytes > 0 ? Math.round((rtx / bytes) * 1e6) / 1e6 : 0,
    throughput: d > 0 ? Math.round(bytes / d) : 0,
    goodput: d > 0 ? Math.round(good / d) : 0,
  };
}

/**
 * The `timing` JSON object of a connection's {@link Timing}.
 *
 * @example
 * ```ts
 * // timingJson(explained.timing).seconds.loss
 * ```
 */
export function timingJson(t: Timing, withIntervals = true): TimingJson {
  const seconds: Record<string, number> = {};
  CAUSES.forEach((c, i) => seconds[c] = roundTime(t.seconds[i]));
  const rtt = t.rtt();
  return {
    duration: roundTime(t.duration),
    seconds,
    intervals: withIntervals ? (t.intervals ?? []).map(stallJson) : [],
    stalls: t.stalls.map(stallJson),
    largestStall: t.largest ? stallJson(t.largest) : null,
    client: directionJson(t, 0),
    server: directionJson(t, 1),
    rtt: rtt === null ? null : {
      min: roundTime(rtt.min),
      median: Number.isNaN(rtt.median) ? null : roundTime(rtt.median),
      max: roundTime(rtt.max),
      samples: rtt.samples,
    },
  };
}

function timingFields(
  e: Explained,
  withIntervals: boolean,
): { timing: TimingJson; slow: SlowJson | null } {
  const t = e.timing!;
  const v = slowVerdict(t, e.conn, e.verdict.scenario);
  return {
    timing: timingJson(t, withIntervals),
    slow: v === null ? null : {
      cause: v.cause,
      seconds: roundTime(v.seconds),
      share: Math.round(v.share * 1000) / 1000,
      section: v.section,
      sentence: v.sentence,
    },
  };
}

/**
 * The capture object of the JSON document.
 *
 * @example
 * ```ts
 * import type { CaptureInfo } from "../capture/types.ts";
 * declare const info: CaptureInfo; // from readCapture
 * captureJson(info); // { format: "pcap", linkTypes: [1], frames: 12, truncated: false, warnings: [] }
 * ```
 */
export function captureJson(
  info: CaptureInfo,
  unplaced?: Record<string, number>,
  expired?: Record<string, number>,
): CaptureJson {
  const out: CaptureJson = {
    format: info.format,
    linkTypes: info.linkTypes.slice(),
    frames: info.frames,
    truncated: info.truncated,
    warnings: info.warnings.slice(),
  };
  if (info.damaged) out.damaged = true;
  if (unplaced !== undefined) out.unplaced = { ...unplaced };
  if (expired !== undefined && Object.values(expired).some((n) => n > 0)) {
    out.expired = { ...expired };
  }
  const files = (info as { files?: CaptureJson["files"] }).files;
  if (files !== undefined) out.files = files.map((f) => ({ ...f }));
  return out;
}

/**
 * The whole `--format json` document (connections in id order).
 *
 * @example
 * ```ts
 * import type { CaptureInfo } from "../capture/types.ts";
 * declare const info: CaptureInfo, reports: ConnectionReport[]; // readCapture's, connectionReport's
 * renderJson(info, reports); // '{"capture":{…},"connections":[…]}\n'
 * ```
 */
export function renderJson(info: CaptureInfo, conns: ConnectionReport[]): string {
  const sorted = conns.slice().sort((a, b) => a.id - b.id);
  return JSON.stringify({ capture: captureJson(info), connections: sorted }, null, 2) + "\n";
}

/**
 * One NDJSON line for a connection (`--format ndjson`).
 *
 * @example
 * ```ts
 * declare const report: ConnectionReport; // from connectionReport
 * ndjsonLine(report); // '{"id":1,…}\n'
 * ```
 */
export function ndjsonLine(r: ConnectionReport): string {
  return JSON.stringify(r) + "\n";
}
