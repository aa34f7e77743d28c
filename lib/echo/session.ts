/**
 * One server-side connection: the echo loop (UNP §5.3 str_echo) as a plain
 * read/write loop, which is also the back-pressure: while a write waits for
 * the peer to read, nothing more is read from it. Fault injection (close,
 * reset, drop after N lines; delay) cuts the echo at exactly the Nth newline.
 * @module
 */
import { sleepLong } from "../runtime/timer.ts";
import type { Conn, NetError } from "../runtime/net/mod.ts";

/** Why a server-side connection ended (the `reason` field of the log). */
export type CloseReason =
  | "peer-fin"
  | "peer-rst"
  | "idle-timeout"
  | "server-shutdown"
  | "max-conns"
  | "close-after"
  | "reset-after"
  | "drop-after"
  | "error";

/** Fault injection and pacing for sessions. */
export interface SessionFaults {
  /** FIN (close, as a killed server process) after N echoed lines (§5.12). */
  closeAfter?: number;
  /** RST (linger 0) after N echoed lines (§7.5 abort). */
  resetAfter?: number;
  /** Stop reading and answering after N echoed lines; keep the socket (a hung server). */
  dropAfter?: number;
  /** Wait this many ms before each echo (with `lines`: before each answer). */
  delayMs?: number;
  /**
   * Read at most this many bytes per second on average (a slow reader): the
   * next read waits until the bytes read so far fit the rate, so the kernel's
   * receive buffer fills and the window closes (§2.11, §7.5).
   */
  readRate?: number;
  /**
   * Request/response: answer only whole lines. A partial line is held until its
   * newline arrives (write-write-read clients wait for the whole answer); the
   * rest is echoed at the peer's FIN.
   */
  lines?: boolean;
  /** Discard (RFC 863): read everything, answer nothing, close at the peer's FIN. */
  discard?: boolean;
}

/** Live state of one session, read by the server for logs, idle sweeps and shutdown. */
export interface SessionState {
  readonly id: number;
  readonly conn: Conn;
  readonly startMs: number;
  lastActivityMs: number;
  bytesIn: number;
  bytesOut: number;
  lines: number;
  /** Set by whoever ends the session first; the loop keeps the first reason. */
  reason?: CloseReason;
  detail?: string;
  /** An echo write is waiting for the client to read (back-pressure engaged). */
  writing?: boolean;
  /** Shutdown in progress: discard input, wait for the peer's FIN. */
  draining: boolean;
  /** Resolves a dropped session's wait (idle timeout or shutdown). */
  wake?: () => void;
}

const NL = 0x0a;

/** Index just past the `n`th newline in `chunk`, or -1 if there are fewer. */
function cutAfterLines(chunk: Uint8Array, n: number): number {
  let from = 0;
  for (let i = 0; i < n; i++) {
    const at = chunk.indexOf(NL, from);
    if (at < 0) return -1;
    from = at + 1;
  }
  return from;
}

function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let at = chunk.indexOf(NL); at >= 0; at = chunk.indexOf(NL, at + 1)) n++;
  return n;
}

function firstLimit(f: SessionFaults): { n: number; kind: CloseReason } | undefined {
  const all: { n: number; kind: CloseReason }[] = [];
  if (f.closeAfter !== undefined) all.push({ n: f.closeAfter, kind: "close-after" });
  if (f.resetAfter !== undefined) all.push({ n: f.resetAfter, kind: "reset-after" });
  if (f.dropAfter !== undefined) all.push({ n: f.dropAfter, kind: "drop-after" });
  all.sort((a, b) => a.n - b.n);
  return all[0];
}

const sleep = (ms: number) => sleepLong(ms); // --delay may exceed a bare setTimeout's 2^31 ms

/**
 * Echoes until the peer's FIN, an error, a fault limit, or shutdown; sets
 * `st.reason`. Never rejects. The caller closes the connection afterwards.
 *
 * @example
 * ```ts
 * declare const state: SessionState; // made by EchoServer for an accepted connection
 * await runSession(state, { closeAfter: 2 }, Date.now);
 * console.log(state.reason); // "close-after"
 * ```
 */
export async function runSession(
  st: SessionState,
  faults: SessionFaults,
  now: () => number,
): Promise<void> {
  const limit = firstLimit(faults);
  const c = st.conn;
  const held = faults.lines ? new LineHold() : undefined;
  const pace = faults.readRate ? new ReadPace(faults.readRate) : undefined;
  try {
    if (limit && limit.n === 0) return await endByFault(st, limit.kind);
    for (;;) {
      await pace?.wait();
      const chunk = await c.read();
      if (chunk === null) {
        const rest = st.draining ? undefined : held?.rest();
        if (rest) {
          await c.write(rest);
          st.bytesOut += rest.length;
        }
        st.reason ??= "peer-fin";
        return;
      }
      st.bytesIn += chunk.length;
      pace?.read(chunk.length);
      st.lastActivityMs = now();
      if (st.draining || faults.discard) continue;
      let out = held ? held.take(chunk) : chunk;
      if (out.length === 0) continue;
      let hit = false;
      if (limit) {
        const cut = cutAfterLines(out, limit.n - st.lines);
        if (cut >= 0) {
          out = out.subarray(0, cut);
          hit = true;
        }
      }
      if (faults.delayMs) await sleep(faults.delayMs);
      st.writing = true;
      await c.write(out);
      st.writing = false;
      st.bytesOut += out.length;
      if (limit) st.lines += hit ? limit.n - st.lines : countLines(out);
      if (hit) return await endByFault(st, limit!.kind);
      st.lastActivityMs = now();
    }
  } catch (e) {
    const ne = e as NetError;
    if (st.reason) return;
    if (ne?.code === "ECONNRESET") st.reason = "peer-rst";
    else if (ne?.code === "EPIPE") st.reason = "peer-rst";
    else {
      st.reason = "error";
      st.detail = ne?.code ?? String(e);
    }
  }
}

/** `lines` mode: keeps a partial line until its newline comes. */
class LineHold {
  #part: Uint8Array = new Uint8Array(0);

  /** The whole lines this chunk completes (empty when none), keeping the rest. */
  take(chunk: Uint8Array): Uint8Array {
    const last = chunk.lastIndexOf(NL);
    if (last < 0) {
      this.#part = concat(this.#part, chunk);
      return chunk.subarray(0, 0);
    }
    const out = this.#part.length
      ? concat(this.#part, chunk.subarray(0, last + 1))
      : chunk.subarray(0, last + 1);
    this.#part = chunk.slice(last + 1);
    return out;
  }

  /** The partial line left (at the peer's FIN), or undefined. */
  rest(): Uint8Array | undefined {
    return this.#part.length ? this.#part : undefined;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * `readRate`: after a read of n bytes the next read waits n / rate seconds
 * (counted from when the previous wait ended, so an idle spell earns no burst).
 */
class ReadPace {
  #next = 0;
  constructor(private readonly bytesPerSecond: number) {}

  /** Records a read of `n` bytes. */
  read(n: number): void {
    this.#next = Math.max(this.#next, performance.now()) + (n / this.bytesPerSecond) * 1000;
  }

  /** Waits until the next read is due. */
  async wait(): Promise<void> {
    const ms = this.#next - performance.now();
    if (ms > 0) await sleep(ms);
  }
}

async function endByFault(st: SessionState, kind: CloseReason): Promise<void> {
  if (kind !== "drop-after") {
    st.reason ??= kind;
    if (kind === "reset-after") st.conn.reset();
    return;
  }
  st.detail = `dropped after ${st.lines} lines`;
  if (!st.reason) await new Promise<void>((r) => (st.wake = r));
  st.reason ??= "drop-after";
}
