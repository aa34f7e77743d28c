/**
 * An ICMP destination-unreachable error that quotes a tracked connection's
 * segment (lib/tcp/tracker.ts finds the connection from the quoted 4-tuple):
 * counted in the connection's facts (the first one's frame, type and code
 * kept for the verdicts) and logged as a segment of the side it was sent to,
 * with the quoted sequence number relative to the sender's ISN.
 * @module
 */
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "./conn.ts";
import { L_ICMP_UNREACH } from "./labels.ts";
import { seqRel } from "./seq.ts";

/**
 * Records ICMP error `p` on connection `c`, whose side `sender` sent the
 * quoted segment, at time `t` (seconds from the first record; `now`: the idle
 * limits' clock). Returns the side the error went to (the other one).
 */
export function icmpUnreachable(c: TcpConn, p: Packet, sender: Side, t: number, now: number): Side {
  const side = (1 - sender) as Side;
  const f = c.facts;
  f.icmpCount++;
  if (f.icmpFrame === 0) {
    f.icmpFrame = p.frame;
    f.icmpType = p.icmpType;
    f.icmpCode = p.icmpCode;
  }
  f.lastFrame = p.frame;
  f.lastTime = t;
  c.lastClock = now;
  const rel = p.quotedSeq >= 0 ? seqRel(p.quotedSeq, c.base[sender]) : 0;
  c.segLog?.add(p.frame, t, side, 0, rel, 0, 0, L_ICMP_UNREACH, 0);
  return side;
}
