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
 *  5. `keepalive`   real keepalive probes (after ≥ 1 s idle, wire.ts) and the
 *                   peer's answer; a segment Wireshark's heuristic calls
 *                   keep-alive without the idle period is judged by the rules below
 *  6. `stall`       a plain (timeout) retransmission before any FIN: the sender
 *                   got no ACK (a retransmitted FIN stays in termination)
 *  7. `half-close`  data from the side that has not sent FIN after the other
 *                   side's FIN (the termination phase it follows is renamed)
 *  8. `termination` the first FIN and everything after it
 *  9. `data`        everything else once established
 *  An ICMP unreachable joins the current phase; an ICMP fragmentation-needed /
 *  packet-too-big is its own phase, `path-mtu` (path-MTU discovery, not an error).
 * @module
 */
import type { Phase, Side, TcpConn } from "../tcp/conn.ts";
import { finFrame, peerOf, synAcks } from "./facts.ts";
import type { WireFacts } from "./wire.ts";
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
 * import { TcpConn } from "../tcp/conn.ts";
 * import { L_SYN } from "../tcp/labels.ts";
 * const conn = new TcpConn(false, false, false);
 * phaseFor(conn, 0, L_SYN, 1); // "handshake"
 * ```
 */
export function phaseFor(
  c: TcpConn,
  side: Side,
  labels: number,
  frame: number,
  w?: WireFacts,
): string {
  const f = c.facts;
  const last = c.phases.length > 0 ? c.phases[c.phases.length - 1] : undefined;
  if (labels & L_ICMP_UNREACH) return w?.lastIcmpPmtu ? "path-mtu" : last?.name ?? "handshake";
  if (labels & L_RST) return f.rstAnswersSyn && frame === f.rstFrame ? "refused" : "abort";
  if (labels & (L_SYN | L_SYN_ACK)) {
    return (labels & L_RETRANS) && synAcks(c, 0) + synAcks(c, 1) === 0
      ? "syn-timeout"
      : "handshake";
  }
  if (labels === L_ACK && frame === f.establishedFrame) return "handshake";
  if (isProbeOrAnswer(side, labels, frame, w)) return "keepalive";
  if ((labels & L_RETRANS) && f.firstFinSide < 0) return "stall";
  if (f.firstFinSide >= 0) {
    const other = peerOf(f.firstFinSide);
    if (side === other && (labels & L_DATA) && !(labels & L_FIN) && finFrame(c, other) === 0) {
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
 * import { TcpConn } from "../tcp/conn.ts";
 * import { L_SYN } from "../tcp/labels.ts";
 * const conn = new TcpConn(false, false, false);
 * trackPhase(conn, 0, L_SYN, 1); // conn.phases: [{ name: "handshake", firstFrame: 1, lastFrame: 1 }]
 * ```
 */
export function trackPhase(
  c: TcpConn,
  side: Side,
  labels: number,
  frame: number,
  w?: WireFacts,
): void {
  const name = phaseFor(c, side, labels, frame, w);
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
  // The first phase as a one-element literal (as EndpointFsm's history).
  if (phases.length === 0) c.phases = [{ name, firstFrame: frame, lastFrame: frame }];
  else phases.push({ name, firstFrame: frame, lastFrame: frame });
}

function firstFin(c: TcpConn): number {
  const f = c.facts;
  return f.firstFinSide < 0 ? -1 : finFrame(c, f.firstFinSide);
}

/**
 * A real keepalive probe or the peer's answer to one (without wire facts:
 * every segment labelled keepalive / keepalive-ack).
 */
function isProbeOrAnswer(side: Side, labels: number, frame: number, w?: WireFacts): boolean {
  if (!(labels & (L_KEEPALIVE | L_KEEPALIVE_ACK))) return false;
  if (w === undefined) return true;
  if (labels & L_KEEPALIVE) return w.prevFrame === frame && w.prevWasProbe;
  // The answer: the probe was the segment just before this one.
  return w.prevFrame === frame && w.prevSide === side && w.answeredJustNow;
}
