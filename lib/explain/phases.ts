/**
 * Phases of a connection, decided segment by segment (so they work in
 * streaming mode): consecutive segments in the same phase merge into one
 * {name, firstFrame, lastFrame}.
 *
 * Phase ids and the rule that picks one for a segment, first match wins:
 *  1. `refused`     an RST answering a SYN that got no SYN,ACK
 *  2. `abort`       any other RST
 *  3. `syn-timeout` a retransmitted SYN that no SYN,ACK answered yet
 *  4. `handshake`   SYN, SYN,ACK, and the ACK that completes the handshake
 *  5. `keepalive`   keepalive probes and their ACKs
 *  6. `stall`       a plain (timeout) retransmission before any FIN: the sender
 *                   got no ACK (a retransmitted FIN stays in termination)
 *  7. `half-close`  data from the side that has not sent FIN after the other
 *                   side's FIN (the termination phase it follows is renamed)
 *  8. `termination` the first FIN and everything after it
 *  9. `data`        everything else once established
 *  An ICMP error joins the current phase.
 * @module
 */
import { FIN_FRAME, SYN_ACKS } from "../tcp/conn.ts";
import type { Phase, Side, TcpConn } from "../tcp/conn.ts";
import {
  L_ACK,
  L_DATA,
  L_FIN,
  L_ICMP_UNREACH,
  L_KEEPALIVE,
  L_KEEPALIVE_ACK,
  L_RETRANS,
  L_RST,
  L_SYN,
  L_SYN_ACK,
} from "../tcp/labels.ts";

/** Most phases kept per connection; later ones extend the last. */
export const MAX_PHASES = 200;

/**
 * The phase id for one segment (see the module doc).
 *
 * @example
 * ```ts
 * // phaseFor(conn, 0, L_SYN, 1) === "handshake"
 * ```
 */
export function phaseFor(c: TcpConn, side: Side, labels: number, frame: number): string {
  const f = c.facts;
  const last = c.phases.length > 0 ? c.phases[c.phases.length - 1] : undefined;
  if (labels & L_ICMP_UNREACH) return last?.name ?? "handshake";
  if (labels & L_RST) return f.rstAnswersSyn && frame === f.rstFrame ? "refused" : "abort";
  if (labels & (L_SYN | L_SYN_ACK)) {
    return (labels & L_RETRANS) && f.p[SYN_ACKS] + f.p[SYN_ACKS + 1] === 0
      ? "syn-timeout"
      : "handshake";
  }
  if (labels === L_ACK && frame === f.establishedFrame) return "handshake";
  if (labels & (L_KEEPALIVE | L_KEEPALIVE_ACK)) return "keepalive";
  if ((labels & L_RETRANS) && f.firstFinSide < 0) return "stall";
  if (f.firstFinSide >= 0) {
    const other = 1 - f.firstFinSide;
    if (side === other && (labels & L_DATA) && !(labels & L_FIN) && f.p[FIN_FRAME + other] === 0) {
      return "half-close";
    }
    if (last?.name === "half-close" && !(labels & L_FIN)) return "half-close";
    return "termination";
  }
  return "data";
}

/**
 * Adds one segment to the connection's phase list.
 *
 * @example
 * ```ts
 * // trackPhase(conn, 0, L_SYN, 1); conn.phases -> [{ name: "handshake", firstFrame: 1, lastFrame: 1 }]
 * ```
 */
export function trackPhase(c: TcpConn, side: Side, labels: number, frame: number): void {
  const name = phaseFor(c, side, labels, frame);
  const phases = c.phases;
  const last: Phase | undefined = phases[phases.length - 1];
  if (last && last.name === name) {
    last.lastFrame = frame;
    return;
  }
  if (name === "half-close" && last?.name === "termination" && last.firstFrame === firstFin(c)) {
    last.name = "half-close";
    last.lastFrame = frame;
    return;
  }
  if (phases.length >= MAX_PHASES && last) {
    last.lastFrame = frame;
    return;
  }
  phases.push({ name, firstFrame: frame, lastFrame: frame });
}

function firstFin(c: TcpConn): number {
  const f = c.facts;
  return f.firstFinSide < 0 ? -1 : f.p[FIN_FRAME + f.firstFinSide];
}
