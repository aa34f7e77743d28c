/**
 * The tracker's small records: the tombstone an ended connection leaves, the
 * idle-order list of open connections, and the helpers that fill them
 * (lib/tcp/tracker.ts uses them; its module doc has the rules).
 * @module
 */
import { FIN_FRAME, SYNS } from "./conn.ts";
import type { Side, TcpConn } from "./conn.ts";
import { FlowKey } from "./flow.ts";
import { DirSeq } from "./analysis.ts";

/** What an ended connection leaves for a while: its key and its last sequence state. */
export class Tombstone extends FlowKey {
  /** ISN of endpoint A / B, -1 unknown. */
  isnA = -1;
  isnB = -1;
  /** Sequence number just after what A / B had sent, -1 unknown. */
  nextA = -1;
  nextB = -1;
  /** Sequence state of A's and B's direction when the connection ended. */
  dirA = new DirSeq();
  dirB = new DirSeq();
  /** Window scale options of A and B (-1 none seen, -2 SYN without the option). */
  wsA = -1;
  wsB = -1;
  /** The ended connection's handshake RTT (Wireshark's, 0 unknown). */
  rtt = 0;
  /** The ended connection's id and epoch. */
  id = 0;
  epoch = 0;
  until = 0;
}

/** An intrusive list of connections in order of their idle stamps (oldest first). */
export class IdleList {
  head: TcpConn | null = null;
  tail: TcpConn | null = null;
  size = 0;
  constructor(readonly tag: number) {}

  append(c: TcpConn): void {
    c.idleList = this.tag;
    c.idlePrev = this.tail;
    c.idleNext = null;
    if (this.tail === null) this.head = c;
    else this.tail.idleNext = c;
    this.tail = c;
    this.size++;
  }

  unlink(c: TcpConn): void {
    const p = c.idlePrev, n = c.idleNext;
    if (p === null) this.head = n;
    else p.idleNext = n;
    if (n === null) this.tail = p;
    else n.idlePrev = p;
    c.idlePrev = c.idleNext = null;
    c.idleList = 0;
    this.size--;
  }
}

/**
 * Fills a (new or reused) tombstone from an ended connection; it absorbs
 * late packets until capture time `until`.
 *
 * @example
 * ```ts
 * // fillTombstone(new Tombstone(), endedConn, t + TOMBSTONE_LINGER_S);
 * ```
 */
export function fillTombstone(tomb: Tombstone, c: TcpConn, until: number): void {
  tomb.v = c.v;
  tomb.a0 = c.a0;
  tomb.a1 = c.a1;
  tomb.a2 = c.a2;
  tomb.a3 = c.a3;
  tomb.b0 = c.b0;
  tomb.b1 = c.b1;
  tomb.b2 = c.b2;
  tomb.b3 = c.b3;
  tomb.aPort = c.aPort;
  tomb.bPort = c.bPort;
  tomb.hash = c.hash;
  const a: Side = c.clientIsA ? 0 : 1;
  const b = (1 - a) as Side;
  tomb.isnA = c.baseSet[a] ? c.base[a] : -1;
  tomb.isnB = c.baseSet[b] ? c.base[b] : -1;
  tomb.nextA = c.dirs[a].nextseqSet ? c.dirs[a].nextseq : -1;
  tomb.nextB = c.dirs[b].nextseqSet ? c.dirs[b].nextseq : -1;
  copyDir(tomb.dirA, c.dirs[a]);
  copyDir(tomb.dirB, c.dirs[b]);
  tomb.wsA = c.wscale[a];
  tomb.wsB = c.wscale[b];
  tomb.rtt = c.wsRtt;
  tomb.id = c.id;
  tomb.epoch = c.epoch;
  tomb.until = until;
}

/** Queues a connection again at the young end, stamped with its last packet's time. */
export function requeue(list: IdleList, c: TcpConn): void {
  list.unlink(c);
  c.idleStamp = c.facts.lastTime;
  list.append(c);
}

/** Copies one direction's sequence state. */
export function copyDir(to: DirSeq, from: DirSeq): void {
  to.nextseq = from.nextseq;
  to.nextseqSet = from.nextseqSet;
  to.nextseqTime = from.nextseqTime;
  to.maxseq = from.maxseq;
  to.maxSet = from.maxSet;
  to.lastack = from.lastack;
  to.lastackTime = from.lastackTime;
  to.window = from.window;
  to.dupacks = from.dupacks;
  to.lastLabels = from.lastLabels;
}

/** A SYN with a new ISN on a connection past its handshake starts a new epoch. */
export function isNewEpoch(c: TcpConn, side: Side, seq: number): boolean {
  if (c.baseSet[side] && c.base[side] === seq) return false;
  const f = c.facts;
  return f.established || f.rstFrame !== 0 || f.p[FIN_FRAME] !== 0 || f.p[FIN_FRAME + 1] !== 0 ||
    f.p[SYNS + side] > 0;
}
