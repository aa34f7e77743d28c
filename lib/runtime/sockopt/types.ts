/**
 * The socket-option layer: SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL,
 * TCP_KEEPCNT and TCP_INFO on a connected TCP socket, through libc
 * `setsockopt`/`getsockopt` by FFI (Deno.dlopen or bun:ffi). Neither runtime's
 * socket API sets the keepalive interval and count, so this is the only way to
 * get the book's §7.5 behaviour with small, testable values.
 * @module
 */

/** One end of a TCP connection, as the runtime reports it. */
export interface Endpoint {
  /** Numeric address: "198.18.0.1", "::1" (an IPv4-mapped "::ffff:a.b.c.d" matches "a.b.c.d"). */
  address: string;
  /** Port number. */
  port: number;
}

/** Keepalive settings, in the units of the socket options (seconds, probes). */
export interface KeepaliveSettings {
  /** TCP_KEEPIDLE: idle seconds before the first probe (Linux: 1..32767). */
  idle: number;
  /** TCP_KEEPINTVL: seconds between unanswered probes (Linux: 1..32767). */
  interval: number;
  /** TCP_KEEPCNT: unanswered probes before the connection is dropped (Linux: 1..127). */
  count: number;
}

/** What the socket says its keepalive options are (read back with getsockopt). */
export interface KeepaliveReadback extends KeepaliveSettings {
  /** SO_KEEPALIVE. */
  enabled: boolean;
}

/** The subset of Linux `struct tcp_info` tcpecho reads. */
export interface TcpInfo {
  /** Kernel TCP state number (1 = ESTABLISHED … see {@link TCP_STATES}). */
  state: number;
  /** Its name ("ESTABLISHED"). */
  stateName: string;
  /** tcpi_probes: keepalive (or zero-window) probes sent and not yet answered. */
  probes: number;
  /** tcpi_retransmits: consecutive unanswered retransmissions. */
  retransmits: number;
  /** tcpi_rtt in microseconds (smoothed). */
  rttUs: number;
  /** Milliseconds since data was last sent. */
  lastDataSentMs: number;
  /** Milliseconds since data was last received. */
  lastDataRecvMs: number;
  /** Milliseconds since an ACK was last received (a keepalive answer resets it). */
  lastAckRecvMs: number;
}

/** Linux TCP state names by the kernel's number (include/net/tcp_states.h). */
export const TCP_STATES: readonly string[] = [
  "UNKNOWN",
  "ESTABLISHED",
  "SYN-SENT",
  "SYN-RECV",
  "FIN-WAIT-1",
  "FIN-WAIT-2",
  "TIME-WAIT",
  "CLOSED",
  "CLOSE-WAIT",
  "LAST-ACK",
  "LISTEN",
  "CLOSING",
];

/** Socket options on one open socket, through libc. */
export interface Sockopt {
  /** How options are applied: "libc setsockopt via Deno.dlopen" or "… via bun:ffi". */
  readonly mechanism: string;
  /**
   * The file descriptor of the connected socket with these two ends: `hint`
   * if given and it matches (getsockname/getpeername), else found by scanning
   * the process's descriptors. Undefined when no descriptor matches.
   */
  findFd(local: Endpoint, remote: Endpoint, hint?: number): number | undefined;
  /**
   * Switches SO_KEEPALIVE on and sets TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT,
   * then reads all four back. Throws a TcpechoError naming the option, the
   * value and the errno when the kernel refuses one.
   */
  setKeepalive(fd: number, settings: KeepaliveSettings): KeepaliveReadback;
  /** Reads SO_KEEPALIVE and the three TCP keepalive options. */
  getKeepalive(fd: number): KeepaliveReadback;
  /**
   * SO_RCVBUF: caps the kernel's receive buffer (and so the window the peer may
   * fill, and the most one read can return). False when the kernel refused it.
   */
  setReceiveBuffer(fd: number, bytes: number): boolean;
  /**
   * SO_RCVBUF ("receive") or SO_SNDBUF ("send") to `bytes`, then read back:
   * returns what the kernel keeps (Linux doubles the value for its bookkeeping
   * and clamps it to net.core.rmem_max / wmem_max). Throws a TcpechoError
   * naming the option and the errno when the kernel refuses it.
   */
  setBuffer(fd: number, which: "receive" | "send", bytes: number): number;
  /** TCP_INFO, or undefined when the kernel refuses it (e.g. the socket is gone). */
  tcpInfo(fd: number): TcpInfo | undefined;
}

/** Why socket options cannot be set in this process. */
export interface SockoptUnavailable {
  /** One sentence: what was tried and why it failed, with what to do. */
  reason: string;
}
