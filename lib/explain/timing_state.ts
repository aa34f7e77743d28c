/**
 * The per-side sequence state the time attribution keeps after each TCP
 * segment: data sent and acknowledged, windows in bytes, loss recovery, the
 * flight log and the RTT samples.
 * @module
 */
import { TCP_ACK, TCP_FIN, TCP_SYN } from "../decode/types.ts";
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import { L_ANY_RETRANS, L_KEEPALIVE, L_SPURIOUS } from "../tcp/labels.ts";
import { seqDiff, seqGe, seqGt } from "../tcp/seq.ts";

import { FLIGHT_CAP, MAX_RTT_SAMPLES, type Timing, type TimingSide } from "./timing_record.ts";

/**
 * A side's last advertised window in bytes. The analysis keeps the raw
 * window field (Wireshark compares raw values); the time attribution needs
 * bytes: scaled as segment.ts scales JSON's, once both SYNs set a scale.
 */
export function windowBytes(c: TcpConn, side: Side): number {
  return scaledWindow(c, side, c.dirs[side].window);
}

/** A window field `raw` that `side` sent, in bytes (as {@link windowBytes}). */
function scaledWindow(c: TcpConn, side: Side, raw: number): number {
  return raw > 0 && c.wscale[0] >= 0 && c.wscale[1] >= 0 ? raw * c.winMul[side] : raw;
}

/** Bytes a side has sent that the other side has not acknowledged. */
export function inFlight(t: Timing, s: Side): number {
  const d = t.side[s];
  // maxLen, not the byte counts: those are kept only in the full detail.
  if (!d.nxtSet || !d.unaSet) return d.nxtSet && d.maxLen > 0 ? 1 : 0;
  return seqDiff(d.nxt, d.una);
}

/** Updates the per-side state after a TCP segment. */
export function updateState(
  t: Timing,
  c: TcpConn,
  side: Side,
  labels: number,
  p: Packet,
): void {
  const me = side === 0 ? t.client : t.server;
  const len = p.payloadLen;
  const flags = p.flags;
  // The window in bytes (windowBytes: the tracker just set the side's window to this segment's).
  me.win = scaledWindow(c, side, p.window);
  if (flags & TCP_ACK) ackFrom(t, side === 0 ? t.server : t.client, p);
  const retrans = (labels & L_ANY_RETRANS) !== 0;
  if (len > 0) {
    if (len > me.maxLen) me.maxLen = len;
    t.lastDataSide = side;
    if ((flags & TCP_SYN) === 0) t.dataSeen = true;
  }
  // Apart: only the full report keeps byte counts, the flight log and RTT
  // samples (the summary table needs none of them).
  if (t.full) fullState(t, me, side, labels, p);
  if (len === 0 && (flags & (TCP_SYN | TCP_FIN)) === 0) return;
  if ((labels & L_KEEPALIVE) !== 0) return;
  // Sequence numbers are kept as int32 (| 0): uint32 values of 2^31 and more
  // would be doubles in the JIT; seqGt and seqDiff work alike on both.
  const end = (p.seq + len + ((flags & (TCP_SYN | TCP_FIN)) !== 0 ? 1 : 0)) | 0;
  if ((flags & TCP_SYN) !== 0) {
    synTimes(t, flags);
    if (p.mss > 0) me.mss = p.mss;
    if (retrans && !isDuplicate(t, me, end, p)) t.hsRetry = true;
  }
  // Decided before nxt moves (a capture duplicate repeats the newest segment).
  const rec = retrans && !me.inRec && recovers(t, me, side, labels, flags, end, p);
  if (!me.nxtSet || seqGt(end, me.nxt)) {
    if (!retrans && len > 0) me.lastNewLen = len;
    me.nxt = end;
    me.nxtSet = true;
    me.nxtTime = t.now;
    me.nxtIpId = ipId(p);
  }
  if (rec) {
    me.inRec = true;
    me.recPoint = me.nxt;
  }
}

/** The latest SYN's time, and the first SYN-ACK's delay after it. */
function synTimes(t: Timing, flags: number): void {
  if ((flags & TCP_ACK) === 0) t.lastSynTime = t.now;
  else if (t.lastSynTime < 0) t.synAckFirst = true;
  else if (t.synAckDelay < 0) t.synAckDelay = t.now - t.lastSynTime;
}

/**
 * Whether a retransmission starts loss recovery: not a SYN's (the handshake
 * has its own cause), not a spurious one (what it repeats was acknowledged),
 * not a copy of the newest segment within {@link DUPLICATE_S} (the same
 * datagram captured twice), and only when something is outstanding and the
 * other direction is in the capture (a one-sided capture never shows the ACK
 * that ends recovery).
 */
function recovers(
  t: Timing,
  me: TimingSide,
  side: Side,
  labels: number,
  flags: number,
  end: number,
  p: Packet,
): boolean {
  if ((flags & TCP_SYN) !== 0 || (labels & L_SPURIOUS) !== 0) return false;
  if (isDuplicate(t, me, end, p)) return false;
  if ((side === 0 ? t.server : t.client).win === -1) return false;
  return !me.unaSet || seqGt(me.nxt, me.una);
}

/**
 * A capture duplicate: a retransmission that repeats this side's newest
 * segment less than {@link DUPLICATE_S} after it (no TCP resends that fast:
 * a fast retransmit waits for duplicate ACKs, a timeout or a tail-loss probe
 * for milliseconds at least), or with the same nonzero IPv4 identification
 * within a second (a resend is a new datagram with a new ID; the same packet
 * seen twice, on two VLANs or two taps, keeps it). Call before the segment's
 * state update.
 */
export function isDuplicate(t: Timing, me: TimingSide, end: number, p: Packet): boolean {
  if (!me.nxtSet || end !== me.nxt) return false;
  const dt = t.now - me.nxtTime;
  if (dt < DUPLICATE_S) return true;
  const id = ipId(p);
  return id > 0 && id === me.nxtIpId && dt < 1;
}

/** The IPv4 identification of the segment's (innermost) IP header; -1 for IPv6. */
export function ipId(p: Packet): number {
  if (p.ipVersion !== 4) return -1;
  const at = p.srcOff - 8; // src is at offset 12 of the header, the ID at 4
  return at >= 0 && at + 1 < p.buf.length ? (p.buf[at] << 8) | p.buf[at + 1] : -1;
}

/** See {@link isDuplicate}. */
export const DUPLICATE_S = 0.001;

/**
 * What only the full report keeps of a segment (before {@link updateState}
 * moves `me.nxt`): bytes, retransmitted and new bytes, the flight log (RTT
 * samples) and Karn's rule.
 */
function fullState(t: Timing, me: TimingSide, side: Side, labels: number, p: Packet): void {
  const len = p.payloadLen;
  const flags = p.flags;
  const retrans = (labels & L_ANY_RETRANS) !== 0;
  if (len > 0) {
    t.bytes[side] += len;
    if (retrans) t.retransBytes[side] += len;
  }
  if (len === 0 && (flags & (TCP_SYN | TCP_FIN)) === 0) return;
  if ((labels & L_KEEPALIVE) !== 0) return;
  const end = (p.seq + len + ((flags & (TCP_SYN | TCP_FIN)) !== 0 ? 1 : 0)) | 0;
  if (!me.nxtSet || seqGt(end, me.nxt)) {
    t.newBytes[side] += me.nxtSet ? Math.min(len, seqDiff(end, me.nxt)) : len;
    if (!retrans) logFlight(t, me, end, len);
  }
  if (retrans) markRetransmitted(me, p);
}

/** The other side acknowledged `p.ack` of `s`'s data. */
function ackFrom(t: Timing, s: TimingSide, p: Packet): void {
  const ack = p.ack | 0;
  if (!s.nxtSet) return;
  if (s.unaSet) {
    const adv = seqDiff(ack, s.una);
    if (adv <= 0) return;
    // What got through: an ACK advancing by n bytes is as good as a segment of n bytes
    // (at most the largest sent), so a black hole never sees one as large as it drops.
    const got = adv < s.maxLen ? adv : s.maxLen;
    if (got > s.maxAckedLen) s.maxAckedLen = got;
  }
  // An ACK of everything sent, with no retransmission outstanding: its delay
  // bounds the round trip from above (the RTT's stand-in without a handshake).
  if (ack === s.nxt && !s.inRec) {
    const d = t.now - s.nxtTime;
    if (d > 0 && d < s.ackDelayMin) s.ackDelayMin = d;
  }
  s.una = ack;
  s.unaSet = true;
  s.rtoRun = 0;
  if (s.inRec && seqGe(ack, s.recPoint)) s.inRec = false;
  if (t.full) ackFlight(t, s, ack);
}

/** Pops the segments `ack` covers off the flight log; samples the newest never retransmitted. */
function ackFlight(t: Timing, s: TimingSide, ack: number): void {
  const log = s.flight;
  let i = s.fHead;
  const tail = s.fTail;
  let newest = -1;
  while (i < tail && seqGe(ack, log[i])) {
    newest = i;
    i += 4;
  }
  s.fHead = i;
  if (i === tail) s.fHead = s.fTail = 0;
  if (newest >= 0 && log[newest + 3] === 0 && log[newest] === ack) {
    const rtt = t.now - log[newest + 2];
    if (rtt >= 0) {
      t.rttCount++;
      if (rtt < t.rttMin) t.rttMin = rtt;
      if (rtt > t.rttMax) t.rttMax = rtt;
      const samples = t.rttSamples;
      if (samples !== null && samples.length < MAX_RTT_SAMPLES) samples.push(rtt);
    }
  }
}

function logFlight(t: Timing, s: TimingSide, end: number, len: number): void {
  const now = t.now;
  const log = s.flight;
  let head = s.fHead, tail = s.fTail;
  if (tail - head >= FLIGHT_CAP * 4) head += 4;
  if (head > 64 && head * 2 > tail) {
    log.copyWithin(0, head, tail);
    tail -= head;
    head = 0;
  }
  if (tail === log.length) log.push(end, len, now, 0);
  else {
    log[tail] = end;
    log[tail + 1] = len;
    log[tail + 2] = now;
    log[tail + 3] = 0;
  }
  s.fHead = head;
  s.fTail = tail + 4;
}

/** Karn's rule: no RTT sample from a segment at or after a retransmitted seq. */
function markRetransmitted(s: TimingSide, p: Packet): void {
  const seq = p.seq;
  const log = s.flight;
  for (let i = s.fTail - 4; i >= s.fHead; i -= 4) {
    if (!seqGt(log[i], seq)) break;
    log[i + 3] = 1;
  }
}
