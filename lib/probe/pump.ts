/**
 * One reader for a watched connection: it keeps reading (so a FIN, an RST or
 * a keepalive ETIMEDOUT is seen the moment the kernel reports it), matches
 * echoes the watcher is waiting for, and records how the connection ended.
 * @module
 */
import { setLongTimeout } from "../runtime/timer.ts";
import { errorEnd } from "./keepalive_end.ts";

/** The connection shape the watcher needs (lib/runtime/net's Conn satisfies it). */
export interface WatchedConn {
  readonly local: { host: string; port: number };
  readonly remote: { host: string; port: number };
  read(): Promise<Uint8Array | null>;
  write(data: Uint8Array): Promise<void>;
  close(): void;
  setKeepAlive(on: boolean): void;
}

/** How a connection ended, as the reader saw it. */
export interface ConnEnd {
  /** "fin" for a clean EOF, else the errno name (ECONNRESET, ETIMEDOUT …). */
  cause: string;
  /** performance.now() when it was seen. */
  at: number;
  /** The runtime's message, for errors. */
  message?: string;
}

/** Result of {@link ReadPump.expect}. */
export type EchoResult =
  | { kind: "ok"; ms: number }
  | { kind: "mismatch"; got: Uint8Array }
  | { kind: "deadline" }
  | { kind: "ended"; end: ConnEnd };

interface Waiter {
  want: Uint8Array;
  got: number;
  start: number;
  resolve(r: EchoResult): void;
}

/**
 * Starts reading `conn` until it ends.
 *
 * @example
 * ```ts
 * declare const conn: WatchedConn; // a connected Conn
 * const bytes = new TextEncoder().encode("ping\n");
 * const pump = new ReadPump(conn);
 * await conn.write(bytes);
 * const r = await pump.expect(bytes, performance.now(), 2000);
 * const end = await pump.ended; // { cause: "fin" | "ECONNRESET" | "ETIMEDOUT" | … }
 * ```
 */
export class ReadPump {
  /** Resolves once the connection has ended (never rejects). */
  readonly ended: Promise<ConnEnd>;
  /** Bytes that arrived while no echo was expected. */
  unexpectedBytes = 0;
  /** performance.now() of the last bytes received. */
  lastDataAt = performance.now();
  #waiter?: Waiter;
  #end?: ConnEnd;

  constructor(conn: WatchedConn) {
    this.ended = this.#run(conn);
  }

  /** How the connection ended, if it has. */
  get end(): ConnEnd | undefined {
    return this.#end;
  }

  async #run(conn: WatchedConn): Promise<ConnEnd> {
    let end: ConnEnd;
    try {
      for (;;) {
        const chunk = await conn.read();
        if (chunk === null) {
          end = { cause: "fin", at: performance.now() };
          break;
        }
        this.lastDataAt = performance.now();
        this.#feed(chunk);
      }
    } catch (e) {
      end = { ...errorEnd(e), at: performance.now() };
    }
    this.#end = end;
    this.#settle({ kind: "ended", end });
    return end;
  }

  #feed(chunk: Uint8Array): void {
    const w = this.#waiter;
    if (!w) {
      this.unexpectedBytes += chunk.length;
      return;
    }
    const n = Math.min(chunk.length, w.want.length - w.got);
    for (let i = 0; i < n; i++) {
      if (chunk[i] !== w.want[w.got + i]) {
        this.#settle({ kind: "mismatch", got: chunk.slice(0, n) });
        return;
      }
    }
    w.got += n;
    this.unexpectedBytes += chunk.length - n;
    if (w.got === w.want.length) this.#settle({ kind: "ok", ms: performance.now() - w.start });
  }

  #settle(r: EchoResult): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.resolve(r);
  }

  /**
   * Waits for exactly `want` to come back (an echo), at most `deadlineMs`
   * after `start` (a performance.now() value taken before the write).
   */
  expect(want: Uint8Array, start: number, deadlineMs: number): Promise<EchoResult> {
    if (this.#end) return Promise.resolve({ kind: "ended", end: this.#end });
    return new Promise((resolve) => {
      const timer = setLongTimeout(() => this.#settle({ kind: "deadline" }), deadlineMs);
      this.#waiter = {
        want,
        got: 0,
        start,
        resolve: (r) => {
          timer.clear();
          resolve(r);
        },
      };
    });
  }
}
