/**
 * Wire evidence the scenario rules need beyond the tracker's facts, gathered
 * segment by segment in the explain layer (so it works in streaming mode and
 * for the --summary table): real keepalive probes (after an idle period), the
 * shape of the first RST (ACK flag, seq = the peer's ACK, the silence before
 * it), where the client wrote after the server's FIN, and ICMP errors split
 * into unreachable and path-MTU events.
 * @module
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import { L_ANY_RETRANS, L_ICMP_UNREACH, L_KEEPALIVE } from "../tcp/labels.ts";
import { bothFins, finFrame, peerOf } from "./facts.ts";

/** Idle time before a segment for it to be a keepalive probe: Linux's smallest tcp_keepalive_time. */
export const KEEPALIVE_MIN_IDLE_S = 1;
/**
 * Silence of the resetting side before an RST for it to read as "its host
 * came back with no record of the connection" (§5.15): long enough that the
 * RST cannot be the application's answer to an exchange in progress.
 */
export const REBOOT_SILENCE_S = 0.05;
/** Most probe times kept per side. */
const MAX_PROBE_TIMES = 32;

/** The raw fields of the segment or ICMP error being applied (the decoded packet). */
export interface RawView {
  flags: number;
  seq: number;
  ack: number;
  payloadLen: number;
  icmpType: number;
  icmpCode: number;
  quotedIpVersion: number;
}

/** Whether an ICMP error is a path-MTU event (v4 fragmentation needed, v6 packet too big). */
export function isPathMtu(version: number, type: number, code: number): boolean {
  return version === 6 ? type === 2 : type === 3 && code === 4;
}

/** Per-connection wire evidence; see the module doc. */
export class WireFacts {
  /** Previous segment (either side): time, frame, side. */
  prevT = -1;
  prevFrame = 0;
  prevSide = -1;
  prevWasProbe = false;
  /** Per side: last segment's time and frame, its ACK number (raw) and whether ACK was set. */
  lastT: [number, number] = [-1, -1];
  lastFrame: [number, number] = [0, 0];
  lastAck: [number, number] = [0, 0];
  lastHasAck: [boolean, boolean] = [false, false];
  /** First segment of each side (0 none). */
  firstFrame: [number, number] = [0, 0];
  /** SYNs (without ACK): first and last frame. */
  firstSynFrame = 0;
  lastSynFrame = 0;
  /** Real keepalive probes per side (after ≥ 1 s idle, before both FINs). */
  probes: [number, number] = [0, 0];
  probeFrame: [number, number] = [0, 0];
  probeTimes: [number[], number[]] = [[], []];
  /** Probes answered by any segment of the peer before the next probe. */
  answered: [number, number] = [0, 0];
  /** Probes since the peer last sent anything. */
  unanswered: [number, number] = [0, 0];
  awaiting: [boolean, boolean] = [false, false];
  /** The segment just applied answered a probe (phases read it). */
  answeredJustNow = false;
  /**
   * Per side: retransmissions of one and the same sequence number since the peer
   * last sent anything (the book's "the same data segment retransmitted"), and that seq.
   */
  sameRetrans: [number, number] = [0, 0];
  retransSeq: [number, number] = [0, 0];
  /** Payload bytes of that segment. */
  retransLen: [number, number] = [0, 0];
  /** Segments Wireshark's heuristic calls keep-alive that followed no idle period. */
  notProbes = 0;
  /** First RST. */
  rstFrame = 0;
  rstSide = -1;
  rstHasAck = false;
  /** Its seq equals the ACK of the peer's last segment (what a stack with no record sends). */
  rstSeqIsAck = false;
  /** The peer's segment it follows directly (0: the resetting side sent last). */
  rstAfterFrame = 0;
  /** The resetting side's own segment before the RST (0 none). */
  rstPrevOwnFrame = 0;
  /** Seconds from that segment to the RST. */
  rstAfterDt = 0;
  /** Seconds the resetting side had been silent before its RST (Infinity: never sent). */
  rstSilence = 0;
  rstAnswersProbe = false;
  /** Per side: frame of its first new payload after the other side's FIN (0 none). */
  dataAfterPeerFinFrame: [number, number] = [0, 0];
  /** ICMP unreachable errors other than path-MTU ones. */
  unreach = 0;
  unreachFrame = 0;
  unreachType = -1;
  unreachCode = -1;
  /** The side the first unreachable was about (the quoted segment's destination). */
  unreachSide = -1;
  /** That side sent a segment after the first unreachable. */
  heardAfterUnreach = false;
  /** Path-MTU ICMP errors (fragmentation needed / packet too big). */
  pmtu = 0;
  pmtuFrame = 0;
  /** The last ICMP error applied was a path-MTU one (phases read it). */
  lastIcmpPmtu = false;
  /** Capture seconds of the capture's last record, when the connection was still open then (-1). */
  captureEnd = -1;
}

/**
 * Applies one segment (or ICMP error) to the wire facts, after the tracker did.
 *
 * @example
 * ```ts
 * // observe(w, conn, 0, labels, frame, packet)
 * ```
 */
export function observe(
  w: WireFacts,
  c: TcpConn,
  side: Side,
  labels: number,
  frame: number,
  p: RawView,
): void {
  const t = c.facts.lastTime;
  if (labels === L_ICMP_UNREACH) {
    icmp(w, side, frame, p);
    return;
  }
  const other = peerOf(side);
  if (w.firstFrame[side] === 0) w.firstFrame[side] = frame;
  if ((p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
    if (w.firstSynFrame === 0) w.firstSynFrame = frame;
    w.lastSynFrame = frame;
  }
  if (w.unreachSide === side) w.heardAfterUnreach = true;
  // A segment from this side answers the peer's outstanding probe.
  w.answeredJustNow = w.awaiting[other];
  if (w.awaiting[other]) {
    w.answered[other]++;
    w.awaiting[other] = false;
  }
  w.unanswered[other] = 0;
  w.sameRetrans[other] = 0;
  if ((labels & L_ANY_RETRANS) && (p.payloadLen > 0 || (p.flags & TCP_FIN))) {
    if (w.sameRetrans[side] > 0 && p.seq === w.retransSeq[side]) w.sameRetrans[side]++;
    else {
      w.sameRetrans[side] = 1;
      w.retransSeq[side] = p.seq;
      w.retransLen[side] = p.payloadLen;
    }
  }
  let probe = false;
  if (labels & L_KEEPALIVE) {
    const idle = w.prevT < 0 ? 0 : t - w.prevT;
    // 1 µs of slack: capture times are differences of large floats.
    probe = idle >= KEEPALIVE_MIN_IDLE_S - 1e-6 && !bothFinsBefore(c, frame);
    if (probe) {
      w.probes[side]++;
      w.unanswered[side]++;
      w.awaiting[side] = true;
      if (w.probeFrame[side] === 0) w.probeFrame[side] = frame;
      if (w.probeTimes[side].length < MAX_PROBE_TIMES) w.probeTimes[side].push(t);
    } else w.notProbes++;
  }
  if ((p.flags & TCP_RST) && w.rstFrame === 0) {
    w.rstFrame = frame;
    w.rstSide = side;
    w.rstHasAck = (p.flags & TCP_ACK) !== 0;
    w.rstSeqIsAck = w.lastHasAck[other] && p.seq === w.lastAck[other];
    w.rstSilence = w.lastT[side] < 0 ? Infinity : t - w.lastT[side];
    w.rstPrevOwnFrame = w.lastFrame[side];
    if (w.prevSide === other) {
      w.rstAfterFrame = w.prevFrame;
      w.rstAfterDt = t - w.prevT;
      w.rstAnswersProbe = w.prevWasProbe;
    }
  }
  if (
    p.payloadLen > 0 && w.dataAfterPeerFinFrame[side] === 0 && finFrame(c, other) !== 0 &&
    finFrame(c, other) < frame && (labels & L_ANY_RETRANS) === 0
  ) w.dataAfterPeerFinFrame[side] = frame;
  w.prevT = t;
  w.prevFrame = frame;
  w.prevSide = side;
  w.prevWasProbe = probe;
  w.lastT[side] = t;
  w.lastFrame[side] = frame;
  w.lastAck[side] = p.ack;
  w.lastHasAck[side] = (p.flags & TCP_ACK) !== 0;
}

/** Both FINs were sent before `frame`. */
function bothFinsBefore(c: TcpConn, frame: number): boolean {
  return bothFins(c) && finFrame(c, 0) < frame && finFrame(c, 1) < frame;
}

function icmp(w: WireFacts, side: Side, frame: number, p: RawView): void {
  const pmtu = isPathMtu(p.quotedIpVersion, p.icmpType, p.icmpCode);
  w.lastIcmpPmtu = pmtu;
  if (pmtu) {
    if (w.pmtu++ === 0) w.pmtuFrame = frame;
    return;
  }
  if (w.unreach++ === 0) {
    w.unreachFrame = frame;
    w.unreachType = p.icmpType;
    w.unreachCode = p.icmpCode;
    w.unreachSide = side;
  }
}
