/**
 * Applies one TCP segment to a connection: relative numbering, window
 * scaling, the label analysis, the endpoint state machines, the facts the
 * scenarios read, and (when kept) the segment record.
 * @module
 */
import {
  BYTES,
  DATA_AFTER_PEER_FIN,
  FIN_ACKED_FRAME,
  FIN_END,
  FIN_FRAME,
  KEEPALIVE_ACKS,
  KEEPALIVES,
  RETRANS,
  SEGS,
  SYN_ACKS,
  SYNS,
  UNANSWERED_KEEPALIVES,
  UNANSWERED_RETRANS,
} from "./conn.ts";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import { analyzeSegment } from "./analysis.ts";
import { type ConnFacts, MAX_INTERVALS, type Side, type TcpConn } from "./conn.ts";
import {
  L_ACK,
  L_ANY_RETRANS,
  L_DATA,
  L_FIN,
  L_KEEPALIVE,
  L_KEEPALIVE_ACK,
  L_RST,
  L_SYN,
  L_SYN_ACK,
} from "./labels.ts";
import { seqAdd, seqGe, seqRel } from "./seq.ts";
import { onSegment } from "./state.ts";
import type { SegmentView } from "./segment_view.ts";

/**
 * Processes one segment sent by `side`; returns its label bits.
 *
 * @example
 * ```ts
 * // applySegment(conn, 0, { frame: 1, t: 0, seq: 7, ack: 0, flags: 2, window: 64240, len: 0, wscale: 7, extra: 0 });
 * ```
 */
export function applySegment(c: TcpConn, side: Side, r: SegmentView): number {
  const other = (1 - side) as Side;
  const f = c.facts;
  const { flags, seq, ack, len } = r;
  setBases(c, side, r);
  if (flags & TCP_SYN) {
    c.wscale[side] = r.wscale >= 0 ? r.wscale : -2;
    c.winMul[side] = 2 ** Math.max(0, c.wscale[side]);
  }
  const scaled = (flags & TCP_SYN) === 0 && c.wscale[0] >= 0 && c.wscale[1] >= 0;
  const window = scaled ? r.window * c.winMul[side] : r.window;
  r.revShift = revShift(c.wscale[side], c.wscale[other]);
  r.firstRtt = c.wsRtt;
  let m = kindLabels(flags, len) | r.extra;
  m |= analyzeSegment(c.dirs[side], c.dirs[other], r);
  handshakeFacts(c, side, r);
  const acksOtherFin = (flags & TCP_ACK) !== 0 && f.p[FIN_FRAME + other] !== 0 &&
    seqGe(ack, f.p[FIN_END + other]);
  if (acksOtherFin && f.p[FIN_ACKED_FRAME + other] === 0) f.p[FIN_ACKED_FRAME + other] = r.frame;
  closeFacts(f, side, r, m);
  rstFacts(c, side, r);
  retransFacts(c, side, r, m);
  if (c.fsm !== null) {
    r.acksReceiverFin = acksOtherFin;
    onSegment(c.fsm[side], c.fsm[other], r);
  }
  f.p[SEGS + side]++;
  f.p[BYTES + side] += len;
  f.prevSide = side;
  f.prevLen = len;
  f.prevLabels = m;
  if (f.firstFrame === 0) {
    f.firstFrame = r.frame;
    f.firstTime = r.t;
  }
  f.lastFrame = r.frame;
  f.lastTime = r.t;
  c.segLog?.add(
    r.frame,
    r.t,
    side,
    flags,
    seqRel(seq, c.base[side]),
    (flags & TCP_ACK) ? seqRel(ack, c.base[other]) : 0,
    len,
    m,
    window,
  );
  if ((flags & TCP_RST) || (f.p[FIN_ACKED_FRAME] !== 0 && f.p[FIN_ACKED_FRAME + 1] !== 0)) {
    c.ended = true;
  }
  return m;
}

/**
 * The shift scaling the receiver's window as Wireshark knows it: -1 while the
 * receiver's SYN is unseen (and no SYN said "no scaling"), 0 when either SYN
 * came without the option, else the receiver's option.
 */
export function revShift(fwdScale: number, revScale: number): number {
  if (fwdScale === -2 || revScale === -2) return 0;
  return revScale > 14 ? 14 : revScale;
}

/**
 * The segment's own kind: syn, syn-ack, ack, data, fin, rst.
 *
 * @example
 * ```ts
 * kindLabels(0x12, 0); // L_SYN_ACK
 * ```
 */
export function kindLabels(flags: number, len: number): number {
  let m = 0;
  if (flags & TCP_SYN) m |= (flags & TCP_ACK) ? L_SYN_ACK : L_SYN;
  if (len > 0) m |= L_DATA;
  if (flags & TCP_FIN) m |= L_FIN;
  if (flags & TCP_RST) m |= L_RST;
  if (m === 0 && (flags & TCP_ACK)) m = L_ACK;
  return m;
}

/** Relative numbering base: the ISN from a SYN, else first seq − 1; the peer's from ack − 1. */
function setBases(c: TcpConn, side: Side, r: SegmentView): void {
  if (!c.baseSet[side]) {
    c.base[side] = (r.flags & TCP_SYN) ? r.seq >>> 0 : seqAdd(r.seq, -1);
    c.baseSet[side] = true;
  }
  const other = 1 - side;
  if (!c.baseSet[other] && (r.flags & TCP_ACK)) {
    c.base[other] = seqAdd(r.ack, -1);
    c.baseSet[other] = true;
  }
}

function handshakeFacts(c: TcpConn, side: Side, r: SegmentView): void {
  const f = c.facts;
  const other = 1 - side;
  if (r.flags & TCP_SYN) {
    // Apart: kept small, this function is inlined into applySegment.
    synFacts(f, side, r);
    return;
  }
  // Wireshark's first RTT (its out-of-order threshold): the most recent SYN
  // (ts_mru_syn) to the first segment with ACK and without SYN.
  if ((r.flags & TCP_ACK) && c.wsRtt === 0 && f.synMruTime >= 0) c.wsRtt = r.t - f.synMruTime;
  // The ACK completing the handshake; when the SYN,ACK was not captured, the
  // SYN's sender acknowledging anything is the evidence that it arrived.
  if (
    !f.established && (r.flags & TCP_ACK) && (f.p[SYN_ACKS + other] > 0 || f.p[SYNS + side] > 0)
  ) {
    f.established = true;
    f.establishedFrame = r.frame;
    if (f.synTime >= 0) f.rtt = r.t - (f.synMruTime >= 0 ? f.synMruTime : f.synTime);
  }
}

function synFacts(f: ConnFacts, side: Side, r: SegmentView): void {
  if (r.flags & TCP_ACK) f.p[SYN_ACKS + side]++;
  else f.p[SYNS + side]++;
  if (f.synTime < 0) f.synTime = r.t;
  if (!(r.flags & TCP_ACK)) f.synMruTime = r.t;
}

function closeFacts(f: ConnFacts, side: Side, r: SegmentView, m: number): void {
  const other = 1 - side;
  if ((r.flags & TCP_FIN) && f.p[FIN_FRAME + side] === 0) {
    f.p[FIN_FRAME + side] = r.frame;
    f.p[FIN_END + side] = seqAdd(r.seq, r.len + 1);
    if (f.firstFinSide < 0) f.firstFinSide = side;
    else if (!(r.flags & TCP_ACK) || !seqGe(r.ack, f.p[FIN_END + other])) f.finsCrossed = true;
  }
  if (r.len > 0 && f.p[FIN_FRAME + other] !== 0 && (m & L_ANY_RETRANS) === 0) {
    f.p[DATA_AFTER_PEER_FIN + side] += r.len;
  }
}

function rstFacts(c: TcpConn, side: Side, r: SegmentView): void {
  const f = c.facts;
  if (!(r.flags & TCP_RST)) return;
  f.rstCount++;
  if (f.rstFrame !== 0) return;
  const other = 1 - side;
  f.rstFrame = r.frame;
  f.rstSide = side;
  f.rstAnswersData = f.prevSide === other && f.prevLen > 0 &&
    (f.prevLabels & L_KEEPALIVE) === 0;
  f.rstAnswersKeepalive = f.prevSide === other && (f.prevLabels & L_KEEPALIVE) !== 0;
  f.rstAnswersSyn = !f.established && f.p[SYNS + other] > 0 && f.p[SYN_ACKS + side] === 0;
}

function retransFacts(c: TcpConn, side: Side, r: SegmentView, m: number): void {
  const f = c.facts;
  const other = (1 - side) as Side;
  f.p[UNANSWERED_RETRANS + other] = 0;
  f.p[UNANSWERED_KEEPALIVES + other] = 0;
  if (m & (L_KEEPALIVE | L_KEEPALIVE_ACK)) keepaliveFacts(f, side, r, m);
  // The rest apart: kept small, this function is inlined into applySegment.
  if (c.sent !== null || (m & L_ANY_RETRANS)) sentFacts(c, side, r, m);
}

function keepaliveFacts(f: ConnFacts, side: Side, r: SegmentView, m: number): void {
  if (m & L_KEEPALIVE) {
    f.p[KEEPALIVES + side]++;
    f.p[UNANSWERED_KEEPALIVES + side]++;
    f.keepaliveTimes ??= [];
    if (f.keepaliveTimes.length < 32) f.keepaliveTimes.push(r.t);
  }
  if (m & L_KEEPALIVE_ACK) f.p[KEEPALIVE_ACKS + side]++;
}

/** The send log (when kept) and the retransmission counts and intervals. */
function sentFacts(c: TcpConn, side: Side, r: SegmentView, m: number): void {
  const f = c.facts;
  const other = (1 - side) as Side;
  const sent = c.sent;
  if (sent !== null && (r.flags & TCP_ACK)) sent[other].acked(r.ack);
  const counts = r.len > 0 || (r.flags & (TCP_SYN | TCP_FIN)) !== 0;
  if (!counts || (m & L_KEEPALIVE)) return;
  const end = seqAdd(r.seq, r.len + ((r.flags & (TCP_SYN | TCP_FIN)) ? 1 : 0));
  const dt = sent === null ? -1 : sent[side].sent(r.seq, end, r.t);
  if (!(m & L_ANY_RETRANS)) return;
  f.p[RETRANS + side]++;
  f.p[UNANSWERED_RETRANS + side]++;
  if (r.flags & TCP_SYN) f.synRetrans++;
  f.intervals ??= [];
  if (dt >= 0 && f.intervals.length < MAX_INTERVALS) f.intervals.push(Math.round(dt * 1e6) / 1e6);
}
