/**
 * The streaming TCP engine: takes decoded packets one at a time, tracks every
 * connection (4-tuple plus epoch), and hands each connection to `onEnd` as
 * soon as it ends (RST, or both FINs acknowledged), when a new epoch replaces
 * it, when it expires, or when the capture ends. Memory is bounded: open
 * connections are capped, idle ones expire on capture time, and an ended
 * connection leaves only a small tombstone for a while.
 *
 * Nothing is silently lost: every TCP frame goes to exactly one connection or
 * is counted in {@link TcpTracker.unassigned} under a stated reason.
 *
 * Epochs: a SYN without ACK on a 4-tuple whose connection ended (RST, or both
 * FINs acknowledged) starts a new connection, whatever its ISN (with the same
 * ISN it is the same connect() retried: {@link TcpConn.retryOf}). On a live
 * connection, a SYN with a new ISN starts a new one when the old one got past
 * its handshake, saw FIN/RST, or the sender already sent a SYN; its segment
 * gets `port-reused` (Wireshark's rule: a SYN whose seq differs from the
 * sender's known ISN; also a SYN,ACK with a new ISN after an ended connection). A non-SYN packet on an ended connection's tombstone
 * that ends at or before what that side had sent is a late packet of the
 * ended connection (a retransmitted FIN, an ACK, a second RST): counted, not
 * tracked. One carrying anything beyond it starts a new connection (midstream).
 *
 * Expiry (capture time, see {@link TrackerOptions}): a half-open connection
 * (no handshake completed) idle longer than `halfOpenTimeout`, or any other
 * idle longer than `idleTimeout`, ends with endReason "expired" (never before
 * the limit, at the latest at twice it: the idle lists are kept lazily); so
 * does the oldest idle connection when more than `maxOpen` are open (or the
 * oldest idle half-open one when more than `maxHalfOpen` are half-open).
 *
 * docs/analysis.md has the rules, limits and reasons in prose.
 * @module
 */
import { FIN_FRAME, SYNS } from "./conn.ts";
import type { Packet } from "../decode/types.ts";
import { TCP_ACK, TCP_FIN, TCP_SYN } from "../decode/types.ts";
import { AddrNames, type ExpiredBy, type Side, TcpConn } from "./conn.ts";
import { FlowKey, FlowTable, setKey, TupleView } from "./flow.ts";
import { L_ICMP_UNREACH, L_PORT_REUSED } from "./labels.ts";
import { applySegment, kindLabels, revShift } from "./segment.ts";
import { SegmentView } from "./segment_view.ts";
import { analyzeSegment, DirSeq } from "./analysis.ts";
import { seqAdd, seqLe, seqRel } from "./seq.ts";

/** How long (capture seconds) an ended connection's tombstone absorbs late packets. */
export const TOMBSTONE_LINGER_S = 30;
/** Most tombstones kept; the oldest go first (keeps memory flat). */
export const TOMBSTONE_CAP = 8192;
/** Most ended connection records kept for reuse (see {@link TrackerOptions.reuseConnections}). */
const CONN_POOL_CAP = 256;

/**
 * Default idle limit of a half-open connection (capture seconds): Linux gives
 * up a SYN_SENT after 127 s but never waits more than 64 s between two SYNs,
 * and a SYN_RECV after 63 s; 75 s is also BSD's connect timeout (UNP §4.3).
 */
export const HALF_OPEN_TIMEOUT_S = 75;
/**
 * Default idle limit of an established connection (capture seconds): Linux's
 * keepalive defaults, 2 h idle plus 9 probes 75 s apart, after which a live
 * peer has answered or the connection is dead.
 */
export const IDLE_TIMEOUT_S = 7200 + 9 * 75;
/** Default most open connections (the oldest idle is expired beyond it). */
export const MAX_OPEN = 1_000_000;
/** Default most half-open connections (the oldest idle half-open is expired beyond it). */
export const MAX_HALF_OPEN = 16_384;

/** Why a TCP frame belongs to no connection (the keys of {@link TcpTracker.unassigned}). */
export type UnassignedReason = "after-end";

/** Each reason of {@link TcpTracker.unassigned} in words. */
export const UNASSIGNED_REASONS: Readonly<Record<UnassignedReason, string>> = {
  "after-end":
    "late packet after the connection ended (a retransmitted FIN, an ACK or RST of a connection already reported)",
};

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
  /**
   * Called for each late packet of an ended connection (counted under
   * unassigned "after-end"): its frame and the labels it gets when analysed
   * with the ended connection's sequence state (a late dup ACK, a
   * retransmitted FIN), which is all that is left of the connection.
   */
  onLate?(frame: number, labels: number): void;
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
  /** Capture seconds a half-open connection may stay idle (default {@link HALF_OPEN_TIMEOUT_S}). */
  halfOpenTimeout?: number;
  /** Capture seconds any other connection may stay idle (default {@link IDLE_TIMEOUT_S}). */
  idleTimeout?: number;
  /** Most open connections (default {@link MAX_OPEN}). */
  maxOpen?: number;
  /** Most half-open connections (default {@link MAX_HALF_OPEN}). */
  maxHalfOpen?: number;
}

class Tombstone extends FlowKey {
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
class IdleList {
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

/** The engine; see the module doc. */
export class TcpTracker {
  #opts: TrackerOptions;
  /** Address strings of this tracker's connections (made on first use). */
  #names: AddrNames;
  #live = new FlowTable<TcpConn>();
  #dead = new FlowTable<Tombstone>();
  #deadQueue: Tombstone[] = [];
  #deadHead = 0;
  #tv = new TupleView();
  /** Tombstones evicted from the table, reused for the next ended connection. */
  #spare: Tombstone[] = [];
  /** Ended connection records waiting for reuse (only with reuseConnections). */
  #pool: TcpConn[] = [];
  /** The one segment view, refilled for every segment (also for late packets). */
  #seg = new SegmentView();
  #t0Sec = 0;
  #t0Nsec = 0;
  #started = false;
  #nextId = 0;
  #halfOpen = new IdleList(1);
  #open = new IdleList(2);
  #halfOpenTimeout: number;
  #idleTimeout: number;
  #maxOpen: number;
  #maxHalfOpen: number;
  /** TCP frames that belong to no connection, by reason (see {@link UNASSIGNED_REASONS}). */
  readonly unassigned: Record<UnassignedReason, number> = { "after-end": 0 };
  /** Connections that ended "expired", by the limit that expired them. */
  readonly expired: Record<Exclude<ExpiredBy, "">, number> = { "half-open": 0, idle: 0, cap: 0 };
  /** ICMP errors that quoted no tracked connection. */
  strayIcmp = 0;

  constructor(opts: TrackerOptions) {
    this.#opts = opts;
    this.#names = new AddrNames(opts.addrString);
    this.#halfOpenTimeout = opts.halfOpenTimeout ?? HALF_OPEN_TIMEOUT_S;
    this.#idleTimeout = opts.idleTimeout ?? IDLE_TIMEOUT_S;
    this.#maxOpen = Math.max(1, opts.maxOpen ?? MAX_OPEN);
    this.#maxHalfOpen = Math.max(1, opts.maxHalfOpen ?? MAX_HALF_OPEN);
  }

  /** The id given to the last connection created (ids count from 1; 0 before the first). */
  get lastId(): number {
    return this.#nextId;
  }

  /** Connections currently open. */
  get openConnections(): number {
    return this.#live.size;
  }

  /** Open connections whose handshake has not completed. */
  get halfOpenConnections(): number {
    return this.#halfOpen.size;
  }

  /** TCP frames that belong to no connection (the sum of {@link unassigned}). */
  get unassignedTotal(): number {
    return this.unassigned["after-end"];
  }

  /** Late packets of ended connections (= unassigned["after-end"]). */
  get latePackets(): number {
    return this.unassigned["after-end"];
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
   * import { addrString } from "../decode/addr.ts";
   * import type { Packet } from "../decode/types.ts";
   * import type { TcpConn } from "./conn.ts";
   * declare const packets: Packet[]; // decoded frames (decodeFrame reuses one Packet)
   * const out: TcpConn[] = [];
   * const tr = new TcpTracker({ keepDetail: true, onEnd: (c) => out.push(c), addrString });
   * for (const p of packets) tr.push(p);
   * tr.finish(); // out: every connection
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

  /**
   * The capture's clock moved to a frame this tracker is not given (another
   * shard's, lib/explain/shard.ts): the first call sets time zero, and with
   * `expire` the idle limits are applied as a TCP frame at that time would.
   */
  advance(tsSec: number, tsNsec: number, expire: boolean): void {
    if (!this.#started) {
      this.#started = true;
      this.#t0Sec = tsSec;
      this.#t0Nsec = tsNsec;
    }
    if (expire) this.#expireIdle((tsSec - this.#t0Sec) + (tsNsec - this.#t0Nsec) * 1e-9);
  }

  /** Ends every open connection (in order of first packet) at the end of the capture. */
  finish(): void {
    const open = [...this.#live.values()].sort((a, b) => a.id - b.id);
    for (const c of open) this.#handOver(c, "capture-end");
  }

  /**
   * Ends every open connection whose last packet is older than `before`
   * (seconds from the first record), as the capture's end would: a live
   * capture's connections that went quiet. Returns how many ended.
   */
  endIdle(before: number): number {
    const idle = [...this.#live.values()].filter((c) => c.facts.lastTime < before)
      .sort((a, b) => a.id - b.id);
    for (const c of idle) this.#handOver(c, "capture-end");
    return idle.length;
  }

  #time(p: Packet): number {
    return (p.tsSec - this.#t0Sec) + (p.tsNsec - this.#t0Nsec) * 1e-9;
  }

  #tcp(p: Packet): void {
    const tv = this.#tv;
    tv.read(p.buf, p.ipVersion as 4 | 6, p.srcOff, p.dstOff, p.srcPort, p.dstPort);
    const t = this.#time(p);
    this.#expireIdle(t);
    const synOnly = (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let extra = 0;
    let c = this.#live.find(tv);
    let fromA = this.#live.lastDir === 1;
    let epoch = 1, retryOf = 0;
    let seed: Tombstone | null = null, seedFromA = false;
    if (c && synOnly) {
      const side: Side = fromA === c.clientIsA ? 0 : 1;
      if (isNewEpoch(c, side, p.seq)) {
        if (c.baseSet[side]) extra = L_PORT_REUSED;
        epoch = c.epoch + 1;
        this.#handOver(c, "reused");
        c = undefined;
      }
    }
    if (!c) {
      let tomb = this.#dead.find(tv);
      if (tomb !== undefined && tomb.until < t) {
        // Past its linger: the ended connection no longer absorbs packets
        // (tombstones are otherwise swept only when another connection ends).
        this.#dead.remove(tomb);
        tomb = undefined;
      }
      if (tomb) {
        const a = this.#dead.lastDir === 1;
        if ((p.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) {
          // Wireshark's second reuse rule: a SYN,ACK with a new ISN.
          const isn = a ? tomb.isnA : tomb.isnB;
          if (isn >= 0 && isn !== p.seq) extra = L_PORT_REUSED;
        }
        if (!synOnly) {
          const next = a ? tomb.nextA : tomb.nextB;
          const end = seqAdd(p.seq, p.payloadLen + ((p.flags & TCP_FIN) !== 0 ? 1 : 0));
          if (next < 0 || seqLe(end, next)) {
            this.unassigned["after-end"]++;
            this.#late(p, tomb, a, t);
            return;
          }
          // Beyond what the ended connection sent, without a SYN: a new
          // connection for the verdicts, but the same conversation for the
          // sequence analysis (as Wireshark keeps it), so its labels go on
          // from the ended connection's state.
          if ((p.flags & TCP_SYN) === 0) {
            seed = tomb;
            seedFromA = a;
          }
        } else {
          const isn = a ? tomb.isnA : tomb.isnB;
          if (isn === p.seq) retryOf = tomb.id;
          else if (isn >= 0) extra = L_PORT_REUSED;
        }
        epoch = tomb.epoch + 1;
        this.#dead.remove(tomb);
      }
      c = this.#create(p, t);
      c.epoch = epoch;
      c.retryOf = retryOf;
      fromA = true;
      if (seed !== null) {
        const sender: Side = c.clientIsA ? 0 : 1;
        copyDir(c.dirs[sender], seedFromA ? seed.dirA : seed.dirB);
        copyDir(c.dirs[1 - sender], seedFromA ? seed.dirB : seed.dirA);
      }
    }
    const side: Side = fromA === c.clientIsA ? 0 : 1;
    const r = this.#seg;
    r.frame = p.frame;
    r.t = t;
    r.seq = p.seq;
    r.ack = p.ack;
    r.flags = p.flags;
    r.window = p.window;
    r.len = p.payloadLen;
    r.wscale = p.wscale;
    r.extra = extra;
    const wasOpen = c.facts.established;
    const labels = applySegment(c, side, r);
    this.#opts.onSegment?.(c, side, labels, p.frame);
    if (c.ended) this.#end(c, t);
    else if (!wasOpen && c.facts.established) {
      this.#halfOpen.unlink(c);
      c.idleStamp = t;
      this.#open.append(c);
    }
  }

  /**
   * Expires connections idle past their limit at capture time `t`. The idle
   * lists are kept lazily (a packet does not move its connection): a list is
   * ordered by each connection's stamp, the time it was last queued; a head
   * whose stamp is stale but that saw packets since is queued again with its
   * last packet's time (a second chance), so each connection moves at most
   * once per limit, and one idle past its limit is expired at the latest when
   * it has been idle twice the limit.
   */
  #expireIdle(t: number): void {
    const h = this.#halfOpen.head, o = this.#open.head;
    if (h !== null && t - h.idleStamp > this.#halfOpenTimeout) {
      this.#sweep(this.#halfOpen, t, this.#halfOpenTimeout, "half-open");
    }
    if (o !== null && t - o.idleStamp > this.#idleTimeout) {
      this.#sweep(this.#open, t, this.#idleTimeout, "idle");
    }
  }

  #sweep(list: IdleList, t: number, limit: number, by: "half-open" | "idle"): void {
    let c = list.head;
    while (c !== null && t - c.idleStamp > limit) {
      if (t - c.facts.lastTime > limit) this.#expire(c, by);
      else requeue(list, c);
      c = list.head;
    }
  }

  /** The connection idle longest in a list (re-queueing the ones that saw packets). */
  #oldest(list: IdleList): TcpConn | null {
    let c = list.head;
    while (c !== null && c.facts.lastTime > c.idleStamp) {
      requeue(list, c);
      c = list.head;
    }
    return c;
  }

  /** Keeps the open and half-open counts within their caps (before adding one). */
  #makeRoom(): void {
    if (this.#halfOpen.size >= this.#maxHalfOpen) {
      const c = this.#oldest(this.#halfOpen);
      if (c !== null) this.#expire(c, "cap");
    }
    while (this.#live.size >= this.#maxOpen) {
      const h = this.#oldest(this.#halfOpen), o = this.#oldest(this.#open);
      const oldest = h === null ? o : o === null ? h : h.facts.lastTime <= o.facts.lastTime ? h : o;
      if (oldest === null) break;
      this.#expire(oldest, "cap");
    }
  }

  #expire(c: TcpConn, by: Exclude<ExpiredBy, "">): void {
    c.expired = true;
    c.expiredBy = by;
    this.expired[by]++;
    this.#handOver(c, "expired");
  }

  #create(p: Packet, t: number): TcpConn {
    this.#makeRoom();
    const c = this.#newConn();
    setKey(c, this.#tv);
    c.id = ++this.#nextId;
    c.addrNames = this.#names;
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
    c.facts.lastTime = t;
    c.idleStamp = t;
    this.#live.add(c);
    if (c.facts.established) this.#open.append(c);
    else this.#halfOpen.append(c);
    return c;
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
    this.#expireIdle(this.#time(p));
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
    c.segLog?.add(
      p.frame,
      t,
      side,
      0,
      p.quotedSeq >= 0 ? seqRel(p.quotedSeq, c.base[sender]) : 0,
      0,
      0,
      L_ICMP_UNREACH,
      0,
    );
    this.#opts.onSegment?.(c, side, L_ICMP_UNREACH, p.frame);
  }

  /** An ended connection (RST, or both FINs acknowledged): leaves a tombstone. */
  #end(c: TcpConn, t: number): void {
    this.#expireTombstones(t);
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
    tomb.until = t + TOMBSTONE_LINGER_S;
    this.#dead.add(tomb);
    this.#deadQueue.push(tomb);
    this.#handOver(c, c.facts.rstFrame !== 0 ? "reset" : "closed");
  }

  /** Labels a late packet with the ended connection's sequence state (see onLate). */
  #late(p: Packet, tomb: Tombstone, fromA: boolean, t: number): void {
    const v = this.#seg;
    v.frame = p.frame;
    v.seq = p.seq;
    v.ack = p.ack;
    v.len = p.payloadLen;
    v.flags = p.flags;
    v.window = p.window;
    v.revShift = fromA ? revShift(tomb.wsA, tomb.wsB) : revShift(tomb.wsB, tomb.wsA);
    v.t = t;
    v.firstRtt = tomb.rtt;
    const m = fromA
      ? analyzeSegment(tomb.dirA, tomb.dirB, v)
      : analyzeSegment(tomb.dirB, tomb.dirA, v);
    this.#opts.onLate?.(p.frame, kindLabels(p.flags, p.payloadLen) | m);
  }

  /** Takes a connection out of the tables and gives it to `onEnd`. */
  #handOver(c: TcpConn, reason: TcpConn["endReason"]): void {
    this.#live.remove(c);
    if (c.idleList === 1) this.#halfOpen.unlink(c);
    else if (c.idleList === 2) this.#open.unlink(c);
    c.endReason = reason;
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

  #expireTombstones(t: number): void {
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

/** Queues a connection again at the young end, stamped with its last packet's time. */
function requeue(list: IdleList, c: TcpConn): void {
  list.unlink(c);
  c.idleStamp = c.facts.lastTime;
  list.append(c);
}

/** Copies one direction's sequence state. */
function copyDir(to: DirSeq, from: DirSeq): void {
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
function isNewEpoch(c: TcpConn, side: Side, seq: number): boolean {
  if (c.baseSet[side] && c.base[side] === seq) return false;
  const f = c.facts;
  return f.established || f.rstFrame !== 0 || f.p[FIN_FRAME] !== 0 || f.p[FIN_FRAME + 1] !== 0 ||
    f.p[SYNS + side] > 0;
}
