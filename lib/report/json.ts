/**
 * The JSON contract of DESIGN.md: one object per connection
 * ({@link ConnectionReport}), the whole-capture document, and NDJSON lines.
 * @module
 */
import { RETRANS } from "../tcp/conn.ts";
import type { CaptureInfo } from "../capture/types.ts";
import type { Explained } from "../explain/engine.ts";
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

/** One connection in the JSON (DESIGN.md). */
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
   * Additive to DESIGN.md: the handshake RTT at the capture point (SYN to the
   * ACK of the SYN,ACK) in seconds, null when the handshake was not captured.
   */
  handshakeRtt: number | null;
}

/** The capture part of the JSON document. */
export interface CaptureJson {
  format: "pcap" | "pcapng";
  linkTypes: number[];
  frames: number;
  truncated: boolean;
  warnings: string[];
  /**
   * Additive to DESIGN.md: frames that are, or may be, TCP but belong to no
   * connection, counted by reason (absent when the caller did not count).
   */
  unplaced?: Record<string, number>;
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

function segmentJson(s: SegmentRecord, origins?: FrameOriginLookup): SegmentJson {
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
 * The DESIGN.md object for one explained connection.
 *
 * @example
 * ```ts
 * // JSON.stringify(connectionReport(explained))
 * ```
 */
export function connectionReport(e: Explained, origins?: FrameOriginLookup): ConnectionReport {
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
    segments: (c.segments ?? []).map((s) => segmentJson(s, origins)),
    states: {
      client: statesJson(c.fsm?.[0].history ?? null),
      server: statesJson(c.fsm?.[1].history ?? null),
    },
    retransmissions: {
      count: f.p[RETRANS] + f.p[RETRANS + 1],
      intervals: f.intervals?.slice() ?? [],
    },
    handshakeRtt: f.rtt >= 0 ? roundTime(f.rtt) : null,
  };
}

/**
 * The capture object of the JSON document.
 *
 * @example
 * ```ts
 * // captureJson(info) -> { format: "pcap", linkTypes: [1], frames: 12, truncated: false, warnings: [] }
 * ```
 */
export function captureJson(
  info: CaptureInfo,
  unplaced?: Record<string, number>,
): CaptureJson {
  const out: CaptureJson = {
    format: info.format,
    linkTypes: info.linkTypes.slice(),
    frames: info.frames,
    truncated: info.truncated,
    warnings: info.warnings.slice(),
  };
  if (unplaced !== undefined) out.unplaced = { ...unplaced };
  const files = (info as { files?: CaptureJson["files"] }).files;
  if (files !== undefined) out.files = files.map((f) => ({ ...f }));
  return out;
}

/**
 * The whole `--format json` document (connections in id order).
 *
 * @example
 * ```ts
 * // renderJson(info, reports) -> '{"capture":{…},"connections":[…]}\n'
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
 * // ndjsonLine(report) -> '{"id":1,…}\n'
 * ```
 */
export function ndjsonLine(r: ConnectionReport): string {
  return JSON.stringify(r) + "\n";
}

/**
 * The streamed `--format json` document: the same object as {@link renderJson}
 * with `connections` first, written connection by connection as each ends,
 * and `capture` last (it is known only at the end; JSON key order carries no
 * meaning). A connection's segments are written in batches, so no connection
 * ever becomes one string.
 *
 * @example
 * ```ts
 * const parts: string[] = [];
 * const w = new JsonStreamWriter((s) => parts.push(s));
 * w.end({ format: "pcap", linkTypes: [1], frames: 0, truncated: false, warnings: [] });
 * // JSON.parse(parts.join("")).connections.length === 0
 * ```
 */
export class JsonStreamWriter {
  #out: (text: string) => void;
  #count = 0;

  constructor(out: (text: string) => void) {
    this.#out = out;
    out('{\n  "connections": [');
  }

  /** Connections written so far. */
  get count(): number {
    return this.#count;
  }

  /** Writes one connection. */
  connection(r: ConnectionReport): void {
    const out = this.#out;
    const segments = r.segments;
    const text = indent(JSON.stringify({ ...r, segments: SEGMENTS_MARK }, null, 2), "    ");
    const at = text.indexOf(MARK_JSON);
    out((this.#count++ === 0 ? "\n    " : ",\n    ") + text.slice(0, at));
    if (segments.length === 0) out("[]");
    else {
      let batch = "[";
      for (let i = 0; i < segments.length; i++) {
        batch += (i === 0 ? "\n        " : ",\n        ") +
          indent(JSON.stringify(segments[i], null, 2), "        ");
        if (batch.length >= 1 << 16) {
          out(batch);
          batch = "";
        }
      }
      out(batch + "\n      ]");
    }
    out(text.slice(at + MARK_JSON.length));
  }

  /** Closes the array and writes the capture object. */
  end(capture: CaptureJson): void {
    const close = this.#count === 0 ? "]" : "\n  ]";
    this.#out(`${close},\n  "capture": ${indent(JSON.stringify(capture, null, 2), "  ")}\n}\n`);
  }
}

const SEGMENTS_MARK = "\u0000segments\u0000";
const MARK_JSON = JSON.stringify(SEGMENTS_MARK);

function indent(text: string, pad: string): string {
  return text.replaceAll("\n", "\n" + pad);
}
