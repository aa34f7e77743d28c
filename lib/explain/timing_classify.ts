/**
 * Decides the cause of one gap, first matching rule wins (the rule list is in
 * timing.ts's module doc).
 * @module
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import {
  L_ANY_RETRANS,
  L_FAST_RETRANS,
  L_KEEPALIVE,
  L_SPURIOUS,
  L_WINDOW_PROBE,
} from "../tcp/labels.ts";
import { seqGe, seqGt } from "../tcp/seq.ts";

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
import { inFlight, isDuplicate } from "./timing_state.ts";

/**
 * The RTT the thresholds use: the handshake's; without a handshake, the sum
 * of both sides' shortest ACK delays so far (each the capture point's round
 * trip to one side, an upper bound: {@link TimingSide.ackDelayMin}); 0 when
 * neither is known. The same in every output detail (the RTT samples are
 * kept only for the full reports).
 */
export function rttGuess(t: Timing, c: TcpConn): number {
  const a = t.client.ackDelayMin, b = t.server.ackDelayMin;
  const acks = a < Infinity && b < Infinity ? a + b : 0;
  // The handshake's only with its SYN captured before its SYN-ACK (from the
  // SYN-ACK on it is the client's turnaround alone; a SYN stamped after its
  // SYN-ACK makes it nonsense). Both are upper bounds: a late last ACK of the
  // handshake inflates the first.
  const hs = t.lastSynTime >= 0 && !t.synAckFirst ? c.facts.rtt : 0;
  if (hs > 0) return acks > 0 && acks < hs ? acks : hs;
  return acks;
}

/**
 * How long an answer may take after the request was acknowledged and still
 * be the path's pace: 20 ms, or 1.5 × the SYN-ACK's delay behind a
 * TCP-terminating proxy or NAT next to the client. Such a box acknowledges
 * at once (its ACKs come over 4 times faster than its SYN-ACK did) but
 * answers a SYN, and each request, only one upstream round trip later.
 */
export function answerSlack(t: Timing): number {
  const d = t.synAckDelay;
  return d > 0 && t.client.ackDelayMin * 4 < d ? Math.max(0.02, 1.5 * d) : 0.02;
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
  // 1. handshake (data flowing ends it too: a one-sided capture never shows the last ACK)
  if (f.establishedFrame === 0 && !c.rolesGuessed && !t.dataSeen || f.establishedFrame === last) {
    const synRetrans = isTcp && (p.flags & TCP_SYN) !== 0 && (labels & L_ANY_RETRANS) !== 0 &&
      !isDuplicate(t, me, (p.seq + 1) | 0, p);
    // A SYN again after a SYN-ACK was captured, or a SYN-ACK again: answered, not completed.
    const answered = synRetrans && ((p.flags & TCP_ACK) !== 0 || peer.nxtSet);
    add(
      t,
      C_HANDSHAKE,
      answered
        ? "syn-ack-lost"
        : synRetrans
        ? "syn-retransmission"
        : t.hsRetry
        ? "handshake-retried"
        : "handshake",
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
  // Segments the capture missed: this one starts beyond what its side was seen
  // sending, or acknowledges more than the other side was seen sending. What
  // happened in the gap is not in the capture.
  const seq = p.seq | 0;
  if (
    me.nxtSet && (len > 0 || (p.flags & TCP_FIN) !== 0) && seqGt(seq, me.nxt) ||
    (p.flags & TCP_ACK) !== 0 && peer.nxtSet && seqGt(p.ack | 0, peer.nxt)
  ) {
    add(t, C_TRANSFER, "not-captured", side, first, last, 0, 0);
    return;
  }
  // Spurious retransmissions repeat what was acknowledged (Wireshark's label,
  // or a FIN the capture saw acknowledged): nothing was lost. Nor in a copy of
  // the newest segment captured twice.
  const segEnd = (seq + len + ((p.flags & TCP_FIN) !== 0 ? 1 : 0)) | 0;
  let retrans = (labels & L_ANY_RETRANS) !== 0 && (labels & L_SPURIOUS) === 0 &&
    (len > 0 || (p.flags & TCP_FIN) !== 0);
  if (retrans && (me.unaSet && seqGe(me.una, segEnd) || isDuplicate(t, me, segEnd, p))) {
    retrans = false;
  }
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
  // Only with the window scale known (both SYNs captured): without it the
  // raw window is a lower bound, and a mid-stream capture would look full.
  if (
    acks && inflightOther > 0 && me.win > 0 && inflightOther > me.win - peer.maxLen &&
    c.wscale[0] !== -1 && c.wscale[1] !== -1
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
  // Unknown RTT (no handshake, no ACK delay yet): the delay cannot be told from the path's.
  const late = acksNew && inflightOther > 0 && rtt > 0 &&
    gap >= Math.max(4 * rtt, answerSlack(t)) &&
    (labels & L_KEEPALIVE) === 0;
  // 6. nagle, or a late pure ACK: decided with the next segment (timingSegment).
  if (late && pure) {
    // Small: under the MSS this side announced (less 40 bytes of options), or
    // without one, under 536 bytes or the sender's largest segment so far.
    const small = Math.max(536, peer.maxLen, me.mss - 40);
    t.pendNagle = gap <= 0.6 && peer.lastNewLen > 0 && peer.lastNewLen < small &&
      t.lastDataSide === other;
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
  // 7. nothing in flight: the sender's application had nothing to send. Its
  // data after the other side's is an answer (a FIN alone closes, it answers
  // nothing), unless it came within the path's pace.
  if (inflightOther <= 0 && inFlight(t, side) <= 0) {
    const answer = t.lastDataSide === other && len > 0;
    if (answer && gap < answerSlack(t)) {
      add(t, C_TRANSFER, "transfer", side, first, last, 0, 0);
      return;
    }
    add(
      t,
      side === 0 ? C_CLIENT_APP : C_SERVER_APP,
      answer ? "answer" : "idle",
      side,
      first,
      last,
      0,
      0,
    );
    return;
  }
  add(t, C_TRANSFER, "transfer", side, first, last, 0, 0);
}
