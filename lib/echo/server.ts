/**
 * The echo server (UNP §5.2) without the book's process per client: one event
 * loop serves every connection, so there is no fork, no child to reap, no
 * SIGCHLD and no zombie (§5.8–5.10 cannot happen). Bounded by --max-conns,
 * --idle-timeout and a per-connection buffer cap; stops gracefully.
 * @module
 */
import {
  type Addr,
  type Conn,
  describeFdExhaustion,
  formatAddr,
  type Listener,
  type NetApi,
  openFileLimit,
  setSocketBuffers,
} from "../runtime/net/mod.ts";
import { type CloseReason, runSession, type SessionFaults, type SessionState } from "./session.ts";

/** Everything `tcpecho serve` configures for TCP. */
export interface ServerOptions extends SessionFaults {
  /** Addresses to bind, e.g. ["::"] (dual-stack) or ["127.0.0.1", "::1"]. */
  hosts: string[];
  port: number;
  /** Refuse (accept, log, close) connections beyond this many open ones. */
  maxConns: number;
  /** Close a connection with no progress for this long. */
  idleTimeoutMs?: number;
  /** Bytes buffered per connection before reading from it pauses. */
  bufferSize: number;
  /** TCP_NODELAY on accepted connections (default true: no Nagle, §7.9). */
  noDelay?: boolean;
  /** SO_RCVBUF for each accepted connection (§7.5), bytes asked for. */
  receiveBuffer?: number;
  /** SO_SNDBUF for each accepted connection (§7.5), bytes asked for. */
  sendBuffer?: number;
}

/** One log event (the text and NDJSON logs render these). */
export type ServerEvent =
  | { event: "listening"; transport: "tcp" | "udp"; addr: string }
  | { event: "accepted"; id: number; peer: string; local: string; open: number }
  | { event: "refused"; id: number; peer: string; reason: "max-conns"; open: number }
  | {
    event: "closed";
    id: number;
    peer: string;
    reason: CloseReason;
    detail?: string;
    bytesIn: number;
    bytesOut: number;
    durationMs: number;
    open: number;
  }
  | { event: "shutdown"; open: number }
  | {
    /** At shutdown, when UDP datagrams went unanswered: how many, by reason. */
    event: "udp-dropped";
    rate: number;
    budget: number;
    port0: number;
    sendFailed: number;
  }
  | {
    /** accept() is failing for the whole listener (EMFILE …) and waits; logged at start and end. */
    event: "accept-backoff";
    phase: "start" | "end";
    code: string;
    /** The errno with its meaning and the limit (ulimit -n). */
    detail: string;
    /** Failed accepts in this episode. */
    failures: number;
    ms: number;
    open: number;
  };

/**
 * A running echo server.
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * const srv = new EchoServer(await getNet(), { hosts: ["::"], port: 0, maxConns: 100,
 *   bufferSize: 65536 }, (e) => console.error(e));
 * const [addr] = await srv.listen();
 * await srv.shutdown(2000);
 * ```
 */
export class EchoServer {
  #listeners: Listener[] = [];
  #sessions = new Set<SessionState>();
  #nextId = 1;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #stopping = false;
  #accepting: Promise<void>[] = [];

  constructor(
    private readonly net: NetApi,
    private readonly opts: ServerOptions,
    private readonly log: (e: ServerEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Open connections. */
  get open(): number {
    return this.#sessions.size;
  }

  /** Binds every host, starts accepting; resolves to the bound addresses. */
  async listen(): Promise<Addr[]> {
    const abortive = this.opts.resetAfter !== undefined;
    openFileLimit(); // read now: out of descriptors, /proc/self/limits cannot be opened
    let port = this.opts.port;
    for (const host of this.opts.hosts) {
      const l = await this.net.listen({
        host,
        port, // with --port 0 every host gets the port the first one got
        abortive,
        bufferSize: this.opts.bufferSize,
        noDelay: this.opts.noDelay,
        onAcceptBackoff: (b) =>
          this.log({
            event: "accept-backoff",
            ...b,
            detail: describeFdExhaustion(b.code),
            open: this.open,
          }),
      });
      this.#listeners.push(l);
      port = l.addr.port;
      this.log({ event: "listening", transport: "tcp", addr: formatAddr(l.addr) });
      this.#accepting.push(this.#acceptLoop(l));
    }
    const idle = this.opts.idleTimeoutMs;
    if (idle !== undefined) {
      this.#sweeper = setInterval(() => this.#sweep(idle), Math.min(1000, Math.max(50, idle / 4)));
    }
    return this.#listeners.map((l) => l.addr);
  }

  async #acceptLoop(l: Listener): Promise<void> {
    for (let c = await l.accept(); c; c = await l.accept()) {
      if (this.#stopping) {
        c.close();
        continue;
      }
      const id = this.#nextId++;
      if (this.#sessions.size >= this.opts.maxConns) {
        const open = this.#sessions.size;
        this.log({ event: "refused", id, peer: formatAddr(c.remote), reason: "max-conns", open });
        c.close();
        continue;
      }
      this.#serve(id, c);
    }
  }

  async #serve(id: number, conn: Conn): Promise<void> {
    const t = this.now();
    const st: SessionState = {
      id,
      conn,
      startMs: t,
      lastActivityMs: t,
      bytesIn: 0,
      bytesOut: 0,
      lines: 0,
      draining: false,
    };
    this.#sessions.add(st);
    // A peer whose host vanished (half-open) is found by the kernel's keepalive
    // (Linux: after 2 h idle) even with the idle limit turned off.
    try {
      conn.setKeepAlive(true);
    } catch { /* reset before we got here: the first read says so */ }
    const { receiveBuffer: receive, sendBuffer: send } = this.opts;
    // A refusal leaves the kernel's sizes (serve checked at start that it can set them).
    if (receive !== undefined || send !== undefined) {
      await setSocketBuffers(conn, { receive, send });
    }
    const peer = formatAddr(conn.remote);
    this.log({ event: "accepted", id, peer, local: formatAddr(conn.local), open: this.open });
    await runSession(st, this.opts, this.now);
    if (st.reason !== "reset-after") conn.close();
    this.#sessions.delete(st);
    this.log({
      event: "closed",
      id,
      peer,
      reason: st.reason ?? "error",
      ...(st.detail ? { detail: st.detail } : {}),
      bytesIn: st.bytesIn,
      bytesOut: st.bytesOut,
      durationMs: this.now() - st.startMs,
      open: this.open,
    });
  }

  #sweep(idleMs: number): void {
    const t = this.now();
    for (const st of this.#sessions) {
      if (st.reason || t - st.lastActivityMs < idleMs) continue;
      st.reason = "idle-timeout";
      if (st.writing) st.detail = "stalled: the client does not read its echoes";
      st.wake?.();
      st.conn.close();
    }
  }

  /**
   * Stops accepting, sends FIN on every connection (shutdown write), waits up to
   * `graceMs` for the peers' FINs, then closes what is left.
   */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#sweeper);
    for (const l of this.#listeners) l.close();
    this.log({ event: "shutdown", open: this.open });
    for (const st of this.#sessions) {
      st.reason ??= "server-shutdown";
      st.draining = true;
      st.wake?.();
      st.conn.closeWrite().catch(() => {});
    }
    const deadline = this.now() + graceMs;
    while (this.#sessions.size > 0 && this.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const st of this.#sessions) st.conn.close();
    const until = this.now() + 500;
    while (this.#sessions.size > 0 && this.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
