/**
 * The data of a Stevens time-sequence graph for one direction of a connection
 * (Wireshark's "Stevens" graph, tcptrace's xplot): relative sequence number
 * against time for the sender's segments, with the receiver's ACK line and
 * its advertised-window line (ACK + window), retransmissions, segments
 * after a capture gap ("lost-segment") and keepalive probes as their own series.
 * @module
 */
import type { ReportConnection, ReportSegment } from "./types.ts";

/** Column-oriented series, aligned on `time` (the shape uPlot draws). */
export interface StevensSeries {
  /** Which side's data this graph shows. */
  sender: "client" | "server";
  /** x: seconds since the capture start, one entry per segment of either side. */
  time: number[];
  /** Top of each first-time-sent segment (seq + len, or seq for 0-byte SYN/FIN), else null. */
  sent: (number | null)[];
  /** Start of each sent segment (for drawing the seq..seq+len bar), else null. */
  start: (number | null)[];
  /** Top of each retransmitted segment, else null. */
  retrans: (number | null)[];
  /** seq of each segment that follows a capture gap (the lost data ends there), else null. */
  lost: (number | null)[];
  /** seq of each keepalive probe the sender sent (next seq − 1), else null. */
  keepalive: (number | null)[];
  /** The receiver's cumulative ACK at each of its segments, else null. */
  ack: (number | null)[];
  /** ACK + advertised window at each receiver segment (when the window is known), else null. */
  window: (number | null)[];
  /** Counts, for captions and tests. */
  counts: { sent: number; retrans: number; lost: number; acks: number; keepalives: number };
}

const isRetrans = (s: ReportSegment) => s.labels.some((l) => l.endsWith("retransmission"));

/**
 * The directions worth a graph: those that carried payload; the client's alone
 * when neither did (a refused or timed-out connect still shows its SYNs).
 *
 * @example
 * ```ts
 * import type { ReportConnection } from "./types.ts";
 * declare const conn: ReportConnection; // one connection of the JSON report
 * graphDirections(conn); // ["client"] for a bulk upload: the server sent no data
 * ```
 */
export function graphDirections(conn: ReportConnection): ("client" | "server")[] {
  const dirs = (["client", "server"] as const).filter((d) =>
    conn.segments.some((s) => s.from === d && s.len > 0)
  );
  return dirs.length ? dirs : ["client"];
}

/**
 * Builds the series of one direction's Stevens graph.
 *
 * @example
 * ```ts
 * import type { ReportConnection } from "./types.ts";
 * declare const conn: ReportConnection; // one connection of the JSON report
 * const g = stevensSeries(conn, "client");
 * g.counts.retrans; // 5 for the §5.14 capture: the same data segment resent with backoff
 * ```
 */
export function stevensSeries(conn: ReportConnection, sender: "client" | "server"): StevensSeries {
  const out: StevensSeries = {
    sender,
    time: [],
    sent: [],
    start: [],
    retrans: [],
    lost: [],
    keepalive: [],
    ack: [],
    window: [],
    counts: { sent: 0, retrans: 0, lost: 0, acks: 0, keepalives: 0 },
  };
  for (const s of conn.segments) {
    const mine = s.from === sender;
    const carries = s.len > 0 || s.flags.includes("SYN") || s.flags.includes("FIN");
    const acks = !mine && s.flags.includes("ACK") && !s.flags.includes("RST");
    const probe = mine && s.labels.includes("keepalive");
    if (!(mine && carries) && !acks && !probe && !(mine && s.labels.includes("lost-segment"))) {
      continue;
    }
    out.time.push(s.time);
    const top = s.seq + Math.max(s.len, 0);
    const re = mine && carries && isRetrans(s);
    out.sent.push(mine && carries && !re ? top : null);
    out.retrans.push(re ? top : null);
    out.start.push(mine && carries ? s.seq : null);
    out.lost.push(mine && s.labels.includes("lost-segment") ? s.seq : null);
    out.keepalive.push(probe ? s.seq : null);
    out.ack.push(acks ? s.ack : null);
    out.window.push(acks && typeof s.window === "number" ? s.ack + s.window : null);
    if (mine && carries) re ? out.counts.retrans++ : out.counts.sent++;
    if (mine && s.labels.includes("lost-segment")) out.counts.lost++;
    if (acks) out.counts.acks++;
    if (probe) out.counts.keepalives++;
  }
  return out;
}
