/**
 * The tracker's small records: the idle-order list of open connections and
 * the epoch rule (lib/tcp/tracker.ts uses them; its module doc has the
 * rules; the tombstones are in lib/tcp/tombstones.ts).
 * @module
 */
import { FIN_FRAME, SYNS } from "./conn.ts";
import type { Side, TcpConn } from "./conn.ts";

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

/** Queues a connection again at the young end, stamped with its last packet's time. */
export function requeue(list: IdleList, c: TcpConn, frame: number): void {
  list.unlink(c);
  c.idleStamp = c.lastClock;
  c.idleFrame = frame;
  list.append(c);
}

/** A SYN with a new ISN on a connection past its handshake starts a new epoch. */
export function isNewEpoch(c: TcpConn, side: Side, seq: number): boolean {
  if (c.baseSet[side] && c.base[side] === seq) return false;
  const f = c.facts;
  return f.established || f.rstFrame !== 0 || f.p[FIN_FRAME] !== 0 || f.p[FIN_FRAME + 1] !== 0 ||
    f.p[SYNS + side] > 0;
}
