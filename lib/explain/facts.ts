/**
 * Readable accessors for the tracker's per-side counters (issue 15): the
 * rules say `finFrame(c, SERVER)` instead of `c.facts.p[FIN_FRAME + 1]`.
 * Each is a one-line monomorphic function the JIT inlines.
 * @module
 */
import {
  BYTES,
  DATA_AFTER_PEER_FIN,
  FIN_ACKED_FRAME,
  FIN_FRAME,
  KEEPALIVE_ACKS,
  KEEPALIVES,
  RETRANS,
  SEGS,
  SYN_ACKS,
  SYNS,
  UNANSWERED_KEEPALIVES,
  UNANSWERED_RETRANS,
} from "../tcp/conn.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";

/** The side that sent the first SYN. */
export const CLIENT: Side = 0;
/** The side that answered it. */
export const SERVER: Side = 1;

/** The other side. */
export const peerOf = (s: number): Side => (s === 0 ? 1 : 0);
/** SYNs without ACK sent by `s`. */
export const syns = (c: TcpConn, s: number): number => c.facts.p[SYNS + s];
/** SYN,ACKs sent by `s`. */
export const synAcks = (c: TcpConn, s: number): number => c.facts.p[SYN_ACKS + s];
/** Segments sent by `s` (0: that direction is not in the capture). */
export const segs = (c: TcpConn, s: number): number => c.facts.p[SEGS + s];
/** Payload bytes sent by `s`. */
export const bytes = (c: TcpConn, s: number): number => c.facts.p[BYTES + s];
/** Frame of the first FIN of `s` (0 none). */
export const finFrame = (c: TcpConn, s: number): number => c.facts.p[FIN_FRAME + s];
/** Frame acknowledging the FIN of `s` (0 not seen). */
export const finAckedFrame = (c: TcpConn, s: number): number => c.facts.p[FIN_ACKED_FRAME + s];
/** Payload bytes `s` sent after the other side's FIN (retransmissions excluded). */
export const dataAfterPeerFin = (c: TcpConn, s: number): number =>
  c.facts.p[DATA_AFTER_PEER_FIN + s];
/** Retransmissions by `s`. */
export const retrans = (c: TcpConn, s: number): number => c.facts.p[RETRANS + s];
/** Retransmissions by `s` since the other side last sent anything. */
export const unansweredRetrans = (c: TcpConn, s: number): number =>
  c.facts.p[UNANSWERED_RETRANS + s];
/** Segments of `s` Wireshark's heuristic calls keep-alive (not all are probes). */
export const keepaliveLabels = (c: TcpConn, s: number): number => c.facts.p[KEEPALIVES + s];
/** keepalive-ack labels on segments of `s`. */
export const keepaliveAckLabels = (c: TcpConn, s: number): number => c.facts.p[KEEPALIVE_ACKS + s];
/** keep-alive labels of `s` since the other side last sent anything. */
export const unansweredKeepaliveLabels = (c: TcpConn, s: number): number =>
  c.facts.p[UNANSWERED_KEEPALIVES + s];
/** Both directions are in the capture. */
export const twoSided = (c: TcpConn): boolean => c.facts.p[SEGS] > 0 && c.facts.p[SEGS + 1] > 0;
/** Both sides sent FIN. */
export const bothFins = (c: TcpConn): boolean =>
  c.facts.p[FIN_FRAME] !== 0 && c.facts.p[FIN_FRAME + 1] !== 0;
/** Both FINs were sent and acknowledged (an orderly close). */
export const bothFinsAcked = (c: TcpConn): boolean =>
  c.facts.p[FIN_ACKED_FRAME] !== 0 && c.facts.p[FIN_ACKED_FRAME + 1] !== 0;
