/**
 * `connect --count`: generated messages, one at a time, each timed from the
 * write to the last echoed byte and checked byte for byte.
 * @module
 */
import type { Conn, NetError } from "../runtime/net/mod.ts";
import { netFailure, prematureFin } from "./errors.ts";
import { RttSamples, type RttSummary } from "./stats.ts";

/** What to send. */
export interface PingOptions {
  count: number;
  intervalMs: number;
  /** Bytes per message (the last one is a newline, so line-based servers work). */
  size: number;
  /**
   * Write each message in this many writes, back to back, before reading the
   * echo (default 1): the write-write-read pattern that meets Nagle's algorithm
   * and the peer's delayed ACK when TCP_NODELAY is off (UNP §7.9).
   */
  writes?: number;
  /** Checked before each message and during the wait: true ends the run early (Ctrl-C). */
  stopped?: () => boolean;
  /** Called once our FIN is sent after the last message (connect --json). */
  onFinSent?(): void | Promise<void>;
  /** Called when the server's FIN arrives after ours (connect --json). */
  onPeerFin?(): void | Promise<void>;
}

/** The outcome of a run. */
export interface PingReport {
  sent: number;
  echoed: number;
  mismatched: number;
  rtt: RttSummary;
}

/**
 * Message `seq`: letters rotating with the sequence number, newline last.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(message(1, 4)); // "bcd\n"
 * ```
 */
export function message(seq: number, size: number): Uint8Array {
  const m = new Uint8Array(size);
  for (let i = 0; i < size - 1; i++) m[i] = 97 + ((seq + i) % 26);
  m[size - 1] = 0x0a;
  return m;
}

/**
 * Reads exactly `into.length` bytes. Resolves false if the peer sent FIN first.
 *
 * @example
 * ```ts
 * import type { Conn } from "../runtime/net/types.ts";
 * declare const conn: Conn; // connected to an echo server
 * const ok = await readExact(conn, new Uint8Array(64));
 * ```
 */
export async function readExact(conn: Conn, into: Uint8Array): Promise<boolean> {
  let got = 0;
  while (got < into.length) {
    const chunk = await conn.read();
    if (chunk === null) return false;
    const n = Math.min(chunk.length, into.length - got);
    into.set(chunk.subarray(0, n), got);
    got += n;
  }
  return true;
}

/** Waits `ms`, ending early (in 50 ms steps) once `stopped()` is true. */
async function pause(ms: number, stopped?: () => boolean): Promise<void> {
  const end = performance.now() + ms;
  while (!stopped?.()) {
    const left = end - performance.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(left, 50)));
  }
}

/** Writes `msg` in `parts` writes of nearly equal size, one after the other. */
async function writeInParts(conn: Conn, msg: Uint8Array, parts: number): Promise<void> {
  const n = Math.max(1, Math.min(parts, msg.length));
  for (let i = 0; i < n; i++) {
    await conn.write(
      msg.subarray(Math.floor((i * msg.length) / n), Math.floor(((i + 1) * msg.length) / n)),
    );
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Sends `count` messages `intervalMs` apart, awaiting each echo. `onReply`
 * gets each reply's sequence number and round-trip time. Rejects with the
 * CLI error (premature FIN exit 3, RST exit 4 …) carrying the partial report.
 *
 * @example
 * ```ts
 * import type { Conn } from "../runtime/net/types.ts";
 * declare const conn: Conn; // connected to an echo server
 * const r = await pingEcho(conn, { count: 3, intervalMs: 200, size: 64 }, "h:9877",
 *   async (seq, ms) => console.log(seq, ms));
 * ```
 */
export async function pingEcho(
  conn: Conn,
  opts: PingOptions,
  where: string,
  onReply: (seq: number, ms: number, ok: boolean) => Promise<void>,
  onPartial?: (r: PingReport) => Promise<void>,
): Promise<PingReport> {
  const rtt = new RttSamples();
  const report = () => ({ sent, echoed: rtt.count, mismatched, rtt: rtt.summary() });
  const reply = new Uint8Array(opts.size);
  let sent = 0;
  let mismatched = 0;
  try {
    for (let seq = 1; seq <= opts.count && !opts.stopped?.(); seq++) {
      const start = performance.now();
      const msg = message(seq, opts.size);
      sent++;
      await writeInParts(conn, msg, opts.writes ?? 1);
      if (!(await readExact(conn, reply))) throw prematureFin(opts.size, true);
      const ms = performance.now() - start;
      rtt.add(ms);
      const ok = same(msg, reply);
      if (!ok) mismatched++;
      await onReply(seq, ms, ok);
      const wait = opts.intervalMs - (performance.now() - start);
      if (seq < opts.count && wait > 0) await pause(wait, opts.stopped);
    }
    await conn.closeWrite();
    await opts.onFinSent?.();
    if ((await conn.read()) !== null) throw prematureFin(0, false);
    await opts.onPeerFin?.();
    return report();
  } catch (e) {
    await onPartial?.(report());
    const ne = e as NetError;
    throw ne?.name === "NetError" ? netFailure(ne, where, "data") : e;
  } finally {
    conn.close();
  }
}
