/**
 * Figures the connections table shows, derived from one connection's segments
 * (the analysis data itself; nothing is re-analysed).
 * @module
 */
import type { ReportConnection, ReportSegment } from "./types.ts";
import type { SegmentRecord } from "../../tcp/conn.ts";

/** Per-connection figures for the table. */
export interface ConnectionStats {
  /** Seconds from the first to the last segment. */
  duration: number;
  /** Distinct payload bytes sent by the client (highest seq+len minus lowest seq). */
  bytesClient: number;
  /** Distinct payload bytes sent by the server. */
  bytesServer: number;
  /** Retransmissions (the analysis's count). */
  retransmissions: number;
  /** Handshake round-trip time in seconds (SYN to the client's first ACK), or null. */
  rtt: number | null;
}

function spanBytes(segments: ReportSegment[], from: "client" | "server"): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of segments) {
    if (s.from !== from || s.len <= 0) continue;
    if (s.seq < lo) lo = s.seq;
    if (s.seq + s.len > hi) hi = s.seq + s.len;
  }
  return hi > lo ? hi - lo : 0;
}

/**
 * The handshake RTT: time from the client's SYN to its first ACK after the
 * server's SYN-ACK. The same wherever the capture was taken on the path.
 *
 * @example
 * ```ts
 * import type { ReportConnection } from "./types.ts";
 * declare const conn: ReportConnection; // one connection of the JSON report
 * handshakeRtt(conn.segments); // 0.000031 on loopback, null without a handshake
 * ```
 */
export function handshakeRtt(segments: ReportSegment[]): number | null {
  const syn = segments.find((s) => s.from === "client" && s.flags.includes("SYN"));
  if (!syn) return null;
  const synAck = segments.find((s) =>
    s.from === "server" && s.flags.includes("SYN") && s.flags.includes("ACK") && s.frame > syn.frame
  );
  if (!synAck) return null;
  const ack = segments.find((s) =>
    s.from === "client" && s.frame > synAck.frame && s.flags.includes("ACK") &&
    !s.flags.includes("SYN")
  );
  return ack ? Math.max(0, ack.time - syn.time) : null;
}

/**
 * Computes the table figures of one connection.
 *
 * @example
 * ```ts
 * import type { ExplainReport } from "./types.ts";
 * declare const report: ExplainReport; // the JSON of `tcpecho explain --format json`, parsed
 * const st = connectionStats(report.connections[0]);
 * st.bytesClient; // 18
 * ```
 */
export function connectionStats(conn: ReportConnection): ConnectionStats {
  const segs = conn.segments;
  const duration = segs.length > 1 ? segs[segs.length - 1].time - segs[0].time : 0;
  return {
    duration: Math.max(0, duration),
    bytesClient: spanBytes(segs, "client"),
    bytesServer: spanBytes(segs, "server"),
    retransmissions: conn.retransmissions?.count ?? 0,
    rtt: handshakeRtt(segs),
  };
}

/** A connection's segment records: an array, or its compact log (TcpConn.segLog). */
export type SegmentRecords = Iterable<SegmentRecord> & {
  readonly length: number;
  at(i: number): SegmentRecord | undefined;
};

/**
 * The figures of {@link recordStats} from a report's segments (the same
 * seq and len) and the duration taken from the records (the report's times
 * are rounded): for a connection whose report was made when it ended and
 * whose row turns out to be shown without its segments.
 *
 * @example
 * ```ts
 * import type { ReportConnection } from "./types.ts";
 * declare const conn: ReportConnection; // one connection of the JSON report
 * reportRowStats(conn.segments, 0.25, 0).duration; // 0.25
 * ```
 */
export function reportRowStats(
  segments: ReportSegment[],
  duration: number,
  retransmissions: number,
): ConnectionStats {
  return {
    duration: Math.max(0, duration),
    bytesClient: spanBytes(segments, "client"),
    bytesServer: spanBytes(segments, "server"),
    retransmissions,
    rtt: null,
  };
}

/**
 * {@link connectionStats} from the analysis's own segment records (no report
 * objects made): for connections too long to embed, whose table row is still
 * shown. `rtt` is left null (the row takes the analysis's handshake RTT).
 *
 * @example
 * ```ts
 * import type { Explained } from "../../explain/engine.ts";
 * declare const explained: Explained; // from explainCapture's onConnection
 * recordStats(explained.conn.segLog ?? [], 0);
 * ```
 */
export function recordStats(segs: SegmentRecords, retransmissions: number) {
  const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (const s of segs) {
    if (s.len <= 0) continue;
    if (s.seq < lo[s.side]) lo[s.side] = s.seq;
    if (s.seq + s.len > hi[s.side]) hi[s.side] = s.seq + s.len;
  }
  const duration = segs.length > 1 ? segs.at(segs.length - 1)!.time - segs.at(0)!.time : 0;
  const stats: ConnectionStats = {
    duration: Math.max(0, duration),
    bytesClient: hi[0] > lo[0] ? hi[0] - lo[0] : 0,
    bytesServer: hi[1] > lo[1] ? hi[1] - lo[1] : 0,
    retransmissions,
    rtt: null,
  };
  return stats;
}
