/**
 * Where each segment of a ladder diagram goes: the vertical position follows
 * the capture time (gaps compressed on a log scale so milliseconds and minutes
 * both fit), and every arrow is slanted by the estimated one-way delay.
 * @module
 */
import type { ReportConnection, ReportSegment } from "./types.ts";
import { handshakeRtt } from "./stats.ts";

/** Geometry constants of the ladder (pixels). */
export const LADDER = {
  width: 980,
  top: 34,
  row: 28,
  phaseStrip: 18,
  clientX: 285,
  serverX: 790,
  maxGap: 64,
  minSlant: 8,
  maxSlant: 22,
} as const;

/** One placed segment. */
export interface PlacedSegment {
  seg: ReportSegment;
  /** y where the arrow leaves the sender. */
  y: number;
  /** y where it reaches the receiver. */
  y2: number;
  /** Seconds since the previous segment (0 for the first). */
  gap: number;
  /** The phase that starts at this segment, if one does. */
  phaseStart?: string;
}

/** The placed ladder. */
export interface LadderLayout {
  placed: PlacedSegment[];
  height: number;
  /** Segments left out beyond the drawing limit. */
  omitted: number;
}

/** Extra vertical pixels for a time gap: log-compressed, capped. */
export function gapPixels(dt: number): number {
  if (!(dt > 0)) return 0;
  return Math.min(LADDER.maxGap, Math.round(12 * Math.log10(1 + dt / 0.001)));
}

/** Arrow slant for a one-way delay, on the same log scale, within bounds. */
export function slantPixels(oneWay: number | null): number {
  if (oneWay === null) return LADDER.minSlant + 4;
  const s = LADDER.minSlant + Math.round(6 * Math.log10(1 + oneWay / 0.0001));
  return Math.max(LADDER.minSlant, Math.min(LADDER.maxSlant, s));
}

/**
 * Places the segments of a connection (at most `limit` of them).
 *
 * @example
 * ```ts
 * import type { ReportConnection } from "./types.ts";
 * declare const conn: ReportConnection; // one connection of the JSON report
 * const { placed, height } = layoutLadder(conn, 2000);
 * placed[0].y; // 52: the first arrow, below the endpoint names and the first phase title
 * ```
 */
export function layoutLadder(conn: ReportConnection, limit: number): LadderLayout {
  const segs = conn.segments.slice(0, Math.max(0, limit));
  const rtt = handshakeRtt(conn.segments);
  const slant = slantPixels(rtt === null ? null : rtt / 2);
  const phaseAt = new Map<number, string>();
  for (const p of conn.phases ?? []) {
    if (!phaseAt.has(p.firstFrame)) phaseAt.set(p.firstFrame, p.name);
  }
  const placed: PlacedSegment[] = [];
  let y = LADDER.top;
  let prevTime = segs.length ? segs[0].time : 0;
  for (const seg of segs) {
    const gap = placed.length === 0 ? 0 : Math.max(0, seg.time - prevTime);
    y += placed.length === 0 ? 0 : LADDER.row + gapPixels(gap);
    const phaseStart = phaseAt.get(seg.frame);
    if (phaseStart !== undefined) y += LADDER.phaseStrip;
    placed.push({ seg, y, y2: y + slant, gap, phaseStart });
    prevTime = seg.time;
  }
  const last = placed.length ? placed[placed.length - 1].y2 : LADDER.top;
  return { placed, height: last + 40, omitted: conn.segments.length - segs.length };
}
