/**
 * The explain engine: decoded packets in, one explained connection out per
 * connection as soon as it ends (streaming, O(open connections) memory).
 * It wires the TCP tracker to the phase tracker and the scenario verdict.
 * @module
 */
import { addrString, newPacket } from "../decode/mod.ts";
import { type Packet, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import { L_ANY_RETRANS, L_KEEPALIVE } from "../tcp/labels.ts";
import { TcpTracker, type TrackerLimits } from "../tcp/tracker.ts";
import { trackPhase } from "./phases.ts";
import { type Verdict, verdict } from "./scenarios.ts";
import { observe, WireFacts } from "./wire.ts";
import { Timing, timingEnd, timingFirstSyn, timingSegment, windowBytes } from "./timing.ts";
import { ipId } from "./timing_state.ts";

/** A finished connection with its verdict. */
export interface Explained {
  conn: TcpConn;
  verdict: Verdict;
  /** Where the connection's time went (timing.ts); absent when not computed. */
  timing?: Timing;
}

/** Which connections to report (all given criteria must hold). */
export interface ConnFilter {
  /** Only connection N. */
  id?: number;
  /** Only connections with this port on either side. */
  port?: number;
  /** Only connections with this address on either side. */
  host?: string;
}

/**
 * How much each connection carries; see {@link ExplainOptions} in
 * pipeline.ts: `"full"` (segments, states), `"verdict"` (no segments or
 * states), `"table"` (only what the summary table shows).
 */
export type Detail = "table" | "verdict" | "full";

/** Options of {@link Explainer}. */
export interface ExplainerOptions {
  /** How much each connection carries. */
  detail: Detail;
  /**
   * `onConnection` keeps nothing of what it receives once it returns (it
   * writes a row or a line and forgets the connection): records are then
   * reused for later connections, which keeps a capture of millions of short
   * connections nearly allocation-free. Default false. A consumer that keeps
   * one connection after all (a long one it writes later, in pieces) returns
   * true from `onConnection`: that record is then not reused.
   */
  reuse?: boolean;
  filter?: ConnFilter;
  /** The tracker's limits (lib/tcp/tracker_options.ts; defaults where absent). */
  limits?: TrackerLimits;
  /**
   * Receives each connection when it ends (or at {@link Explainer.finish});
   * returns `true` (exactly) when it keeps the connection although `reuse`
   * is set. Any other return value (a callback that returns what `push`
   * returns) means nothing.
   */
  onConnection(e: Explained): unknown;
  /** Receives the id of each connection the filter left out, when it ends. */
  onFiltered?(id: number): void;
}

/**
 * Whether a connection passes the filter.
 *
 * @example
 * ```ts
 * import type { TcpConn } from "../tcp/conn.ts";
 * declare const conn: TcpConn; // a tracked connection
 * matches(conn, { port: 9877 }); // true when either end uses port 9877
 * ```
 */
export function matches(c: TcpConn, f: ConnFilter | undefined): boolean {
  if (!f) return true;
  if (f.id !== undefined && c.id !== f.id) return false;
  if (f.port !== undefined && c.aPort !== f.port && c.bPort !== f.port) return false;
  if (f.host !== undefined) {
    const h = f.host.toLowerCase();
    if (c.aAddr.toLowerCase() !== h && c.bAddr.toLowerCase() !== h) return false;
  }
  return true;
}

/**
 * What the engine keeps per open connection, attached to it
 * ({@link TcpConn.ext}): its wire evidence and its time attribution.
 */
class ConnState {
  readonly wire = new WireFacts();
  readonly timing: Timing;
  constructor(full: boolean) {
    this.timing = new Timing(full);
  }
}

/**
 * A connection whose only segment so far is a pure SYN: that segment's fields
 * (about 100 bytes instead of a ConnState's 3 KB), replayed into a ConnState
 * when a second segment comes or the connection ends. A SYN flood's
 * half-open connections stay like this until they expire.
 */
class FirstSyn {
  /** Set when the capture's end (or an idle limit) is reached first (WireFacts.captureEnd). */
  captureEnd = -1;
  side: Side = 0;
  labels = 0;
  frame = 0;
  flags = 0;
  seq = 0;
  ack = 0;
  /** The connection's time at the SYN (TcpConn facts.lastTime). */
  t = 0;
  /** The SYN's window field, and in bytes. */
  window = 0;
  win = 0;
  /** The SYN's IPv4 identification (-1: IPv6), for telling a captured copy from a resend. */
  ipId = -1;
  /** The SYN's MSS option (-1 none). */
  mss = -1;

  /** Fills the record (a new or a pooled one) from a pure SYN. */
  set(side: Side, labels: number, p: Packet, t: number, win: number): this {
    this.captureEnd = -1;
    this.side = side;
    this.labels = labels;
    this.frame = p.frame;
    this.flags = p.flags;
    this.seq = p.seq;
    this.ack = p.ack;
    this.window = p.window;
    this.t = t;
    this.win = win;
    this.ipId = ipId(p);
    this.mss = p.mss;
    return this;
  }
}

/** Most replayed first-SYN records kept for reuse. */
const SYN_POOL_CAP = 256;

/** Whether a connection's first segment can wait as a {@link FirstSyn}. */
function pureSyn(p: Packet, labels: number): boolean {
  return p.kind === "tcp" && (p.flags & (TCP_SYN | TCP_ACK | TCP_FIN | TCP_RST)) === TCP_SYN &&
    p.payloadLen === 0 && (labels & (L_ANY_RETRANS | L_KEEPALIVE)) === 0;
}

/** Most ended records kept for reuse (only when the consumer keeps nothing). */
const SPARE_CAP = 256;

/** Streams packets through tracking, wire evidence, phases and verdicts. */
export class Explainer {
  readonly tracker: TcpTracker;
  /** Connections seen (before filtering). */
  connections = 0;
  /** Ended records free for reuse (only when the consumer keeps nothing: `reuse`). */
  #spare: ConnState[] = [];
  /** First-SYN records free for reuse (replayed into a ConnState). */
  #synPool: FirstSyn[] = [];
  /** Where a first SYN is observed for the phases (its facts wait as a FirstSyn). */
  #scratch = new WireFacts();
  /**
   * The packet a FirstSyn is replayed as: the wire facts and the time
   * attribution then see one kind of object, the decoder's Packet, at every
   * call (a second kind made their property reads polymorphic).
   */
  readonly #replay = newPacket();
  #t0Sec = -1;
  #t0Nsec = 0;
  /** The last frame's timestamp (its capture time is worked out only at the end). */
  #lastSec = 0;
  #lastNsec = 0;
  /** Keep the timeline and RTT samples (not needed by the summary table). */
  readonly #full: boolean;

  constructor(opts: ExplainerOptions) {
    const phases = opts.detail !== "table";
    const transient = opts.reuse ?? false;
    const full = this.#full = opts.detail !== "table";
    this.tracker = new TcpTracker({
      ...opts.limits,
      keepDetail: opts.detail === "full",
      keepIntervals: opts.detail !== "table",
      keepStates: opts.detail !== "table",
      reuseConnections: transient,
      addrString,
      onSegment: (conn, side, labels, frame, p) => {
        const e = conn.ext as ConnState | FirstSyn | null;
        if (e === null && pureSyn(p, labels)) {
          // The first segment, a pure SYN: observed on scratch for the phases (the
          // summary table has none), kept as numbers.
          if (phases) {
            const w = this.#scratch;
            w.reset();
            observe(w, conn, side, labels, frame, p);
            trackPhase(conn, side, labels, frame, w);
          }
          conn.ext = (this.#synPool.pop() ?? new FirstSyn()).set(
            side,
            labels,
            p,
            conn.facts.lastTime,
            windowBytes(conn, side),
          );
          return;
        }
        const s = e instanceof ConnState ? e : this.#attach(conn, e);
        observe(s.wire, conn, side, labels, frame, p);
        if (phases) trackPhase(conn, side, labels, frame, s.wire);
        timingSegment(s.timing, conn, side, labels, p);
      },
      onEnd: (conn) => {
        this.connections++;
        const e = conn.ext as ConnState | FirstSyn | null;
        const s = e instanceof ConnState
          ? e
          : e === null
          ? new ConnState(full)
          : this.#attach(conn, e);
        conn.ext = null;
        const t = s.timing;
        timingEnd(t, conn);
        let kept = false;
        if (matches(conn, opts.filter)) {
          kept = opts.onConnection({ conn, verdict: verdict(conn, s.wire), timing: t }) === true;
        } else opts.onFiltered?.(conn.id);
        if (kept) conn.kept = true;
        else if (transient && this.#spare.length < SPARE_CAP) this.#spare.push(s);
      },
    });
  }

  /**
   * A connection's record (a spare one reset, or a new one), with the first
   * SYN replayed into it when that is all the connection had so far.
   */
  #attach(conn: TcpConn, syn: FirstSyn | null): ConnState {
    let s = this.#spare.pop();
    if (s === undefined) s = new ConnState(this.#full);
    else {
      s.wire.reset();
      s.timing.reset(this.#full);
    }
    if (syn !== null) {
      const w = s.wire;
      const p = this.#replay;
      p.kind = "tcp";
      p.frame = syn.frame;
      p.flags = syn.flags;
      p.seq = syn.seq;
      p.ack = syn.ack;
      p.window = syn.window;
      p.payloadLen = 0;
      observe(w, conn, syn.side, syn.labels, syn.frame, p);
      // observe took the time from the connection: the SYN's own.
      w.prevT = w.side[syn.side].lastT = syn.t;
      w.captureEnd = syn.captureEnd;
      timingFirstSyn(s.timing, conn, syn.side, syn.labels, p, syn.t, syn.win);
      s.timing.side[syn.side].nxtIpId = syn.ipId;
      if (syn.mss > 0) s.timing.side[syn.side].mss = syn.mss;
      if (this.#synPool.length < SYN_POOL_CAP) this.#synPool.push(syn);
    }
    conn.ext = s;
    return s;
  }

  /**
   * Feeds one decoded frame (every frame of the file, in order).
   *
   * @example
   * ```ts
   * import { addrString, decodeFrame, newPacket } from "../decode/mod.ts";
   * import { readCapture } from "../capture/mod.ts";
   * import type { ByteSource } from "../capture/mod.ts";
   * declare const src: ByteSource; // a capture file
   * const out: Explained[] = [];
   * const ex = new Explainer({ detail: "full", onConnection: (e) => out.push(e) });
   * const pkt = newPacket();
   * await readCapture(src, (frame) => ex.push(decodeFrame(frame, pkt)));
   * ex.finish(); // out: every connection, with its verdict
   * ```
   */
  push(p: Packet): void {
    if (this.#t0Sec < 0) {
      this.#t0Sec = p.tsSec;
      this.#t0Nsec = p.tsNsec;
    }
    this.#lastSec = p.tsSec;
    this.#lastNsec = p.tsNsec;
    this.tracker.push(p);
  }

  /**
   * A frame this engine is not given went by (another shard's, shard.ts):
   * sets time zero on the first call, moves the capture's last time, and with
   * `expire` applies the idle limits as a TCP frame at that time would
   * (`frame`: that frame's number; a connection the limits queue again is stamped with it).
   */
  advance(tsSec: number, tsNsec: number, expire: boolean, frame = 0): void {
    if (this.#t0Sec < 0) {
      this.#t0Sec = tsSec;
      this.#t0Nsec = tsNsec;
    }
    this.#lastSec = tsSec;
    this.#lastNsec = tsNsec;
    this.tracker.advance(tsSec, tsNsec, expire, frame);
  }

  /**
   * Reports (as still open) every connection that saw no packet for `idleS`
   * seconds before `nowSec` (wall-clock seconds since the epoch, the capture's
   * timestamps): a live capture. Returns how many were reported.
   */
  endIdle(nowSec: number, idleS: number): number {
    if (this.#t0Sec < 0) return 0;
    const now = nowSec - this.#t0Sec - this.#t0Nsec * 1e-9;
    const before = now - idleS;
    for (const c of this.tracker.openValues()) {
      if (c.facts.lastTime < before) setCaptureEnd(c, now);
    }
    return this.tracker.endIdle(before);
  }

  /** Reports every connection still open (they saw the capture's end: sentences may say so). */
  finish(): void {
    const lastT = (this.#lastSec - this.#t0Sec) + (this.#lastNsec - this.#t0Nsec) * 1e-9;
    for (const c of this.tracker.openValues()) {
      setCaptureEnd(c, lastT);
    }
    this.tracker.finish();
  }
}

/** Marks an open connection as having reached the capture's end (or an idle limit) at `t`. */
function setCaptureEnd(c: TcpConn, t: number): void {
  const e = c.ext as ConnState | FirstSyn | null;
  if (e instanceof ConnState) e.wire.captureEnd = t;
  else if (e !== null) e.captureEnd = t;
}
