/**
 * What both listeners share: the sorting of accept() failures (one queued
 * connection's own error versus the process being out of descriptors), the
 * back-off bookkeeping for the second kind, and a queue that hands accepted
 * connections to any number of pending accept() calls in call order.
 * @module
 */
import type { AcceptBackoff } from "./types.ts";

/**
 * Errors accept(2) reports for one connection that died in the queue (the
 * peer reset it, or a network error was pending on it). Linux documents that
 * these must be treated like EAGAIN: retry at once, the listener is fine.
 */
const PER_CONNECTION = new Set([
  "ENOTCONN",
  "NotConnected",
  "ECONNABORTED",
  "ConnectionAborted",
  "ECONNRESET",
  "ConnectionReset",
  "EPROTO",
  "ENOPROTOOPT",
  "EHOSTDOWN",
  "ENONET",
  "EHOSTUNREACH",
  "HostUnreachable",
  "EOPNOTSUPP",
  "ENETUNREACH",
  "NetworkUnreachable",
  "ETIMEDOUT",
  "TimedOut",
]);

/** Errors that mean the listener itself was closed. */
const CLOSED = new Set(["BadResource", "Interrupted", "EBADF", "ERR_SOCKET_CLOSED"]);

/** How to react to one accept() failure. */
export type AcceptFailure = "retry" | "closed" | "backoff";

/** The runtime's code or error class name of an accept failure ("EMFILE", "NotConnected"). */
export function acceptErrorCode(e: unknown): string {
  const err = e as { code?: unknown; name?: unknown } | undefined;
  if (typeof err?.code === "string" && err.code) return err.code;
  if (typeof err?.name === "string" && err.name && err.name !== "Error") return err.name;
  return "unknown";
}

/**
 * Sorts an accept failure: `retry` for one dead queued connection, `closed`
 * when the listener is gone, `backoff` for everything else (EMFILE, ENFILE,
 * ENOBUFS, ENOMEM, unknown), which would fail again at once.
 *
 * @example
 * ```ts
 * classifyAcceptError({ name: "NotConnected", code: "ENOTCONN" }); // "retry"
 * classifyAcceptError({ code: "EMFILE" }); // "backoff"
 * ```
 */
export function classifyAcceptError(e: unknown): AcceptFailure {
  const err = e as { code?: unknown; name?: unknown } | undefined;
  for (const k of [err?.code, err?.name]) {
    if (typeof k !== "string") continue;
    if (PER_CONNECTION.has(k)) return "retry";
    if (CLOSED.has(k)) return "closed";
  }
  return "backoff";
}

/**
 * One back-off episode at a time: reports its start once and its end once with
 * the count of failed accepts, and gives the next delay (10 ms doubling to 200 ms).
 *
 * @example
 * ```ts
 * const b = new Backoff((e) => console.log(e));
 * const delayMs = b.fail("EMFILE"); // logs { phase: "start", … }
 * await new Promise((r) => setTimeout(r, delayMs));
 * b.recovered();                    // logs { phase: "end", failures: 1, … }
 * ```
 */
export class Backoff {
  #code = "";
  #failures = 0;
  #t0 = 0;
  #delay = 0;

  constructor(
    private readonly report: ((e: AcceptBackoff) => void) | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether an episode is in progress. */
  get active(): boolean {
    return this.#failures > 0;
  }

  /** Records one listener-wide failure; returns how long to wait before the next accept. */
  fail(code: string): number {
    if (this.#failures === 0) {
      this.#code = code;
      this.#t0 = this.now();
      this.#delay = 10;
      this.#failures = 1;
      this.report?.({ phase: "start", code, failures: 1, ms: 0 });
      return this.#delay;
    }
    this.#failures++;
    this.#delay = Math.min(200, this.#delay * 2);
    return this.#delay;
  }

  /** An accept worked (or the listener closed): ends the episode, if any. */
  recovered(): void {
    if (this.#failures === 0) return;
    const e: AcceptBackoff = {
      phase: "end",
      code: this.#code,
      failures: this.#failures,
      ms: Math.round(this.now() - this.#t0),
    };
    this.#failures = 0;
    this.report?.(e);
  }
}

/**
 * Accepted connections waiting for accept() calls, and accept() calls waiting
 * for connections: every pending call gets its own connection, in call order,
 * and null for all of them once closed (the Listener contract).
 *
 * @example
 * ```ts
 * const q = new AcceptQueue<string>();
 * const a = q.next(), b = q.next();
 * q.push("x"); q.push("y"); // a -> "x", b -> "y"
 * q.close();                // later next() -> null
 * ```
 */
export class AcceptQueue<T> {
  #ready: T[] = [];
  #head = 0;
  #waiters: ((c: T | null) => void)[] = [];
  #closed = false;

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Hands a connection to the oldest pending call, or queues it; false once closed. */
  push(c: T): boolean {
    if (this.#closed) return false;
    const w = this.#waiters.shift();
    if (w) w(c);
    else this.#ready.push(c);
    return true;
  }

  /** The next connection, or null once closed and drained. */
  next(): Promise<T | null> {
    if (this.#head < this.#ready.length) {
      const c = this.#ready[this.#head++];
      if (this.#head === this.#ready.length) {
        this.#ready = [];
        this.#head = 0;
      }
      return Promise.resolve(c);
    }
    if (this.#closed) return Promise.resolve(null);
    return new Promise((r) => this.#waiters.push(r));
  }

  /** Resolves every pending call with null; returns the connections nobody took. */
  close(): T[] {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(null);
    const left = this.#ready.slice(this.#head);
    this.#ready = [];
    this.#head = 0;
    return left;
  }
}
