/**
 * The data embedded in the report: the analysis object made compact (one
 * array per segment, one per table row) so a report of 100,000 connections
 * stays a reasonable size, and the decoder the page uses to get the
 * {@link ReportConnection} shape back.
 * @module
 */
import { connectionStats } from "./stats.ts";
import type {
  ExplainReport,
  ReportCapture,
  ReportConnection,
  ReportPhase,
  ReportSegment,
  ReportState,
} from "./types.ts";

/** One segment: [frame, time, fromServer 0|1, "SYN,ACK", seq, ack, len, window|-1, "syn,ack"]. */
export type PackedSegment = [number, number, 0 | 1, string, number, number, number, number, string];

/**
 * One table row: [id, client, server, scenario, section, duration s, bytes C→S,
 * bytes S→C, retransmissions, rtt s or -1, segments, rolesGuessed 0|1, summary].
 */
export type PackedRow = [
  number,
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  0 | 1,
  string,
];

/** The per-connection detail the ladder and the graph need. */
export interface PackedDetail {
  phases: ReportPhase[];
  states: { client: ReportState[]; server: ReportState[] };
  intervals: number[];
  segs: PackedSegment[];
}

/** The whole embedded object. */
export interface PackedReport {
  v: 1;
  title: string;
  captureName: string;
  capture: ReportCapture;
  rows: PackedRow[];
  /** Detail by connection id; absent for connections beyond the segment budget. */
  details: Record<string, PackedDetail>;
  /** Connections whose detail was left out. */
  omitted: number;
  maxLadderSegments: number;
}

/** Formats an endpoint as "addr:port" ("[v6]:port" for IPv6). */
export function endpointText(e: { addr: string; port: number }): string {
  return e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
}

function packSegment(s: ReportSegment): PackedSegment {
  return [
    s.frame,
    s.time,
    s.from === "server" ? 1 : 0,
    s.flags.join(","),
    s.seq,
    s.ack,
    s.len,
    typeof s.window === "number" ? s.window : -1,
    s.labels.join(","),
  ];
}

/**
 * Chooses which connections keep their segments within `budget`: unusual
 * scenarios first (they are what people open), then the rest in order.
 */
function chooseDetailed(conns: ReportConnection[], budget: number): Set<number> {
  const chosen = new Set<number>();
  let used = 0;
  const plain = (c: ReportConnection) => c.scenario === "normal" || c.scenario === "open";
  for (const pass of [false, true]) {
    for (const c of conns) {
      if (plain(c) !== pass || chosen.has(c.id)) continue;
      if (used + c.segments.length > budget) continue;
      used += c.segments.length;
      chosen.add(c.id);
    }
  }
  return chosen;
}

/**
 * Packs a report for embedding.
 *
 * @example
 * ```ts
 * const packed = packReport(report, { maxSegments: 200_000 });
 * packed.rows.length === report.connections.length; // true
 * ```
 */
export function packReport(
  report: ExplainReport,
  opts: { title?: string; captureName?: string; maxSegments?: number; maxLadderSegments?: number },
): PackedReport {
  const detailed = chooseDetailed(report.connections, opts.maxSegments ?? 200_000);
  const rows: PackedRow[] = [];
  const details: Record<string, PackedDetail> = {};
  for (const c of report.connections) {
    const st = connectionStats(c);
    rows.push([
      c.id,
      endpointText(c.client),
      endpointText(c.server),
      c.scenario,
      c.section,
      st.duration,
      st.bytesClient,
      st.bytesServer,
      st.retransmissions,
      st.rtt ?? -1,
      c.segments.length,
      c.rolesGuessed ? 1 : 0,
      c.summary,
    ]);
    if (!detailed.has(c.id)) continue;
    details[String(c.id)] = {
      phases: c.phases,
      states: c.states,
      intervals: c.retransmissions?.intervals ?? [],
      segs: c.segments.map(packSegment),
    };
  }
  return {
    v: 1,
    title: opts.title ?? "tcpecho explain",
    captureName: opts.captureName ?? "",
    capture: report.capture,
    rows,
    details,
    omitted: report.connections.length - detailed.size,
    maxLadderSegments: opts.maxLadderSegments ?? 2000,
  };
}

/**
 * Rebuilds one connection from its table row and detail (the page does this
 * when a person opens a connection).
 *
 * @example
 * ```ts
 * const conn = unpackConnection(packed.rows[0], packed.details["1"]);
 * conn.segments.length; // as in the JSON output
 * ```
 */
export function unpackConnection(row: PackedRow, detail: PackedDetail): ReportConnection {
  const split = (t: string) => (t === "" ? [] : t.split(","));
  const ep = (t: string) => {
    const i = t.lastIndexOf(":");
    return { addr: t.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(t.slice(i + 1)) };
  };
  return {
    id: row[0],
    client: ep(row[1]),
    server: ep(row[2]),
    rolesGuessed: row[11] === 1,
    scenario: row[3],
    section: row[4],
    summary: row[12],
    phases: detail.phases,
    states: detail.states,
    retransmissions: { count: row[8], intervals: detail.intervals },
    segments: detail.segs.map((p) => ({
      frame: p[0],
      time: p[1],
      from: p[2] === 1 ? "server" : "client",
      flags: split(p[3]),
      seq: p[4],
      ack: p[5],
      len: p[6],
      ...(p[7] >= 0 ? { window: p[7] } : {}),
      labels: split(p[8]),
    })),
  };
}
