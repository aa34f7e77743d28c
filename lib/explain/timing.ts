/**
 * Time attribution ("why was this connection slow?"): each connection's
 * lifetime, from its first to its last frame, is cut at every frame into
 * gaps, and each gap goes to ONE cause, so the causes add up to the duration.
 * Consecutive gaps with the same cause merge into intervals with frame
 * ranges; intervals that are not plain transfer are the stalls.
 *
 * The rule for a gap (previous frame of the connection → this frame), first
 * match wins; "at the start" means the state after the previous frame:
 *  1. handshake       the handshake was not complete and no data flowed (a
 *                     retransmitted SYN makes it kind `syn-retransmission`;
 *                     one after a captured SYN-ACK, or a SYN-ACK again,
 *                     `syn-ack-lost`; the rest after either, `handshake-retried`)
 *     transfer        the gap ends with a segment beyond what its side was
 *                     seen sending, or an ACK of unseen data (`not-captured`)
 *  2. pmtu            an ICMP "fragmentation needed" ends the gap, or a
 *                     retransmission follows one (kind `frag-needed`)
 *  3. loss            the gap ends with a retransmission (not a spurious one,
 *                     not of what the capture saw acknowledged, not a copy of
 *                     the newest segment within 1 ms): `fast-retransmit`,
 *                     a timeout `rto` (the first unacknowledged segment, after
 *                     at least max(5 ms, 1.5 RTT)), a tail-loss probe `tlp`
 *                     (the last segment sent, not the first unacknowledged
 *                     one), or `recovery` (a quick one during recovery);
 *                     an `rto` of a segment larger than any that was ever
 *                     acknowledged, when that size never gets through, is
 *                     re-labelled pmtu `black-hole` when the connection ends
 *  4. receive-window  a window was 0 at the start (`zero-window`), or the
 *                     sender's bytes in flight filled the peer's advertised
 *                     window less one segment and the peer's ACK ends the gap
 *                     (`full-window`, only with both SYNs captured)
 *  5. loss            a direction was recovering from a loss (`recovery`)
 *                     until an ACK covers what was outstanding at the loss
 *                     (begun by a retransmission as in 3, not a SYN's, with
 *                     something outstanding and the other direction captured)
 *  6. nagle           a pure ACK ends a gap of 20-600 ms while the other side
 *                     had a small segment (shorter than its largest) in
 *                     flight, and that side's next new data follows within
 *                     5 ms: Nagle's algorithm held a write until the delayed
 *                     ACK (`delayed-ack`)
 *  7. client-app / server-app  nothing was in flight either way at the start:
 *                     the side that sends next had nothing to send (`answer`
 *                     when it sends data after the other side's, at least
 *                     20 ms later (more behind a proxy: answerSlack), else
 *                     `idle`; a FIN alone answers nothing); or this side
 *                     acknowledges the other's data after at least max(4 RTT,
 *                     that slack), with its answer (`answer`), or alone: then
 *                     `answer` only when its data comes next, else transfer
 *                     (a delayed ACK that nothing answered)
 *  8. transfer        everything else: the path's pace
 *
 * Memory is bounded per connection (at most {@link MAX_INTERVALS} intervals,
 * {@link TOP_STALLS} stalls, {@link MAX_RTT_SAMPLES} RTT samples and
 * {@link FLIGHT_CAP} segments in flight remembered per direction).
 * @module
 */

import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import { L_ANY_RETRANS, L_ICMP_UNREACH } from "../tcp/labels.ts";

import { add, closeInterval, closeStall } from "./timing_stalls.ts";
import { classify, rttGuess } from "./timing_classify.ts";
import { updateState, windowBytes } from "./timing_state.ts";
import {
  C_LOSS,
  C_NAGLE,
  C_PMTU,
  C_TRANSFER,
  MIN_BLACK_HOLE_LEN,
  MIN_STALL_S,
  type Stall,
  Timing,
} from "./timing_record.ts";

export * from "./timing_record.ts";
export { windowBytes };

/**
 * Feeds one segment (or ICMP error) of `c`, already applied by the tracker:
 * `p` is the packet the tracker just read (its raw fields), `labels` the
 * analysis labels.
 *
 * @example
 * ```ts
 * // const t = new Timing(); for each segment: timingSegment(t, conn, side, labels, packet);
 * // timingEnd(t, conn)
 * ```
 */
export function timingSegment(t: Timing, c: TcpConn, side: Side, labels: number, p: Packet): void {
  const now = c.facts.lastTime;
  t.now = now;
  const frame = p.frame;
  if (t.firstTime < 0) {
    t.firstTime = now;
    t.lastTime = now;
    t.lastFrame = frame;
    if (p.kind === "tcp") updateState(t, c, side, labels, p);
    return;
  }
  const gap = now - t.lastTime;
  const prevFrame = t.lastFrame;
  const other = (1 - side) as Side;
  const isTcp = p.kind === "tcp";
  // A gap held back for the nagle decision: settle it now.
  if (t.pendFallback >= 0) {
    t.gap = t.pendSeconds;
    t.gapStart = t.pendStart;
    const data = isTcp && p.payloadLen > 0 && (labels & L_ANY_RETRANS) === 0;
    const nagle = t.pendNagle && data && side === t.pendSide &&
      gap <= 0.005 + 2 * rttGuess(t, c);
    if (!nagle && !(data && side === t.pendFallbackSide)) {
      // A delayed ACK nothing answered: the path's pace, not the application.
      add(t, C_TRANSFER, "transfer", t.pendFallbackSide, t.pendFirst, t.pendLast, 0, 0);
    } else if (nagle) {
      add(
        t,
        C_NAGLE,
        "delayed-ack",
        t.pendSide,
        t.pendFirst,
        t.pendLast,
        0,
        0,
      );
    } else {
      add(
        t,
        t.pendFallback,
        t.pendFallbackKind,
        t.pendFallbackSide,
        t.pendFirst,
        t.pendLast,
        0,
        0,
      );
    }
    t.pendFallback = -1;
  }
  // The summary table needs only the stalls, which are made of long gaps.
  if (t.full || gap >= MIN_STALL_S) {
    t.gap = gap;
    t.gapStart = t.lastTime;
    classify(t, c, side, other, labels, p, isTcp, prevFrame, frame);
  }
  t.lastTime = now;
  t.lastFrame = frame;
  if (isTcp) updateState(t, c, side, labels, p);
  else if ((labels & L_ICMP_UNREACH) && p.icmpType === 3 && p.icmpCode === 4) {
    t.fragNeededSide = other;
  }
}

/**
 * Applies a connection's first segment later, from its saved fields: a pure
 * SYN (no ACK, FIN, RST or payload, not a retransmission), which the explain
 * engine keeps as a few numbers until a second segment comes, so a SYN
 * flood's half-open connections hold no Timing. `p` is a packet rebuilt from
 * those fields (kind, frame, flags, seq, ack, window; no payload), `now` the
 * SYN's time, `win` the window {@link timingSegment} took at the time (the
 * raw field: scaling needs both SYNs). The result equals feeding the SYN
 * when it came.
 */
export function timingFirstSyn(
  t: Timing,
  c: TcpConn,
  side: Side,
  labels: number,
  p: Packet,
  now: number,
  win: number,
): void {
  t.now = now;
  t.firstTime = now;
  t.lastTime = now;
  t.lastFrame = p.frame;
  updateState(t, c, side, labels, p);
  t.side[side].win = win;
}

/**
 * Closes the timeline when the connection ends: settles a held gap, closes
 * the last run, and re-labels timeouts of segments larger than any that ever
 * got through as a path-MTU black hole.
 *
 * @example
 * ```ts
 * // timingEnd(timing, conn); timing.seconds sums to timing.duration
 * ```
 */
export function timingEnd(t: Timing, _c: TcpConn): void {
  if (t.done) return;
  t.done = true;
  if (t.pendFallback >= 0) {
    // Nothing came after the late ACK: nothing answered.
    t.gap = t.pendSeconds;
    t.gapStart = t.pendStart;
    add(t, C_TRANSFER, "transfer", t.pendFallbackSide, t.pendFirst, t.pendLast, 0, 0);
    t.pendFallback = -1;
  }
  if (t.hasRun) closeInterval(t, t.cur);
  t.hasRun = false;
  if (t.hasStall) closeStall(t, t.scur);
  t.hasStall = false;
  const cands = t.pmtuCandidates;
  if (cands === null || cands.length < 2) return;
  const isHole = (r: Stall) => {
    // Small ones passed but never a segment this large. The peer must have
    // acknowledged something of this side's in this epoch (data, or only the
    // handshake's SYN): a one-sided capture, or a peer that is gone, shows
    // timeouts and nothing passing, which is no evidence of a black hole.
    const me = t.side[r.side];
    return r.cause === C_LOSS && me.unaSet && r.pmtuLen > me.maxAckedLen &&
      r.pmtuLen > MIN_BLACK_HOLE_LEN;
  };
  let moved = false;
  for (const r of cands) {
    if (!isHole(r)) continue;
    t.stallCount[C_LOSS]--;
    t.stallCount[C_PMTU]++;
    r.cause = C_PMTU;
    r.kind = "black-hole";
    moved = true;
  }
  for (const r of t.pmtuIntervals) {
    if (!isHole(r)) continue;
    t.seconds[C_LOSS] -= r.seconds;
    t.seconds[C_PMTU] += r.seconds;
    t.timeouts--;
    r.cause = C_PMTU;
    r.kind = "black-hole";
  }
  if (moved) t.stalls.sort((a, b) => b.seconds - a.seconds);
}
