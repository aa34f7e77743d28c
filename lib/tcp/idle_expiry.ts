/**
 * The tracker's limits on open connections, kept apart from its packet
 * handling (lib/tcp/tracker.ts): the two idle lists (half-open and open, in
 * order of idle stamp), the idle sweep at each frame's time, and the caps on
 * open and half-open connections. It decides which connection expires and
 * why; the tracker takes it out of its tables ({@link ExpireFn}).
 *
 * The lists are kept lazily (a packet does not move its connection): a list
 * is ordered by each connection's stamp, the time it was last queued; a head
 * whose stamp is stale but that saw packets since is queued again with its
 * last packet's time (a second chance), so each connection moves at most once
 * per limit, and one idle past its limit is expired at the latest when it has
 * been idle twice the limit.
 * @module
 */
import type { ExpiredBy, TcpConn } from "./conn.ts";
import { IdleList, requeue } from "./tracker_parts.ts";
import {
  HALF_OPEN_TIMEOUT_S,
  IDLE_TIMEOUT_S,
  MAX_HALF_OPEN,
  MAX_OPEN,
  type TrackerLimits,
} from "./tracker_options.ts";

/** Ends a connection as expired by the given limit (the tracker's hand-over). */
export type ExpireFn = (c: TcpConn, by: Exclude<ExpiredBy, "">) => void;

/** The idle lists and the limits; see the module doc. */
export class IdleExpiry {
  /** Connections whose handshake has not completed (list tag 1). */
  readonly halfOpen = new IdleList(1);
  /** Every other open connection (list tag 2). */
  readonly open = new IdleList(2);
  readonly #halfOpenTimeout: number;
  readonly #idleTimeout: number;
  readonly #maxOpen: number;
  readonly #maxHalfOpen: number;
  readonly #expire: ExpireFn;
  /** The frame being handled (set by the tracker): what queues a connection stamps it with. */
  frame = 0;
  /** The latest capture time seen: the idle limits' clock ({@link tick}). */
  #clock = -Infinity;

  constructor(limits: TrackerLimits, expire: ExpireFn) {
    this.#halfOpenTimeout = limits.halfOpenTimeout ?? HALF_OPEN_TIMEOUT_S;
    this.#idleTimeout = limits.idleTimeout ?? IDLE_TIMEOUT_S;
    this.#maxOpen = Math.max(1, limits.maxOpen ?? MAX_OPEN);
    this.#maxHalfOpen = Math.max(1, limits.maxHalfOpen ?? MAX_HALF_OPEN);
    this.#expire = expire;
  }

  /**
   * Moves the clock the idle limits and the tombstones' linger count on to
   * capture time `t` when that is later; returns the clock. Captures whose
   * timestamps go back (merged interfaces, a clock stepped back, a corrupt
   * record) do not make them look back: a connection's idle time is how far
   * the capture has gone since its last packet, a tombstone lingers for as
   * long after its connection's end, and what ends when does not depend on
   * which other connections' packets came by (`--threads` gives each shard
   * only some of them).
   */
  tick(t: number): number {
    if (t > this.#clock) this.#clock = t;
    return this.#clock;
  }

  /** Queues a new connection at time `c.idleStamp` on the list its state calls for. */
  add(c: TcpConn): void {
    c.idleFrame = this.frame;
    if (c.facts.established) this.open.append(c);
    else this.halfOpen.append(c);
  }

  /** A half-open connection completed its handshake at time `t`: it moves to the open list. */
  established(c: TcpConn, t: number): void {
    this.halfOpen.unlink(c);
    c.idleStamp = t;
    c.idleFrame = this.frame;
    this.open.append(c);
  }

  /** Takes a connection off its list (it ended). */
  remove(c: TcpConn): void {
    if (c.idleList === 1) this.halfOpen.unlink(c);
    else if (c.idleList === 2) this.open.unlink(c);
  }

  /** Expires connections idle past their limit at capture time `t`. */
  expireIdle(t: number): void {
    const h = this.halfOpen.head, o = this.open.head;
    if (h !== null && t - h.idleStamp > this.#halfOpenTimeout) {
      this.#sweep(this.halfOpen, t, this.#halfOpenTimeout, "half-open");
    }
    if (o !== null && t - o.idleStamp > this.#idleTimeout) {
      this.#sweep(this.open, t, this.#idleTimeout, "idle");
    }
  }

  /**
   * Keeps the open and half-open counts within their caps before one more
   * connection is added; `live` is how many are open now.
   */
  makeRoom(live: () => number): void {
    if (this.halfOpen.size >= this.#maxHalfOpen) {
      const c = this.#oldest(this.halfOpen);
      if (c !== null) this.#expire(c, "cap");
    }
    while (live() >= this.#maxOpen) {
      const h = this.#oldest(this.halfOpen), o = this.#oldest(this.open);
      const oldest = h === null ? o : o === null ? h : h.lastClock <= o.lastClock ? h : o;
      if (oldest === null) break;
      this.#expire(oldest, "cap");
    }
  }

  #sweep(list: IdleList, t: number, limit: number, by: "half-open" | "idle"): void {
    let c = list.head;
    while (c !== null && t - c.idleStamp > limit) {
      if (t - c.lastClock > limit) this.#expire(c, by);
      else requeue(list, c, this.frame);
      c = list.head;
    }
  }

  /** The connection idle longest in a list (re-queueing the ones that saw packets). */
  #oldest(list: IdleList): TcpConn | null {
    let c = list.head;
    while (c !== null && c.lastClock > c.idleStamp) {
      requeue(list, c, this.frame);
      c = list.head;
    }
    return c;
  }
}
