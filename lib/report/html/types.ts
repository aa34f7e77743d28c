/**
 * The input of the HTML report: the object `tcpecho explain --format json`
 * prints (docs/design.md contract), typed here as the renderer reads it. Fields the
 * renderer can do without are optional.
 * @module
 */

/** One endpoint of a connection. */
export interface ReportEndpoint {
  addr: string;
  port: number;
}

/** One TCP segment of a connection, as the JSON output lists it. */
export interface ReportSegment {
  /** 1-based frame number in the file. */
  frame: number;
  /** Seconds since the first record of the capture. */
  time: number;
  from: "client" | "server";
  /** Flag names: "SYN", "ACK", "FIN", "RST", "PSH", … */
  flags: string[];
  /** Sequence and acknowledgement numbers relative to each side's ISN. */
  seq: number;
  ack: number;
  len: number;
  /** Advertised window in bytes (scaled), when the analysis reports it. */
  window?: number;
  /** docs/scenarios.md per-segment labels. */
  labels: string[];
}

/** A named phase spanning frames. */
export interface ReportPhase {
  name: string;
  firstFrame: number;
  lastFrame: number;
}

/** One endpoint state change. */
export interface ReportState {
  frame: number;
  state: string;
}

/** One connection of the report. */
export interface ReportConnection {
  id: number;
  client: ReportEndpoint;
  server: ReportEndpoint;
  rolesGuessed: boolean;
  /** docs/scenarios.md scenario id. */
  scenario: string;
  /** docs/scenarios.md section, e.g. "5.12". */
  section: string;
  /** The verdict sentence. */
  summary: string;
  phases: ReportPhase[];
  segments: ReportSegment[];
  states: { client: ReportState[]; server: ReportState[] };
  retransmissions: { count: number; intervals: number[] };
  /** The analysis's handshake RTT (s), null when not captured; absent in older JSON. */
  handshakeRtt?: number | null;
  /** Where the time went and the slowness verdict (docs/slow.md); absent in older JSON. */
  timing?: unknown;
  slow?: { sentence: string; cause: string } | null;
}

/** What the capture reader reported. */
export interface ReportCapture {
  format: string;
  linkTypes: number[];
  frames: number;
  truncated: boolean;
  warnings: string[];
}

/** The whole `explain --format json` object. */
export interface ExplainReport {
  capture: ReportCapture;
  connections: ReportConnection[];
}

/** Options of {@link ExplainReport} rendering. */
export interface HtmlOptions {
  /** Title shown in the page head and header (default: "tcpecho explain"). */
  title?: string;
  /** File name of the capture, shown in the header. */
  captureName?: string;
  /**
   * Segments embedded in the report at most (default 200,000). Connections
   * beyond the budget keep their table row but not their segments; the report
   * says how to get them (`--conn N`).
   */
  maxSegments?: number;
  /** Segments drawn in one ladder at most (default 2,000); the graph shows all. */
  maxLadderSegments?: number;
}
