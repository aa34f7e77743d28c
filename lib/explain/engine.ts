/**
 * The explain engine: decoded packets in, one explained connection out per
 * connection as soon as it ends (streaming, O(open connections) memory).
 * It wires the TCP tracker to the phase tracker and the scenario verdict.
 * @module
 */
import { addrString } from "../decode/mod.ts";
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "../tcp/conn.ts";
import { TcpTracker } from "../tcp/tracker.ts";
import { trackPhase } from "./phases.ts";
import { type Verdict, verdict } from "./scenarios.ts";
import { observe, type RawView, WireFacts } from "./wire.ts";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import { L_ANY_RETRANS, L_KEEPALIVE } from "../tcp/labels.ts";
import { TimingHook } from "./timing_hook.ts";
import type { Timing } from "./timing.ts";

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
   * connections nearly allocation-free. Default false.
   */
  reuse?: boolean;
  filter?: ConnFilter;
  /** Receives each connection when it ends (or at {@link Explainer.finish}). */
  onConnection(e: Explained): void;
  /** Receives the id of each connection the filter left out, when it ends. */
  onFiltered?(id: number): void;
}

/**
 * Whether a connection passes the filter.
 *
 * @example
 * ```ts
 * import type { Side, TcpConn } from "../tcp/conn.ts";
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
 * The wire facts of a connection whose only segment so far is a pure SYN: the
 * segment's fields (about 100 bytes instead of 600), replayed into a
 * WireFacts when a second segment comes or the connection ends. A SYN
 * flood's half-open connections stay like this until they expire.
 */
class WireSyn implements RawView {
  readonly payloadLen = 0;
  readonly icmpType = -1;
  readonly icmpCode = -1;
  readonly quotedIpVersion = 0;
  captureEnd = -1;
  constructor(
    readonly side: Side,
    readonly labels: number,
    readonly frame: number,
    readonly flags: number,
    readonly seq: number,
    readonly ack: number,
    readonly t: number,
  ) {}
}

/** Whether a connection's first segment can wait as a {@link WireSyn}. */
function pureSyn(p: Packet, labels: number): boolean {
  return p.kind === "tcp" && (p.flags & (TCP_SYN | TCP_ACK | TCP_FIN | TCP_RST)) === TCP_SYN &&
    p.payloadLen === 0 && (labels & (L_ANY_RETRANS | L_KEEPALIVE)) === 0;
}

/** Streams packets through tracking, wire evidence, phases and verdicts. */
export class Explainer {
  readonly tracker: TcpTracker;
  /** Connections seen (before filtering). */
  connections = 0;
  /** Wire evidence of each open connection (wire.ts). */
  #wire = new Map<TcpConn, WireFacts | WireSyn>();
  /** Where a first SYN is observed for the phases (its facts are kept as a WireSyn). */
  #scratch = new WireFacts();
  /** The last connection looked up and its wire facts (consecutive segments share one). */
  #lastConn: TcpConn | null = null;
  #lastWire: WireFacts | null = null;
  /** Wire records free for reuse (only when the consumer keeps nothing: `transient`). */
  #spare: WireFacts[] = [];
  /** The packet being applied (the tracker's hook reads its raw fields). */
  #pkt: Packet | null = null;
  #t0Sec = -1;
  #t0Nsec = 0;
  #lastT = 0;

  readonly #timing: TimingHook;

  constructor(opts: ExplainerOptions) {
    const phases = opts.detail !== "table";
    const transient = opts.reuse ?? false;
    const timing = this.#timing = new TimingHook(opts.detail !== "table", transient);
    this.tracker = new TcpTracker({
      keepDetail: opts.detail === "full",
      keepIntervals: opts.detail !== "table",
      keepStates: opts.detail !== "table",
      reuseConnections: transient,
      addrString,
      onSegment: (conn, side, labels, frame) => {
        const p = this.#pkt!;
        let w: WireFacts;
        if (this.#lastConn !== conn && !this.#wire.has(conn) && pureSyn(p, labels)) {
          // The first segment, a pure SYN: observed on scratch (for the phases), kept as numbers.
          w = this.#scratch;
          w.reset();
          this.#wire.set(
            conn,
            new WireSyn(side, labels, frame, p.flags, p.seq, p.ack, conn.facts.lastTime),
          );
        } else w = this.#wireOf(conn);
        observe(w, conn, side, labels, frame, p);
        if (phases) trackPhase(conn, side, labels, frame, w);
        timing.onSegment(conn, side, labels, frame);
      },
      onEnd: (conn) => {
        this.connections++;
        const k = this.#wire.get(conn);
        const w = k instanceof WireSyn ? this.#replay(conn, k) : k ?? new WireFacts();
        this.#wire.delete(conn);
        if (this.#lastConn === conn) this.#lastConn = this.#lastWire = null;
        const t = timing.end(conn);
        if (matches(conn, opts.filter)) {
          opts.onConnection({ conn, verdict: verdict(conn, w), timing: t });
        } else opts.onFiltered?.(conn.id);
        timing.release(t);
        if (transient && this.#spare.length < 256) this.#spare.push(w);
      },
    });
  }

  /** A WireFacts (from the spare ones when there are) with a first SYN applied. */
  #replay(conn: TcpConn, s: WireSyn): WireFacts {
    const w = this.#newWire();
    observe(w, conn, s.side, s.labels, s.frame, s);
    // observe took the time from the connection: the SYN's own.
    w.prevT = w.side[s.side].lastT = s.t;
    w.captureEnd = s.captureEnd;
    return w;
  }

  #newWire(): WireFacts {
    const w = this.#spare.pop();
    if (w === undefined) return new WireFacts();
    w.reset();
    return w;
  }

  #wireOf(conn: TcpConn): WireFacts {
    if (this.#lastConn === conn) return this.#lastWire!;
    const k = this.#wire.get(conn);
    let w: WireFacts;
    if (k instanceof WireFacts) w = k;
    else {
      w = k === undefined ? this.#newWire() : this.#replay(conn, k);
      this.#wire.set(conn, w);
    }
    this.#lastConn = conn;
    this.#lastWire = w;
    return w;
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
    this.#lastT = (p.tsSec - this.#t0Sec) + (p.tsNsec - this.#t0Nsec) * 1e-9;
    this.#pkt = p;
    this.#timing.packet = p;
    this.tracker.push(p);
    this.#pkt = null;
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
    for (const [c, w] of this.#wire) if (c.facts.lastTime < before) w.captureEnd = now;
    return this.tracker.endIdle(before);
  }

  /** Reports every connection still open (they saw the capture's end: sentences may say so). */
  finish(): void {
    for (const w of this.#wire.values()) w.captureEnd = this.#lastT;
    this.tracker.finish();
  }
}
