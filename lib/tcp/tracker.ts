/**
 * The streaming TCP engine: takes decoded packets one at a time, tracks every
 * connection (4-tuple plus reuse epoch), and hands each connection to
 * `onEnd` as soon as it ends (RST, or both FINs acknowledged) or when the
 * capture ends. Memory is O(open connections): an ended connection is released
 * and leaves only a small tombstone for a while, so late packets of it (a
 * retransmitted FIN, a second RST) are not mistaken for a new connection.
 *
 * Port reuse: a SYN without ACK whose seq differs from the sender's ISN, on a
 * connection that got past its handshake (or saw FIN/RST), ends the old
 * connection and starts a new one (the next epoch) on the same 4-tuple.
 * @module
 */
import { FIN_FRAME, SYNS } from "./conn.ts";
import type { Packet } from "../decode/types.ts";
import { TCP_ACK, TCP_SYN } from "../decode/types.ts";
import { type Side, TcpConn } from "./conn.ts";
import { FlowKey, FlowTable, setKey, TupleView } from "./flow.ts";
import { L_ICMP_UNREACH } from "./labels.ts";
import { applySegment, type RawSegment } from "./segment.ts";
import { seqRel } from "./seq.ts";

/** How long (capture seconds) an ended connection's tombstone absorbs late packets. */
export const TOMBSTONE_LINGER_S = 30;
/** Distinct IPv4 address strings remembered (the cache restarts when full). */
const ADDR_CACHE_CAP = 4096;
/** Most tombstones kept; the oldest go first (keeps memory flat). */
export const TOMBSTONE_CAP = 8192;
/** Most ended connection records kept for reuse (see {@link TrackerOptions.reuseConnections}). */
const CONN_POOL_CAP = 256;

/** Options of {@link TcpTracker}. */
export interface TrackerOptions {
  /** Keep segment records and state histories (text/JSON need them; --summary does not). */
  keepDetail: boolean;
  /** Keep retransmission intervals (default true; a summary table does not show them). */
  keepIntervals?: boolean;
  /** Run the endpoint state machines (default true; a summary table does not show them). */
  keepStates?: boolean;
  /** Called for every connection when it ends, then the engine forgets it. */
  onEnd(conn: TcpConn): void;
  /** Called after each segment or ICMP error is applied (phases use it). */
  onSegment?(conn: TcpConn, side: Side, labels: number, frame: number): void;
  /** Formats an address (lib/decode addrString). */
  addrString(buf: Uint8Array, off: number, version: 4 | 6): string;
  /**
   * `onEnd` keeps nothing of the connection once it returns (the --summary
   * table writes its row and forgets it), so the tracker may reuse the
   * record for a later connection. Default false.
   */
  reuseConnections?: boolean;
}

class Tombstone extends FlowKey {
  isnA = -1;
  isnB = -1;
  until = 0;
}

/** The engine; see the module doc. */
export class TcpTracker {
  #opts: TrackerOptions;
  #live = new FlowTable<TcpConn>();
  #dead = new FlowTable<Tombstone>();
  #deadQueue: Tombstone[] = [];
  #deadHead = 0;
  #tv = new TupleView();
  #v4Names = new Map<number, string>();
  /** Tombstones evicted from the table, reused for the next ended connection. */
  #spare: Tombstone[] = [];
  /** Ended connection records waiting for reuse (only with reuseConnections). */
  #pool: TcpConn[] = [];
  #raw: RawSegment = { frame: 0, t: 0, seq: 0, ack: 0, flags: 0, window: 0, len: 0, wscale: -1 };
  #t0Sec = 0;
  #t0Nsec = 0;
  #started = false;
  #nextId = 0;
  /** Packets of already-ended connections that were ignored. */
  latePackets = 0;
  /** ICMP errors that quoted no tracked connection. */
  strayIcmp = 0;

  constructor(opts: TrackerOptions) {
    this.#opts = opts;
  }

  /** Connections currently open. */
  get openConnections(): number {
    return this.#live.size;
  }

  /** The connections currently open (a live view: do not keep it across pushes). */
  openValues(): IterableIterator<TcpConn> {
    return this.#live.values();
  }

  /**
   * Feeds one decoded frame (every frame, so times count from the first record).
   *
   * @example
   * ```ts
   * // const tr = new TcpTracker({ keepDetail: true, onEnd: (c) => out.push(c), addrString });
   * // tr.push(packet); ... tr.finish();
   * ```
   */
  push(p: Packet): void {
    if (!this.#started) {
      this.#started = true;
      this.#t0Sec = p.tsSec;
      this.#t0Nsec = p.tsNsec;
    }
    if (p.kind === "tcp") this.#tcp(p);
    else if (p.kind === "icmp-unreachable" && p.quotedProto === 6 && p.quotedSrcPort >= 0) {
      this.#icmp(p);
    }
  }

  /** Ends every open connection (in order of first packet) at the end of the capture. */
  finish(): void {
    const open = [...this.#live.values()].sort((a, b) => a.id - b.id);
    for (const c of open) {
      this.#live.remove(c);
      this.#opts.onEnd(c);
      this.#release(c);
    }
  }

  /**
   * Ends every open connection whose last packet is older than `before`
   * (seconds from the first record), as the capture's end would: a live
   * capture's connections that went quiet. Returns how many ended.
   */
  endIdle(before: number): number {
    const idle = [...this.#live.values()].filter((c) => c.facts.lastTime < before)
      .sort((a, b) => a.id - b.id);
    for (const c of idle) {
      this.#live.remove(c);
      this.#opts.onEnd(c);
      this.#release(c);
    }
    return idle.length;
  }

  #time(p: Packet): number {
    return (p.tsSec - this.#t0Sec) + (p.tsNsec - this.#t0Nsec) * 1e-9;
  }

  #tcp(p: Packet): void {
    const tv = this.#tv;
    tv.read(p.buf, p.ipVersion as 4 | 6, p.srcOff, p.dstOff, p.srcPort, p.dstPort);
    const t = this.#time(p);
    const synOnly = (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let c = this.#live.find(tv);
    let fromA = this.#live.lastDir === 1;
    if (c && synOnly && isNewEpoch(c, fromA === c.clientIsA ? 0 : 1, p.seq)) {
      this.#end(c, t);
      c = undefined;
    }
    if (!c) {
      const tomb = this.#dead.find(tv);
      if (tomb) {
        const isn = this.#dead.lastDir === 1 ? tomb.isnA : tomb.isnB;
        if (!synOnly || isn === p.seq) {
          this.latePackets++;
          return;
        }
        this.#dead.remove(tomb);
      }
      c = this.#create(p);
      fromA = true;
    }
    const side: Side = fromA === c.clientIsA ? 0 : 1;
    const r = this.#raw;
    r.frame = p.frame;
    r.t = t;
    r.seq = p.seq;
    r.ack = p.ack;
    r.flags = p.flags;
    r.window = p.window;
    r.len = p.payloadLen;
    r.wscale = p.wscale;
    const labels = applySegment(c, side, r);
    this.#opts.onSegment?.(c, side, labels, p.frame);
    if (c.ended) this.#end(c, t);
  }

  #create(p: Packet): TcpConn {
    const c = this.#newConn();
    setKey(c, this.#tv);
    c.id = ++this.#nextId;
    const v = p.ipVersion as 4 | 6;
    c.aAddr = this.#addr(p, p.srcOff, v, c.a0);
    c.bAddr = this.#addr(p, p.dstOff, v, c.b0);
    if ((p.flags & TCP_SYN) !== 0) {
      c.clientIsA = (p.flags & TCP_ACK) === 0;
    } else {
      c.rolesGuessed = true;
      c.clientIsA = p.srcPort > p.dstPort || (p.srcPort === p.dstPort);
      c.facts.established = true;
      const why = "already established when the capture began (guessed)";
      c.fsm?.[0].setState("ESTABLISHED", p.frame, why);
      c.fsm?.[1].setState("ESTABLISHED", p.frame, why);
    }
    this.#live.add(c);
    return c;
  }

  /** IPv4 address strings are cached (a capture has few distinct hosts). */
  #addr(p: Packet, off: number, v: 4 | 6, word: number): string {
    if (v !== 4) return this.#opts.addrString(p.buf, off, v);
    let s = this.#v4Names.get(word);
    if (s === undefined) {
      s = this.#opts.addrString(p.buf, off, v);
      if (this.#v4Names.size >= ADDR_CACHE_CAP) this.#v4Names.clear();
      this.#v4Names.set(word, s);
    }
    return s;
  }

  #icmp(p: Packet): void {
    const tv = this.#tv;
    tv.read(
      p.buf,
      p.quotedIpVersion as 4 | 6,
      p.quotedSrcOff,
      p.quotedDstOff,
      p.quotedSrcPort,
      p.quotedDstPort,
    );
    const c = this.#live.find(tv);
    if (!c) {
      this.strayIcmp++;
      return;
    }
    const sender: Side = (this.#live.lastDir === 1) === c.clientIsA ? 0 : 1;
    const side = (1 - sender) as Side;
    const f = c.facts;
    const t = this.#time(p);
    f.icmpCount++;
    if (f.icmpFrame === 0) {
      f.icmpFrame = p.frame;
      f.icmpType = p.icmpType;
      f.icmpCode = p.icmpCode;
    }
    f.lastFrame = p.frame;
    f.lastTime = t;
    c.segments?.push({
      frame: p.frame,
      time: t,
      side,
      flags: 0,
      seq: p.quotedSeq >= 0 ? seqRel(p.quotedSeq, c.base[sender]) : 0,
      ack: 0,
      len: 0,
      labels: L_ICMP_UNREACH,
      window: 0,
    });
    this.#opts.onSegment?.(c, side, L_ICMP_UNREACH, p.frame);
  }

  #end(c: TcpConn, t: number): void {
    this.#live.remove(c);
    this.#expire(t);
    const tomb = this.#spare.pop() ?? new Tombstone();
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
    tomb.isnA = c.baseSet[a] ? c.base[a] : -1;
    tomb.isnB = c.baseSet[1 - a] ? c.base[1 - a] : -1;
    tomb.until = t + TOMBSTONE_LINGER_S;
    this.#dead.add(tomb);
    this.#deadQueue.push(tomb);
    this.#opts.onEnd(c);
    this.#release(c);
  }

  /** A fresh connection record: a pooled one reset, or a new one. */
  #newConn(): TcpConn {
    const o = this.#opts;
    const keepIntervals = o.keepIntervals ?? true, keepStates = o.keepStates ?? true;
    const c = this.#pool.pop();
    if (c === undefined) return new TcpConn(o.keepDetail, keepIntervals, keepStates);
    c.reset(o.keepDetail, keepIntervals, keepStates);
    return c;
  }

  /** Keeps an ended record for reuse when the consumer allows it. */
  #release(c: TcpConn): void {
    if (this.#opts.reuseConnections && this.#pool.length < CONN_POOL_CAP) this.#pool.push(c);
  }

  #expire(t: number): void {
    const q = this.#deadQueue;
    while (
      this.#deadHead < q.length &&
      (q[this.#deadHead].until < t || q.length - this.#deadHead >= TOMBSTONE_CAP)
    ) {
      const old = q[this.#deadHead];
      this.#dead.remove(old);
      if (this.#spare.length < 64) this.#spare.push(old);
      this.#deadHead++;
    }
    if (this.#deadHead > 4096 && this.#deadHead * 2 > q.length) {
      this.#deadQueue = q.slice(this.#deadHead);
      this.#deadHead = 0;
    }
  }
}

/** A SYN with a new ISN on a connection past its handshake starts a new epoch. */
function isNewEpoch(c: TcpConn, side: Side, seq: number): boolean {
  if (c.baseSet[side] && c.base[side] === seq) return false;
  const f = c.facts;
  return f.established || f.rstFrame !== 0 || f.p[FIN_FRAME] !== 0 || f.p[FIN_FRAME + 1] !== 0 ||
    f.p[SYNS + side] > 0;
}
