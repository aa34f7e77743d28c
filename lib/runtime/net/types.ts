/**
 * The socket layer's interface: TCP listen/accept/connect, half-close, abortive
 * close, keepalive, TCP_NODELAY, and one error vocabulary for both runtimes.
 *
 * Reads are pull-based and return a view into a buffer the connection owns
 * (valid until the next `read`), so an echo loop is a plain read/write loop
 * with no copies and natural back-pressure: while a `write` is pending the loop
 * does not read, so the peer's window closes instead of server memory growing.
 *
 * Every failure is a {@link NetError} whose `code` is the same on Deno and Bun
 * for the same kernel event (see errors.ts for the corrections applied).
 *
 * @example
 * ```ts
 * import { getNet } from "./mod.ts";
 * const net = await getNet();
 * const conn = await net.connect({ host: "127.0.0.1", port: 9877, timeoutMs: 2000 });
 * await conn.write(new TextEncoder().encode("hello\n"));
 * const echo = await conn.read(); // Uint8Array view, or null on the peer's FIN
 * conn.close();
 * ```
 * @module
 */

/** The normalised error codes (errno names); EOTHER carries the runtime's own code in `detail`. */
export type NetErrorCode =
  | "ECONNREFUSED"
  | "ECONNRESET"
  | "ETIMEDOUT"
  | "EHOSTUNREACH"
  | "ENETUNREACH"
  | "EPIPE"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "EACCES"
  | "ENOTFOUND"
  | "EMFILE"
  | "ENFILE"
  | "ECLOSED"
  | "EOTHER";

/** Which operation failed. */
export type NetOp = "connect" | "listen" | "read" | "write" | "resolve";

/**
 * A socket failure with a normalised errno name.
 *
 * @example
 * ```ts
 * import { getNet } from "./mod.ts";
 * const net = await getNet();
 * try { await net.connect({ host: "127.0.0.1", port: 1 }); }
 * catch (e) { if (e instanceof NetError && e.code === "ECONNREFUSED") console.log("refused"); }
 * ```
 */
export class NetError extends Error {
  /** Normalised errno name. */
  readonly code: NetErrorCode;
  /** The operation that failed. */
  readonly op: NetOp;
  /** The runtime's own error code or name, before normalisation (for debugging). */
  readonly detail: string;
  /** Milliseconds from the start of the operation to the failure (connect only, else 0). */
  readonly elapsedMs: number;

  constructor(
    code: NetErrorCode,
    op: NetOp,
    message: string,
    opts: { detail?: string; elapsedMs?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "NetError";
    this.code = code;
    this.op = op;
    this.detail = opts.detail ?? code;
    this.elapsedMs = opts.elapsedMs ?? 0;
  }
}

/** A socket address; IPv4-mapped IPv6 addresses are shown as IPv4. */
export interface Addr {
  /** Numeric address, e.g. "127.0.0.1" or "::1". */
  host: string;
  port: number;
  family: 4 | 6;
}

/** One TCP connection. */
export interface Conn {
  /** This end's address. */
  readonly local: Addr;
  /** The peer's address. */
  readonly remote: Addr;
  /**
   * Reads the next bytes. Resolves to a view valid until the next `read`, or
   * null when the peer sent FIN. Rejects with NetError ECONNRESET on the peer's RST,
   * ECLOSED after this side closed.
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Writes all bytes; resolves when the kernel has accepted them (so the caller
   * may reuse the buffer). Rejects with NetError EPIPE when the connection was reset
   * or closed (normalised: Deno's first write after RST says ConnectionReset).
   */
  write(data: Uint8Array): Promise<void>;
  /** Half-close: shutdown(SHUT_WR), sends FIN; reading continues (UNP §6.6). */
  closeWrite(): Promise<void>;
  /** Full close: FIN (RST only if unread data remains, as the kernel does). Idempotent. */
  close(): void;
  /**
   * Abortive close: RST (SO_LINGER 0, UNP §7.5). Throws NetError EOTHER if this
   * connection cannot do it (a Deno native connection; see ListenOptions.abortive).
   */
  reset(): void;
  /** TCP_NODELAY on or off (both runtimes default it ON here). */
  setNoDelay(on: boolean): void;
  /** SO_KEEPALIVE on or off (kernel's idle/interval/count). */
  setKeepAlive(on: boolean): void;
  /** Whether {@link reset} sends RST on this connection. */
  readonly canReset: boolean;
}

/** Options for {@link NetApi.connect}. */
export interface ConnectOptions {
  /** Host name or numeric address. */
  host: string;
  port: number;
  /** Give up after this many ms with ETIMEDOUT (default: the kernel's SYN retries decide). */
  timeoutMs?: number;
  /** TCP_NODELAY (default true on both runtimes). */
  noDelay?: boolean;
  /** Bytes per read buffer, maximum (default 65536). */
  bufferSize?: number;
}

/** Options for {@link NetApi.listen}. */
export interface ListenOptions {
  /** Address to bind; "::" is dual-stack (IPv4 too, where the OS allows). */
  host: string;
  /** Port; 0 picks an ephemeral port. */
  port: number;
  /** Accepted connections must support RST (`reset()`); on Deno this uses node:net. */
  abortive?: boolean;
  /** TCP_NODELAY on accepted connections (default true). */
  noDelay?: boolean;
  /** Maximum bytes buffered per connection before reading pauses (default 65536). */
  bufferSize?: number;
  /**
   * Called when accept() starts backing off because the process (EMFILE) or
   * the system (ENFILE) is out of descriptors, and once more when accepting
   * works again, with the number of failed accepts in between. Failures of a
   * single queued connection (reset before it was accepted: ENOTCONN,
   * ECONNABORTED, ECONNRESET) never back off: accept retries at once.
   */
  onAcceptBackoff?(e: AcceptBackoff): void;
}

/** One back-off episode of accept() (see {@link ListenOptions.onAcceptBackoff}). */
export interface AcceptBackoff {
  /** "start" at the first failure, "end" when an accept succeeds again (or the listener closes). */
  phase: "start" | "end";
  /** EMFILE or ENFILE (or the runtime's code for another listener-wide failure). */
  code: string;
  /** Failed accepts so far in this episode. */
  failures: number;
  /** Milliseconds since the episode started. */
  ms: number;
}

/** A listening TCP socket. */
export interface Listener {
  /** The bound address (with the real port when 0 was asked). */
  readonly addr: Addr;
  /**
   * The next connection, or null once the listener is closed. Several calls may
   * be pending at once: each resolves with its own connection, in call order.
   */
  accept(): Promise<Conn | null>;
  /** Stops listening; every pending and future accept() call resolves null. Idempotent. */
  close(): void;
}

/** One received datagram. */
export interface Datagram {
  data: Uint8Array;
  from: Addr;
}

/** A bound UDP socket. */
export interface UdpSocket {
  readonly addr: Addr;
  /** The next datagram, or null once closed. */
  receive(): Promise<Datagram | null>;
  /** Sends one datagram. Rejects with NetError (never throws) when it cannot be sent. */
  send(data: Uint8Array, to: Addr): Promise<void>;
  close(): void;
}

/**
 * A connected UDP socket: the client side of UDP echo. Being connected, it
 * gets the kernel's report of an ICMP port unreachable as ECONNREFUSED (on
 * the next send or receive) where the runtime passes it on; see `seesIcmp`.
 */
export interface UdpClient {
  readonly local: Addr;
  readonly remote: Addr;
  /** How it works, e.g. "node:dgram" or "libc via Deno.dlopen". */
  readonly mechanism: string;
  /** Whether ICMP errors reach it (false: a port without a server only looks like loss). */
  readonly seesIcmp: boolean;
  /** Sends one datagram. Rejects with NetError (ECONNREFUSED after an ICMP port unreachable). */
  send(data: Uint8Array): Promise<void>;
  /**
   * The next datagram, or null after `timeoutMs` without one (or once closed).
   * Rejects with NetError ECONNREFUSED when an ICMP port unreachable arrived.
   */
  receive(timeoutMs: number): Promise<Uint8Array | null>;
  close(): void;
}

/** A non-blocking reader of standard input (never blocks the event loop). */
export interface StdinReader {
  /** The next chunk, or null at end of input. */
  read(): Promise<Uint8Array | null>;
}

/** The socket layer one runtime provides. */
export interface NetApi {
  /** "deno" or "bun", and which mechanism: "native" or "node:net". */
  readonly mechanism: string;
  /** Opens a TCP connection. Rejects with NetError (code normalised, elapsedMs set). */
  connect(opts: ConnectOptions): Promise<Conn>;
  /** Listens on one address. Rejects with NetError EADDRINUSE, EACCES, EADDRNOTAVAIL … */
  listen(opts: ListenOptions): Promise<Listener>;
  /** Binds a UDP socket (node:dgram on both runtimes). */
  bindUdp(opts: { host: string; port: number }): Promise<UdpSocket>;
  /** A connected UDP socket to host:port (name resolved first). Rejects with NetError. */
  connectUdp(opts: { host: string; port: number }): Promise<UdpClient>;
  /** Standard input as chunks, without blocking socket I/O (the §6.4 lesson). */
  stdin(): StdinReader;
}
