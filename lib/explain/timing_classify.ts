/**
 * Decides the cause of one gap, first matching rule wins (the rule list is in
 * timing.ts's module doc).
 * @module
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import { L_ANY_RETRANS, L_FAST_RETRANS, L_KEEPALIVE, L_WINDOW_PROBE } from "../tcp/labels.ts";
import { seqGt } from "../tcp/seq.ts";

import {
  C_CLIENT_APP,
  C_HANDSHAKE,
  C_LOSS,
  C_PMTU,
  C_RWIN,
  C_SERVER_APP,
  C_TRANSFER,
  type Timing,
} from "./timing_record.ts";
import { add } from "./timing_stalls.ts";
import { inFlight } from "./timing_state.ts";

/**
 * The RTT the thresholds use: the handshake's (the same in every output
 * detail; the RTT samples are kept only for the full reports).
 */
export function rttGuess(_t: Timing, c: TcpConn): number {
  return c.facts.rtt > 0 ? c.facts.rtt : 0;
}

/** Decides the cause of the gap that `p` ends and adds it (see the module doc). */
export function classify(
  t: Timing,
  c: TcpConn,
  side: Side,
  other: Side,
  labels: number,
  p: Packet,
  isTcp: boolean,
  first: number,
  last: number,
): void {
  const gap = t.gap;
  const start = t.gapStart;
  const f = c.facts;
  const me = t.side[side], peer = t.side[other];
  // 1. handshake
  if (f.establishedFrame === 0 && !c.rolesGuessed || f.establishedFrame === last) {
    const synRetrans = isTcp && (p.flags & TCP_SYN) !== 0 && (labels & L_ANY_RETRANS) !== 0;
    add(
      t,
      C_HANDSHAKE,
      synRetrans ? "syn-retransmission" : "handshake",
      side,
      first,
      last,
      0,
      0,
    );
    return;
  }
  // 2. pmtu (ICMP)
  if (!isTcp) {
    const frag = p.icmpType === 3 && p.icmpCode === 4;
    add(
      t,
      frag ? C_PMTU : C_TRANSFER,
      frag ? "frag-needed" : "transfer",
      other,
      first,
      last,
      0,
      0,
    );
    return;
  }
  const len = p.payloadLen;
  const retrans = (labels & L_ANY_RETRANS) !== 0 && (len > 0 || (p.flags & TCP_FIN) !== 0);
  if (retrans) {
    if (t.fragNeededSide === side) {
      add(t, C_PMTU, "frag-needed", side, first, last, 0, 0);
      return;
    }
    // 3. loss
    if (labels & L_FAST_RETRANS) {
      add(t, C_LOSS, "fast-retransmit", side, first, last, 0, 0);
      return;
    }
    const timeout = gap >= Math.max(0.005, 1.5 * rttGuess(t, c));
    if (!timeout) {
      add(t, C_LOSS, "recovery", side, first, last, 0, 0);
      return;
    }
    const atUna = !me.unaSet || (p.seq | 0) === me.una;
    const end = (p.seq + len + ((p.flags & TCP_FIN) !== 0 ? 1 : 0)) | 0;
    const tail = me.nxtSet && end === me.nxt;
    if (!atUna && tail) {
      add(t, C_LOSS, "tlp", side, first, last, 0, 0);
      return;
    }
    const backoff = ++me.rtoRun;
    const candidate = len > 0 && len > me.maxAckedLen ? len : 0;
    add(t, C_LOSS, "rto", side, first, last, backoff, candidate);
    return;
  }
  // 4. receive window
  if ((labels & L_WINDOW_PROBE) !== 0 || t.side[0].win === 0 || t.side[1].win === 0) {
    const blocked: Side = (labels & L_WINDOW_PROBE) !== 0 ? side : (t.side[1].win === 0 ? 0 : 1);
    add(t, C_RWIN, "zero-window", blocked, first, last, 0, 0);
    return;
  }
  const acks = (p.flags & TCP_ACK) !== 0;
  const acksNew = acks && peer.nxtSet &&
    (!peer.unaSet || seqGt(p.ack, peer.una));
  const inflightOther = inFlight(t, other);
  if (
    acks && inflightOther > 0 && me.win > 0 && inflightOther > me.win - peer.maxLen
  ) {
    add(t, C_RWIN, "full-window", other, first, last, 0, 0);
    return;
  }
  // 5. recovery
  if (t.side[0].inRec || t.side[1].inRec) {
    add(t, C_LOSS, "recovery", t.side[0].inRec ? 0 : 1, first, last, 0, 0);
    return;
  }
  const rtt = rttGuess(t, c);
  const pure = len === 0 && (p.flags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0;
  // 7b. this side answers (or acknowledges) late: its application was busy.
  const late = acksNew && inflightOther > 0 && gap >= Math.max(0.02, 4 * rtt) &&
    (labels & L_KEEPALIVE) === 0;
  // 6. nagle: decided with the next segment.
  if (
    late && pure && gap <= 0.6 && peer.lastNewLen > 0 &&
    peer.lastNewLen < Math.max(536, peer.maxLen) && t.lastDataSide === other
  ) {
    t.pendSeconds = gap;
    t.pendStart = start;
    t.pendFirst = first;
    t.pendLast = last;
    t.pendSide = other;
    t.pendFallback = side === 0 ? C_CLIENT_APP : C_SERVER_APP;
    t.pendFallbackKind = "answer";
    t.pendFallbackSide = side;
    return;
  }
  if (late) {
    add(t, side === 0 ? C_CLIENT_APP : C_SERVER_APP, "answer", side, first, last, 0, 0);
    return;
  }
  // 7. nothing in flight: the sender's application had nothing to send
  if (inflightOther <= 0 && inFlight(t, side) <= 0) {
    const kind = t.lastDataSide === other && (len > 0 || (p.flags & TCP_FIN) !== 0)
      ? "answer"
      : "idle";
    add(t, side === 0 ? C_CLIENT_APP : C_SERVER_APP, kind, side, first, last, 0, 0);
    return;
  }
  add(t, C_TRANSFER, "transfer", side, first, last, 0, 0);
}
