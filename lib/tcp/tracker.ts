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
import type { Packet } from "../decode/types.ts";
import { TCP_ACK, TCP_FIN, TCP_SYN } from "../decode/types.ts";
import { AddrNames } from "./addr_names.ts";
import { type ExpiredBy, type Side, TcpConn } from "./conn.ts";
import { FlowTable, setKey, TupleView } from "./flow.ts";
import { L_ICMP_UNREACH, L_PORT_REUSED } from "./labels.ts";
import { applySegment, kindLabels } from "./segment.ts";
import { SegmentView } from "./segment_view.ts";
import { DirSeq } from "./analysis.ts";
import { seqAdd, seqLe } from "./seq.ts";
import { icmpUnreachable } from "./icmp.ts";
import {
  TOMBSTONE_LINGER_S,
  type TrackerOptions,
  type UnassignedReason,
} from "./tracker_options.ts";
import { isNewEpoch } from "./tracker_parts.ts";
import { IdleExpiry } from "./idle_expiry.ts";
import { Tombstones } from "./tombstones.ts";

export * from "./tracker_options.ts";

/** Most ended connection records kept for reuse (see {@link TrackerOptions.reuseConnections}). */
const CONN_POOL_CAP = 256;

/** The engine; see the module doc. */
export class TcpTracker {
  #opts: TrackerOptions;
  /** Address strings of this tracker's connections (made on first use). */
  #names: AddrNames;
  #live = new FlowTable<TcpConn>();
  #dead = new Tombstones();
  /** A tombstone's two direction states while a late packet is analysed. */
  #lateA = new DirSeq();
  #lateB = new DirSeq();
  #tv = new TupleView();
  /** Ended connection records waiting for reuse (only with reuseConnections). */
  #pool: TcpConn[] = [];
  /** The one segment view, refilled for every segment (also for late packets). */
  #seg = new SegmentView();
  #t0Sec = 0;
  #t0Nsec = 0;
  #started = false;
  #nextId = 0;
  #lastContinues = 0;
  /** The idle lists and the caps on open connections (lib/tcp/idle_expiry.ts). */
  #idle: IdleExpiry;
  /** TCP frames that belong to no connection, by reason (see {@link UNASSIGNED_REASONS}). */
  readonly unassigned: Record<UnassignedReason, number> = { "after-end": 0 };
  /** Connections that ended "expired", by the limit that expired them. */
  readonly expired: Record<Exclude<ExpiredBy, "">, number> = { "half-open": 0, idle: 0, cap: 0 };
  /** ICMP errors that quoted no tracked connection. */
  strayIcmp = 0;

  constructor(opts: TrackerOptions) {
    this.#opts = opts;
    this.#names = new AddrNames(opts.addrString);
    this.#idle = new IdleExpiry(opts, (c, by) => this.#expire(c, by));
  }

  /** The id given to the last connection created (ids count from 1; 0 before the first). */
  get lastId(): number {
    return this.#nextId;
  }

  /**
   * The id of the ended connection the last connection created continues
   * (its `continues`; 0: none). lib/explain/shard.ts reports it, since a
   * shard's ids are not the run's.
   */
  get lastContinues(): number {
    return this.#lastContinues;
  }

  /** Connections currently open. */
  get openConnections(): number {
    return this.#live.size;
  }

  /** Open connections whose handshake has not completed. */
  get halfOpenConnections(): number {
    return this.#idle.halfOpen.size;
  }

  /** TCP frames that belong to no connection (the sum of {@link unassigned}). */
  get unassignedTotal(): number {
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
   * `expire` the idle limits are applied as a TCP frame at that time would
   * (`frame`: that frame's number; a connection the limits queue again is stamped with it).
   */
  advance(tsSec: number, tsNsec: number, expire: boolean, frame = 0): void {
    if (!this.#started) {
      this.#started = true;
      this.#t0Sec = tsSec;
      this.#t0Nsec = tsNsec;
    }
    this.#idle.frame = frame;
    if (expire) {
      this.#idle.expireIdle(
        this.#idle.tick((tsSec - this.#t0Sec) + (tsNsec - this.#t0Nsec) * 1e-9),
      );
    }
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
    const now = this.#idle.tick(t);
    this.#idle.frame = p.frame;
    this.#idle.expireIdle(now);
    const synOnly = (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let extra = 0;
    let c = this.#live.find(tv);
    let fromA = this.#live.lastDir === 1;
    let epoch = 1, retryOf = 0, continues = 0;
    let seed = -1, seedFromA = false;
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
      const dead = this.#dead;
      let tomb = dead.find(tv);
      if (tomb >= 0 && dead.until(tomb) < now) {
        // Past its linger: the ended connection no longer absorbs packets
        // (tombstones are otherwise swept only when another connection ends).
        dead.remove(tomb);
        tomb = -1;
      }
      if (tomb >= 0) {
        const a = dead.lastDir === 1;
        if ((p.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) {
          // Wireshark's second reuse rule: a SYN,ACK with a new ISN.
          const isn = dead.isn(tomb, a);
          if (isn >= 0 && isn !== p.seq) extra = L_PORT_REUSED;
        }
        if (!synOnly) {
          const next = dead.next(tomb, a);
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
            continues = dead.id(tomb);
          }
        } else {
          const isn = dead.isn(tomb, a);
          if (isn === p.seq) retryOf = dead.id(tomb);
          else if (isn >= 0) extra = L_PORT_REUSED;
        }
        epoch = dead.epoch(tomb) + 1;
        // Out of the index; its row stays in the ring (no tombstone is added
        // before the seed is read below).
        dead.remove(tomb);
      }
      c = this.#create(p, t, now);
      c.epoch = epoch;
      c.retryOf = retryOf;
      c.continues = continues;
      this.#lastContinues = continues;
      fromA = true;
      if (seed >= 0) {
        const sender: Side = c.clientIsA ? 0 : 1;
        dead.loadDir(seed, seedFromA, c.dirs[sender]);
        dead.loadDir(seed, !seedFromA, c.dirs[1 - sender]);
      }
    }
    const side: Side = fromA === c.clientIsA ? 0 : 1;
    const r = this.#view(p, t);
    r.wscale = p.wscale;
    r.extra = extra;
    const wasOpen = c.facts.established;
    const labels = applySegment(c, side, r);
    c.lastClock = now;
    this.#opts.onSegment?.(c, side, labels, p.frame, p);
    if (c.ended) this.#end(c, now);
    else if (!wasOpen && c.facts.established) this.#idle.established(c, now);
  }

  /** How many connections are open (for the cap). */
  readonly #liveSize = (): number => this.#live.size;

  #expire(c: TcpConn, by: Exclude<ExpiredBy, "">): void {
    c.expired = true;
    c.expiredBy = by;
    this.expired[by]++;
    this.#handOver(c, "expired");
  }

  #create(p: Packet, t: number, now: number): TcpConn {
    this.#idle.makeRoom(this.#liveSize);
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
    c.lastClock = now;
    c.idleStamp = now;
    this.#live.add(c);
    this.#idle.add(c);
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
    const t = this.#time(p);
    const now = this.#idle.tick(t);
    this.#idle.frame = p.frame;
    this.#idle.expireIdle(now);
    const c = this.#live.find(tv);
    if (!c) {
      this.strayIcmp++;
      return;
    }
    const sender: Side = (this.#live.lastDir === 1) === c.clientIsA ? 0 : 1;
    const side = icmpUnreachable(c, p, sender, t, now);
    this.#opts.onSegment?.(c, side, L_ICMP_UNREACH, p.frame, p);
  }

  /**
   * An ended connection (RST, or both FINs acknowledged): leaves a tombstone,
   * lingering from the clock's time `t` ({@link IdleExpiry.tick}).
   */
  #end(c: TcpConn, t: number): void {
    this.#dead.add(c, t, t + TOMBSTONE_LINGER_S);
    this.#handOver(c, c.facts.rstFrame !== 0 ? "reset" : "closed");
  }

  /** Labels a late packet with the ended connection's sequence state (see onLate). */
  #late(p: Packet, tomb: number, fromA: boolean, t: number): void {
    const m = this.#dead.analyzeLate(tomb, fromA, this.#view(p, t), this.#lateA, this.#lateB);
    this.#opts.onLate?.(p.frame, kindLabels(p.flags, p.payloadLen) | m);
  }

  /** The segment view filled from frame `p` at time `t` (not its window scale and extra labels). */
  #view(p: Packet, t: number): SegmentView {
    const v = this.#seg;
    v.frame = p.frame;
    v.t = t;
    // int32 for the analysis (SegmentView): the decoder's uint32 of 2^31 and more are doubles.
    v.seq = p.seq | 0;
    v.ack = p.ack | 0;
    v.flags = p.flags;
    v.window = p.window;
    v.len = p.payloadLen;
    return v;
  }

  /** Takes a connection out of the tables and gives it to `onEnd`. */
  #handOver(c: TcpConn, reason: TcpConn["endReason"]): void {
    this.#live.remove(c);
    this.#idle.remove(c);
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
    if (this.#opts.reuseConnections && !c.kept && this.#pool.length < CONN_POOL_CAP) {
      this.#pool.push(c);
    }
  }
}
