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

/** What one side sent, as far as the rules need it. */
export class WireSide {
  /** Its last segment: time (-1 none), frame, ACK number (raw) and whether ACK was set. */
  lastT = -1;
  lastFrame = 0;
  lastAck = 0;
  lastHasAck = false;
  /** Its first segment (0 none). */
  firstFrame = 0;
  /** Probes since the peer last sent anything; one of them awaits an answer. */
  unanswered = 0;
  awaiting = false;
  /** Real keepalive probes (after ≥ 1 s idle, before both FINs); the first one's frame. */
  probes = 0;
  probeFrame = 0;
  /** Probes answered by any segment of the peer before the next probe. */
  answered = 0;
  /**
   * Retransmissions of one and the same sequence number since the peer last
   * sent anything (the book's "the same data segment retransmitted"), that
   * seq, and the segment's payload bytes.
   */
  sameRetrans = 0;
  retransSeq = 0;
  retransLen = 0;
  /** Frame of its first new payload after the other side's FIN (0 none). */
  dataAfterPeerFinFrame = 0;

  /** Back to a new side's state. */
  reset(): void {
    this.lastT = -1;
    this.lastFrame = 0;
    this.lastAck = 0;
    this.lastHasAck = false;
    this.firstFrame = 0;
    this.probes = 0;
    this.probeFrame = 0;
    this.answered = 0;
    this.unanswered = 0;
    this.awaiting = false;
    this.sameRetrans = 0;
    this.retransSeq = 0;
    this.retransLen = 0;
    this.dataAfterPeerFinFrame = 0;
  }
}

/** Per-connection wire evidence; see the module doc. */
export class WireFacts {
  /** Per side (0 client, 1 server). */
  // The fields each segment reads come first (observe): fewer cache lines per segment.
  /** The two sides' records as fields: the per-segment path reaches them in one load. */
  readonly client = new WireSide();
  readonly server = new WireSide();
  /** The same two records, by side (0 client, 1 server). */
  readonly side: readonly [WireSide, WireSide] = [this.client, this.server];
  /** Previous segment (either side): time, frame, side, and whether it was a real probe. */
  prevT = -1;
  prevFrame = 0;
  prevSide = -1;
  prevWasProbe = false;
  /** The segment just applied answered a probe (phases read it). */
  answeredJustNow = false;
  /** The side the first unreachable was about (the quoted segment's destination). */
  unreachSide = -1;
  /** SYNs (without ACK): first and last frame. */
  firstSynFrame = 0;
  lastSynFrame = 0;
  /** Capture times of each side's first probes (capped), created on the first probe. */
  probeTimes: [number[], number[]] | null = null;
  /** Segments Wireshark's heuristic calls keep-alive that followed no idle period. */
  notProbes = 0;
  /** First RST: frame (0 none), side, ACK flag. */
  rstFrame = 0;
  rstSide = -1;
  rstHasAck = false;
  /** Its seq equals the ACK of the peer's last segment (what a stack with no record sends). */
  rstSeqIsAck = false;
  /** The peer's segment it follows directly (0: the resetting side sent last). */
  rstAfterFrame = 0;
  /** The resetting side's own segment before the RST (0 none). */
  rstPrevOwnFrame = 0;
  /** Seconds from rstAfterFrame to the RST. */
  rstAfterDt = 0;
  /** Seconds the resetting side had been silent before its RST (Infinity: never sent). */
  rstSilence = 0;
  rstAnswersProbe = false;
  /** ICMP unreachable errors other than path-MTU ones. */
  unreach = 0;
  unreachFrame = 0;
  unreachType = -1;
  unreachCode = -1;
  /** That side sent a segment after the first unreachable. */
  heardAfterUnreach = false;
  /** Path-MTU ICMP errors (fragmentation needed / packet too big). */
  pmtu = 0;
  pmtuFrame = 0;
  /** The last ICMP error applied was a path-MTU one (phases read it). */
  lastIcmpPmtu = false;

  /** Capture seconds of the capture's last record, when the connection was still open then (-1). */
  captureEnd = -1;

  /**
   * Back to a new connection's state (field by field, as declared above), so
   * the engine can reuse records when its consumer keeps nothing.
   */
  reset(): void {
    this.side[0].reset();
    this.side[1].reset();
    this.prevT = -1;
    this.prevFrame = 0;
    this.prevSide = -1;
    this.prevWasProbe = false;
    this.answeredJustNow = false;
    this.firstSynFrame = 0;
    this.lastSynFrame = 0;
    this.probeTimes = null;
    this.notProbes = 0;
    this.rstFrame = 0;
    this.rstSide = -1;
    this.rstHasAck = false;
    this.rstSeqIsAck = false;
    this.rstAfterFrame = 0;
    this.rstPrevOwnFrame = 0;
    this.rstAfterDt = 0;
    this.rstSilence = 0;
    this.rstAnswersProbe = false;
    this.unreach = 0;
    this.unreachFrame = 0;
    this.unreachType = -1;
    this.unreachCode = -1;
    this.unreachSide = -1;
    this.heardAfterUnreach = false;
    this.pmtu = 0;
    this.pmtuFrame = 0;
    this.lastIcmpPmtu = false;
    this.captureEnd = -1;
  }
}

/**
 * Applies one segment (or ICMP error) to the wire facts, after the tracker did.
 *
 * @example
 * ```ts
 * import type { TcpConn } from "../tcp/conn.ts";
 * import type { Packet } from "../decode/types.ts";
 * declare const conn: TcpConn, labels: number, frame: number, packet: Packet; // one applied segment
 * const w = new WireFacts();
 * observe(w, conn, 0, labels, frame, packet);
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
  const me = side === 0 ? w.client : w.server, peer = side === 0 ? w.server : w.client;
  if (me.firstFrame === 0) me.firstFrame = frame;
  if ((p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
    if (w.firstSynFrame === 0) w.firstSynFrame = frame;
    w.lastSynFrame = frame;
  }
  if (w.unreachSide === side) w.heardAfterUnreach = true;
  // A segment from this side answers the peer's outstanding probe.
  w.answeredJustNow = peer.awaiting;
  if (peer.awaiting) {
    peer.answered++;
    peer.awaiting = false;
  }
  peer.unanswered = 0;
  peer.sameRetrans = 0;
  // The rarer evidence in helpers, out of the path every segment takes.
  if ((labels & L_ANY_RETRANS) && (p.payloadLen > 0 || (p.flags & TCP_FIN))) retransSeen(me, p);
  const probe = (labels & L_KEEPALIVE) !== 0 && keepaliveSeen(w, c, side, frame, t);
  if ((p.flags & TCP_RST) && w.rstFrame === 0) rstSeen(w, side, frame, p, t);
  if (p.payloadLen > 0 && me.dataAfterPeerFinFrame === 0 && (labels & L_ANY_RETRANS) === 0) {
    const fin = finFrame(c, peerOf(side));
    if (fin !== 0 && fin < frame) me.dataAfterPeerFinFrame = frame;
  }
  w.prevT = t;
  w.prevFrame = frame;
  w.prevSide = side;
  w.prevWasProbe = probe;
  me.lastT = t;
  me.lastFrame = frame;
  me.lastAck = p.ack;
  me.lastHasAck = (p.flags & TCP_ACK) !== 0;
}

/** A retransmission of data or FIN: counts repeats of the same sequence number. */
function retransSeen(me: WireSide, p: RawView): void {
  if (me.sameRetrans > 0 && p.seq === me.retransSeq) me.sameRetrans++;
  else {
    me.sameRetrans = 1;
    me.retransSeq = p.seq;
    me.retransLen = p.payloadLen;
  }
}

/**
 * A segment labelled keep-alive: a probe when it follows an idle period and
 * not both FINs (returns whether it is one), else counted as not a probe.
 */
function keepaliveSeen(w: WireFacts, c: TcpConn, side: Side, frame: number, t: number): boolean {
  const me = side === 0 ? w.client : w.server;
  const idle = w.prevT < 0 ? 0 : t - w.prevT;
  // 1 µs of slack: capture times are differences of large floats.
  const probe = idle >= KEEPALIVE_MIN_IDLE_S - 1e-6 && !bothFinsBefore(c, frame);
  if (probe) {
    me.probes++;
    me.unanswered++;
    me.awaiting = true;
    if (me.probeFrame === 0) me.probeFrame = frame;
    w.probeTimes ??= [[], []];
    const ts = w.probeTimes[side];
    if (ts.length < MAX_PROBE_TIMES) ts.push(t);
  } else w.notProbes++;
  return probe;
}

/** The connection's first RST (before this segment's own facts are recorded). */
function rstSeen(w: WireFacts, side: Side, frame: number, p: RawView, t: number): void {
  const me = side === 0 ? w.client : w.server, peer = side === 0 ? w.server : w.client;
  w.rstFrame = frame;
  w.rstSide = side;
  w.rstHasAck = (p.flags & TCP_ACK) !== 0;
  w.rstSeqIsAck = peer.lastHasAck && p.seq === peer.lastAck;
  w.rstSilence = me.lastT < 0 ? Infinity : t - me.lastT;
  w.rstPrevOwnFrame = me.lastFrame;
  if (w.prevSide !== side && w.prevSide >= 0) {
    w.rstAfterFrame = w.prevFrame;
    w.rstAfterDt = t - w.prevT;
    w.rstAnswersProbe = w.prevWasProbe;
  }
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
