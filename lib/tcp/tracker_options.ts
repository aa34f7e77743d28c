/**
 * The TCP tracker's limits, options and unassigned-frame reasons
 * (re-exported by lib/tcp/tracker.ts).
 * @module
 */
import type { Packet } from "../decode/types.ts";
import type { Side, TcpConn } from "./conn.ts";

/** How long (capture seconds) an ended connection's tombstone absorbs late packets. */
export const TOMBSTONE_LINGER_S = 30;
/** Most tombstones kept; the oldest go first (keeps memory flat). */
export const TOMBSTONE_CAP = 8192;
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
/**
 * Default most half-open connections (the oldest idle half-open is expired
 * beyond it). Half-open connections are the memory of a SYN flood: each is a
 * full record (about 3 KB with full detail) that lives until the cap pushes
 * it out. 8,192 is twice Linux's usual per-listener SYN backlog
 * (`tcp_max_syn_backlog`, 128 to a few thousand by memory), and at 10 ms
 * per handshake it is 800,000 new connections a second seen at one capture
 * point; a half-open connection pushed out is reported as expired, never
 * dropped. It was 16,384 until the 1 M-SYN flood measured 290-377 MiB of
 * peak RSS in some formats (docs/reliability.md); `--max-half-open` sets it.
 */
export const MAX_HALF_OPEN = 8192;

/**
 * The tracker's limits a caller may set (explain's --max-open, --max-half-open,
 * --half-open-timeout and --idle-timeout); absent ones take their defaults.
 */
export type TrackerLimits = Pick<
  TrackerOptions,
  "halfOpenTimeout" | "idleTimeout" | "maxOpen" | "maxHalfOpen"
>;

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
  /**
   * Called after each segment or ICMP error is applied (phases use it);
   * `packet` is the decoded packet (reused: valid only during the call).
   */
  onSegment?(conn: TcpConn, side: Side, labels: number, frame: number, packet: Packet): void;
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
