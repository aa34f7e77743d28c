/**
 * The vocabulary of `tcpecho probe`: what one connect probe can end in, and
 * the connector the probe loop calls (bound to a runtime by cmd/probe.ts).
 * @module
 */

/** How one connect attempt ended, in the book's words. */
export type ProbeOutcome =
  /** SYN, SYN-ACK, ACK: the three-way handshake completed. */
  | "connected"
  /** The peer's kernel answered the SYN with RST (no listener): ECONNREFUSED. */
  | "refused"
  /** Nothing came back before the deadline (SYNs dropped): ETIMEDOUT. */
  | "timeout"
  /** An ICMP destination-unreachable came back: EHOSTUNREACH / ENETUNREACH. */
  | "unreachable"
  /** Anything else (EADDRNOTAVAIL, ENETDOWN, …): the errno says what. */
  | "error";

/** Where a probe goes: one resolved address. */
export interface ProbeTarget {
  /** The name the user gave ("localhost"). */
  host: string;
  /** One numeric address it resolved to. */
  address: string;
  /** 4 or 6. */
  family: 4 | 6;
  /** TCP port. */
  port: number;
}

/** What a connector reports for one attempt (timing is done by the caller). */
export type ConnectAttempt =
  | {
    outcome: "connected";
    local?: { address: string; port: number };
    /** Handshake time measured next to the socket, when the connector has it. */
    ms?: number;
    close(): Promise<void>;
  }
  | { outcome: Exclude<ProbeOutcome, "connected">; errno: string; message?: string; ms?: number };

/**
 * Opens one TCP connection to `target` within `timeoutMs`. Never throws for
 * network failures: they are outcomes. A connected attempt is closed by the
 * caller (after the clock stopped) with `close()`, a normal FIN close.
 */
export type Connector = (target: ProbeTarget, timeoutMs: number) => Promise<ConnectAttempt>;

/** One probe's result. */
export interface ProbeResult {
  /** 1-based probe number (per address). */
  seq: number;
  /** Target host name as given. */
  host: string;
  /** Numeric address probed. */
  address: string;
  /** Port probed. */
  port: number;
  /** How it ended. */
  outcome: ProbeOutcome;
  /** errno name for failures ("ECONNREFUSED"); undefined when connected. */
  errno?: string;
  /** Milliseconds from connect() to the outcome (monotonic clock). */
  ms: number;
  /** Wall-clock time the probe started (for --timestamps). */
  time: Date;
  /** Local port used (connected probes). */
  localPort?: number;
}
