/**
 * One tracked TCP connection: its tuple, roles, per-direction analysis,
 * endpoint state machines and the facts the scenario predicates read.
 * Index 0 is always the client, 1 the server.
 * @module
 */
import { DirSeq } from "./analysis.ts";
import { FlowKey } from "./flow.ts";
import { SentLog } from "./sentlog.ts";
import { EndpointFsm } from "./state.ts";

/** 0 = client, 1 = server. */
export type Side = 0 | 1;

/** One segment (or ICMP error) as kept for the ladder and JSON. */
export interface SegmentRecord {
  frame: number;
  /** Seconds since the capture's first record. */
  time: number;
  side: Side;
  flags: number;
  /** Relative to the sender's ISN (ack: to the receiver's). */
  seq: number;
  ack: number;
  len: number;
  /** Label bits (labels.ts). */
  labels: number;
  /** Advertised window (scaled). */
  window: number;
}

/** A phase of a connection (phases.ts decides them). */
export interface Phase {
  name: string;
  firstFrame: number;
  lastFrame: number;
}

/** Facts gathered segment by segment; the scenario predicates read only these. */
export class ConnFacts {
  firstFrame = 0;
  lastFrame = 0;
  firstTime = 0;
  lastTime = 0;
  /** SYNs (without ACK) sent per side, SYN,ACKs per side. */
  syns: [number, number] = [0, 0];
  synAcks: [number, number] = [0, 0];
  /** Handshake completed (third segment seen, or data both ways after SYN,ACK). */
  established = false;
  synTime = -1;
  /** Handshake RTT at the capture point: SYN to the ACK of the SYN,ACK (s), -1 unknown. */
  rtt = -1;
  segs: [number, number] = [0, 0];
  bytes: [number, number] = [0, 0];
  /** Frame of each side's first FIN (0 = none) and the seq just after it. */
  finFrame: [number, number] = [0, 0];
  finEnd: [number, number] = [0, 0];
  /** Frame where each side's FIN was acknowledged (0 = not seen). */
  finAckedFrame: [number, number] = [0, 0];
  /** Side whose FIN came first (-1 none). */
  firstFinSide = -1;
  /** The second FIN was sent before the first was acknowledged (FINs crossed). */
  finsCrossed = false;
  /** Payload bytes each side sent after the other side's FIN. */
  dataAfterPeerFin: [number, number] = [0, 0];
  /** First RST: frame (0 none), side, and what came just before it. */
  rstFrame = 0;
  rstSide = -1;
  rstCount = 0;
  rstAnswersData = false;
  rstAnswersKeepalive = false;
  rstAnswersSyn = false;
  /** Retransmissions (any kind) per side; intervals in order (capped). */
  retrans: [number, number] = [0, 0];
  synRetrans = 0;
  intervals: number[] = [];
  /** Retransmissions by a side since the other side last sent anything. */
  unansweredRetrans: [number, number] = [0, 0];
  keepalives: [number, number] = [0, 0];
  keepaliveAcks: [number, number] = [0, 0];
  /** Capture times of the first keepalive probes (capped at 32). */
  keepaliveTimes: number[] = [];
  /** Frame where the handshake completed (0 = not seen). */
  establishedFrame = 0;
  /** Keepalive probes by a side since the other side last sent anything. */
  unansweredKeepalives: [number, number] = [0, 0];
  /** ICMP unreachable errors quoting this connection. */
  icmpCount = 0;
  icmpFrame = 0;
  icmpType = -1;
  icmpCode = -1;
  /** Side, length and labels of the previous segment (for RST context). */
  prevSide = -1;
  prevLen = 0;
  prevLabels = 0;
}

/** Most retransmission intervals kept per connection. */
export const MAX_INTERVALS = 1000;

/** A tracked connection. */
export class TcpConn extends FlowKey {
  /** 1-based, in order of first packet. */
  id = 0;
  /** Whether endpoint A (first packet's source) is the client. */
  clientIsA = true;
  rolesGuessed = false;
  dirs: [DirSeq, DirSeq] = [new DirSeq(), new DirSeq()];
  fsm: [EndpointFsm, EndpointFsm];
  /** ISN (or first seq − 1) per side, and whether known. */
  base: [number, number] = [0, 0];
  baseSet: [boolean, boolean] = [false, false];
  /** Window scale from each side's SYN (-1 none); scaling applies when both are set. */
  wscale: [number, number] = [-1, -1];
  sent: [SentLog, SentLog] = [new SentLog(), new SentLog()];
  /** Time of the last segment with SYN (s), -1 none. */
  lastSynTime = -1;
  /** Wireshark's first RTT: last SYN to the first pure ACK (s); 0 unknown. */
  wsRtt = 0;
  facts = new ConnFacts();
  /** Kept only when the output needs them. */
  segments: SegmentRecord[] | null;
  phases: Phase[] = [];
  /** Set when the connection ended (both FINs acknowledged, or RST). */
  ended = false;
  /** Address strings, filled when the connection is created. */
  aAddr = "";
  bAddr = "";

  constructor(keepDetail: boolean) {
    super();
    this.fsm = [new EndpointFsm(keepDetail), new EndpointFsm(keepDetail)];
    this.segments = keepDetail ? [] : null;
  }

  /** Client address and port. */
  get client(): { addr: string; port: number } {
    return this.clientIsA
      ? { addr: this.aAddr, port: this.aPort }
      : { addr: this.bAddr, port: this.bPort };
  }

  /** Server address and port. */
  get server(): { addr: string; port: number } {
    return this.clientIsA
      ? { addr: this.bAddr, port: this.bPort }
      : { addr: this.aAddr, port: this.aPort };
  }
}
