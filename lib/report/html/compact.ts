/**
 * The data embedded in the report: the analysis object made compact so a
 * report of 100,000 connections stays a reasonable size (one array per table
 * row and per segment, repeated strings in one table, frames and times stored
 * as differences), and the decoder the page uses to get the
 * {@link ReportConnection} shape back.
 * @module
 */
import { CATALOGUE } from "../../explain/catalogue.ts";
import { connectionStats } from "./stats.ts";
import type { ExplainReport, ReportCapture, ReportConnection, ReportSegment } from "./types.ts";
import { formatHostPort } from "../../hostport.ts";

/**
 * One segment: [frame − previous frame, µs since the connection's first
 * segment, fromServer 0|1, flags (string index), seq, ack, len, window or −1,
 * labels (string index)].
 */
export type PackedSegment = [number, number, 0 | 1, number, number, number, number, number, number];

/**
 * One table row: [id, client, server, scenario (string index), section,
 * duration s, bytes C→S, bytes S→C, retransmissions, rtt s or −1, segments,
 * rolesGuessed 0|1].
 */
export type PackedRow = [
  number,
  string,
  string,
  number,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  0 | 1,
];

/** The per-connection detail the verdict, the ladder and the graph need. */
export interface PackedDetail {
  /** Summary (string index). */
  s: number;
  /** First frame and first time (s). */
  f0: number;
  t0: number;
  /** Phases: [name (string index), firstFrame, lastFrame]. */
  p: [number, number, number][];
  /** Client and server states: [frame, state (string index)]. */
  c: [number, number][];
  v: [number, number][];
  /** Retransmission intervals (s). */
  i: number[];
  g: PackedSegment[];
  /** The analysis's handshake RTT (s, null unknown), when the report has it. */
  r?: number | null;
  /** The report's `timing` and `slow` objects, carried as they are (docs/slow.md). */
  tm?: unknown;
  sl?: { sentence: string; cause: string } | null;
}

/** The whole embedded object. */
export interface PackedReport {
  v: 2;
  title: string;
  captureName: string;
  capture: ReportCapture;
  /** Strings referred to by index. */
  strings: string[];
  rows: PackedRow[];
  /** Detail by connection id; absent for connections beyond the segment budget. */
  details: Record<string, PackedDetail>;
  /** Connections whose detail was left out. */
  omitted: number;
  maxLadderSegments: number;
}

/**
 * Scenarios that are no sign of trouble (the catalogue's `trouble: false`): not
 * highlighted, and last in the segment budget.
 */
export const UNREMARKABLE: ReadonlySet<string> = new Set(
  CATALOGUE.filter((s) => !s.trouble).map((s) => s.id),
);

/** Formats an endpoint as "addr:port" ("[v6]:port" for IPv6). */
export function endpointText(e: { addr: string; port: number }): string {
  return formatHostPort(e.addr, e.port);
}

/** Interns strings into one table. */
export class Strings {
  readonly list: string[] = [];
  #index = new Map<string, number>();
  id(s: string): number {
    let i = this.#index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.#index.set(s, i);
    }
    return i;
  }
}

function packSegments(segs: ReportSegment[], str: Strings, f0: number, t0: number) {
  let prev = f0;
  return segs.map((s): PackedSegment => {
    const d = s.frame - prev;
    prev = s.frame;
    return [
      d,
      Math.round((s.time - t0) * 1e6),
      s.from === "server" ? 1 : 0,
      str.id(s.flags.join(",")),
      s.seq,
      s.ack,
      s.len,
      typeof s.window === "number" ? s.window : -1,
      str.id(s.labels.join(",")),
    ];
  });
}

/** One connection's detail (segments, phases, states), strings interned in `str`. */
export function packDetail(c: ReportConnection, str: Strings): PackedDetail {
  const f0 = c.segments.length ? c.segments[0].frame : 0;
  const t0 = c.segments.length ? c.segments[0].time : 0;
  return {
    s: str.id(c.summary),
    f0,
    t0,
    p: (c.phases ?? []).map((p) => [str.id(p.name), p.firstFrame, p.lastFrame]),
    c: (c.states?.client ?? []).map((x) => [x.frame, str.id(x.state)]),
    v: (c.states?.server ?? []).map((x) => [x.frame, str.id(x.state)]),
    i: c.retransmissions?.intervals ?? [],
    g: packSegments(c.segments, str, f0, t0),
    ...(c.handshakeRtt === undefined ? {} : { r: c.handshakeRtt }),
    ...(c.timing === undefined ? {} : { tm: c.timing }),
    ...(c.slow === undefined ? {} : { sl: c.slow }),
  };
}

/**
 * Chooses which connections keep their segments within `budget`: unusual
 * scenarios first (they are what people open), then the rest in order.
 */
function chooseDetailed(conns: ReportConnection[], budget: number): Set<number> {
  const chosen = new Set<number>();
  let used = 0;
  const plain = (c: ReportConnection) => UNREMARKABLE.has(c.scenario);
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
 * import type { ExplainReport } from "./types.ts";
 * declare const report: ExplainReport; // the JSON of `tcpecho explain --format json`, parsed
 * const packed = packReport(report, { maxSegments: 200_000 });
 * packed.rows.length === report.connections.length; // true
 * ```
 */
export function packReport(
  report: ExplainReport,
  opts: { title?: string; captureName?: string; maxSegments?: number; maxLadderSegments?: number },
): PackedReport {
  const detailed = chooseDetailed(report.connections, opts.maxSegments ?? 200_000);
  const str = new Strings();
  const rows: PackedRow[] = [];
  const details: Record<string, PackedDetail> = {};
  for (const c of report.connections) {
    rows.push(packRow(c, str));
    if (detailed.has(c.id)) details[String(c.id)] = packDetail(c, str);
  }
  return {
    v: 2,
    title: opts.title ?? "tcpecho explain",
    captureName: opts.captureName ?? "",
    capture: report.capture,
    strings: str.list,
    rows,
    details,
    omitted: report.connections.length - detailed.size,
    maxLadderSegments: opts.maxLadderSegments ?? 2000,
  };
}

/** One connection's table row, the scenario interned in `str`. */
export function packRow(
  c: ReportConnection,
  str: Strings,
  stats?: { st: ReturnType<typeof connectionStats>; segments: number },
): PackedRow {
  const st = stats?.st ?? connectionStats(c);
  return [
    c.id,
    endpointText(c.client),
    endpointText(c.server),
    str.id(c.scenario),
    c.section,
    round(st.duration),
    st.bytesClient,
    st.bytesServer,
    st.retransmissions,
    rowRtt(c.handshakeRtt, st.rtt, round),
    stats?.segments ?? c.segments.length,
    c.rolesGuessed ? 1 : 0,
  ];
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The table's RTT column: the analysis's value when the report has one, else the page's own estimate. */
function rowRtt(
  fromAnalysis: number | null | undefined,
  estimate: number | null,
  round: (x: number) => number,
) {
  const rtt = fromAnalysis === undefined ? estimate : fromAnalysis;
  return rtt === null ? -1 : round(rtt);
}

function endpoint(t: string): { addr: string; port: number } {
  const i = t.lastIndexOf(":");
  return { addr: t.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(t.slice(i + 1)) };
}

/**
 * Rebuilds one connection from its table row and detail (the page does this
 * when a person opens a connection).
 *
 * @example
 * ```ts
 * declare const packed: PackedReport; // from packReport
 * const conn = unpackConnection(packed, packed.rows[0], packed.details["1"]);
 * conn.segments.length; // as in the JSON output
 * ```
 */
export function unpackConnection(
  data: { strings: string[] },
  row: PackedRow,
  d: PackedDetail,
): ReportConnection {
  const S = data.strings;
  const split = (i: number) => (S[i] === "" ? [] : S[i].split(","));
  let frame = d.f0;
  const t0us = d.t0 * 1e6;
  return {
    id: row[0],
    client: endpoint(row[1]),
    server: endpoint(row[2]),
    rolesGuessed: row[11] === 1,
    scenario: S[row[3]],
    section: row[4],
    summary: S[d.s],
    phases: d.p.map(([n, firstFrame, lastFrame]) => ({ name: S[n], firstFrame, lastFrame })),
    states: {
      client: d.c.map(([f, s]) => ({ frame: f, state: S[s] })),
      server: d.v.map(([f, s]) => ({ frame: f, state: S[s] })),
    },
    retransmissions: { count: row[8], intervals: d.i },
    segments: d.g.map((p) => {
      frame += p[0];
      return {
        frame,
        time: Math.round(t0us + p[1]) / 1e6,
        from: p[2] === 1 ? "server" : "client",
        flags: split(p[3]),
        seq: p[4],
        ack: p[5],
        len: p[6],
        ...(p[7] >= 0 ? { window: p[7] } : {}),
        labels: split(p[8]),
      };
    }),
    ...(d.r === undefined ? {} : { handshakeRtt: d.r }),
    ...(d.tm === undefined ? {} : { timing: d.tm }),
    ...(d.sl === undefined ? {} : { slow: d.sl }),
  };
}
