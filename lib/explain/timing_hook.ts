/**
 * Feeds {@link timingSegment} from the tracker's per-segment hook: keeps one
 * {@link Timing} per open connection and hands it over when the connection
 * ends. The tracker's hook passes no packet fields, so the explainer stores
 * the packet being pushed in {@link TimingHook.packet} first (the hook runs
 * synchronously inside that push).
 * @module
 */
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import { L_ANY_RETRANS, L_KEEPALIVE } from "../tcp/labels.ts";
import { Timing, timingEnd, timingFirstSyn, timingSegment, windowBytes } from "./timing.ts";

/**
 * A connection whose only segment so far is a pure SYN: the fields its
 * Timing needs, about 80 bytes instead of a Timing's 2 KB. A SYN flood's
 * half-open connections stay like this until they expire.
 */
class FirstSyn {
  constructor(
    readonly side: Side,
    readonly labels: number,
    readonly frame: number,
    readonly flags: number,
    readonly seq: number,
    readonly now: number,
    readonly win: number,
  ) {}
  readonly kind = "tcp";
  readonly ack = 0;
  readonly payloadLen = 0;
}

/** Whether a first segment can wait as a {@link FirstSyn}. */
function pureSyn(p: Packet, labels: number): boolean {
  return p.kind === "tcp" && (p.flags & (TCP_SYN | TCP_ACK | TCP_FIN | TCP_RST)) === TCP_SYN &&
    p.payloadLen === 0 && (labels & (L_ANY_RETRANS | L_KEEPALIVE)) === 0;
}

const SLOTS = 4096;
const SLOT_MASK = SLOTS - 1;
/** Most ended Timing records kept for reuse. */
const POOL_CAP = 256;

/** One Timing per open connection. */
export class TimingHook {
  /** The packet the tracker is reading (set by the explainer before each push). */
  packet: Packet | null = null;
  /**
   * Open connections' records by id: a slot array first (id & SLOT_MASK;
   * connections open at the same time rarely share a slot), a Map for the rest.
   */
  #slots: (Timing | FirstSyn | null)[] = new Array(SLOTS).fill(null);
  #slotConn: (TcpConn | null)[] = new Array(SLOTS).fill(null);
  #open = new Map<TcpConn, Timing | FirstSyn>();
  #lastConn: TcpConn | null = null;
  #lastTiming: Timing | FirstSyn | null = null;
  #full: boolean;
  #reuse: boolean;
  #pool: Timing[] = [];

  /**
   * `full`: keep the timeline and RTT samples (not needed by the summary
   * table); `reuse`: records are recycled once the consumer returns.
   */
  constructor(full: boolean, reuse: boolean) {
    this.#full = full;
    this.#reuse = reuse;
  }

  /** The tracker's per-segment hook. */
  onSegment = (c: TcpConn, side: Side, labels: number, _frame: number): void => {
    const p = this.packet;
    if (p === null) return;
    let t: Timing | FirstSyn | undefined;
    if (c === this.#lastConn) t = this.#lastTiming!;
    else {
      const i = c.id & SLOT_MASK;
      if (this.#slotConn[i] === c) t = this.#slots[i]!;
      else {
        t = this.#open.get(c);
        if (t === undefined) {
          // A first pure SYN waits as a few numbers (see FirstSyn).
          t = pureSyn(p, labels)
            ? new FirstSyn(
              side,
              labels,
              p.frame,
              p.flags,
              p.seq,
              c.facts.lastTime,
              windowBytes(c, side),
            )
            : this.#fresh();
          if (this.#slotConn[i] === null) {
            this.#slotConn[i] = c;
            this.#slots[i] = t;
          } else this.#open.set(c, t);
          this.#lastConn = c;
          this.#lastTiming = t;
          if (t instanceof FirstSyn) return;
        }
      }
      this.#lastConn = c;
      this.#lastTiming = t;
    }
    if (t instanceof FirstSyn) t = this.#promote(c, t);
    timingSegment(t, c, side, labels, p);
  };

  #fresh(): Timing {
    const t = this.#pool.pop() ?? new Timing(this.#full);
    if (t.full !== this.#full || t.firstTime >= 0) t.reset(this.#full);
    return t;
  }

  /** A Timing for `c` with its first SYN applied, in place of the FirstSyn. */
  #promote(c: TcpConn, s: FirstSyn): Timing {
    const t = this.#fresh();
    timingFirstSyn(t, c, s.side, s.labels, s, s.now, s.win);
    const i = c.id & SLOT_MASK;
    if (this.#slotConn[i] === c) this.#slots[i] = t;
    else this.#open.set(c, t);
    if (this.#lastConn === c) this.#lastTiming = t;
    return t;
  }

  /** The connection's Timing, closed (a fresh empty one when it had no segment). */
  end(c: TcpConn): Timing {
    const i = c.id & SLOT_MASK;
    let t: Timing | FirstSyn | undefined;
    if (this.#slotConn[i] === c) {
      t = this.#slots[i]!;
      this.#slotConn[i] = null;
      this.#slots[i] = null;
    } else {
      t = this.#open.get(c);
      if (t === undefined) t = new Timing(this.#full);
      else this.#open.delete(c);
    }
    if (this.#lastConn === c) {
      this.#lastConn = null;
      this.#lastTiming = null;
    }
    if (t instanceof FirstSyn) {
      const s = t;
      t = this.#fresh();
      timingFirstSyn(t, c, s.side, s.labels, s, s.now, s.win);
    }
    timingEnd(t, c);
    return t;
  }

  /** The consumer is done with `t` (recycled only when records are reused). */
  release(t: Timing): void {
    if (this.#reuse && this.#pool.length < POOL_CAP) {
      t.reset(this.#full);
      this.#pool.push(t);
    }
  }
}
