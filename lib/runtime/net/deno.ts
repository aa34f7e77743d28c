/**
 * The Deno socket layer: native `Deno.listen` / `Deno.connect` with a plain
 * read/write loop (measured here: native loop ~2x node:net on Deno; piping
 * streams was slower still). Native Conn has no abortive close, so a listener
 * asked for `abortive: true` uses node:net (node.ts) instead.
 * @module
 */
import { setLongTimeout } from "../timer.ts";
import { acceptErrorCode, Backoff, classifyAcceptError } from "./accept.ts";
import { makeAddr } from "./addr.ts";
import { toNetError } from "./errors.ts";
import { nodeListen } from "./node.ts";
import { bindUdp, connectUdpDgram, resolveUdpHost } from "./udp.ts";
import {
  type Addr,
  type Conn,
  type ConnectOptions,
  type Listener,
  type ListenOptions,
  type NetApi,
  NetError,
  type StdinReader,
  type UdpClient,
} from "./types.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** First read buffer; grows (x4) up to the cap while reads fill it, so idle connections stay small. */
const FIRST_BUFFER = 1024;

function addrOf(a: Deno.Addr): Addr {
  const n = a as Deno.NetAddr;
  return makeAddr(n.hostname, n.port);
}

class DenoConn implements Conn {
  readonly local: Addr;
  readonly remote: Addr;
  readonly canReset = false;
  #c: Deno.TcpConn;
  #buf: Uint8Array;
  #cap: number;
  #closed = false;

  constructor(c: Deno.TcpConn, cap: number, noDelay: boolean) {
    this.#c = c;
    this.#cap = cap;
    this.#buf = new Uint8Array(Math.min(FIRST_BUFFER, cap));
    this.local = addrOf(c.localAddr);
    this.remote = addrOf(c.remoteAddr);
    c.setNoDelay(noDelay);
  }

  async read(): Promise<Uint8Array | null> {
    if (this.#closed) throw new NetError("ECLOSED", "read", "Cannot read: closed");
    const buf = this.#buf;
    let n: number | null;
    try {
      n = await this.#c.read(buf);
    } catch (e) {
      if (this.#closed) throw new NetError("ECLOSED", "read", "Cannot read: closed");
      throw toNetError(e, "read");
    }
    if (n === null) return null;
    if (n === buf.length && buf.length < this.#cap) {
      this.#buf = new Uint8Array(Math.min(this.#cap, buf.length * 4));
    }
    return buf.subarray(0, n);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.#closed) throw new NetError("EPIPE", "write", "Cannot write: closed");
    try {
      while (data.length > 0) data = data.subarray(await this.#c.write(data));
    } catch (e) {
      throw toNetError(e, "write");
    }
  }

  async closeWrite(): Promise<void> {
    try {
      await this.#c.closeWrite();
    } catch { /* already shut or reset */ }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#c.close();
    } catch { /* already closed */ }
  }

  reset(): void {
    throw new NetError(
      "EOTHER",
      "write",
      "Cannot reset: Deno's native TCP connection has no abortive close (listen with abortive: true)",
    );
  }

  setNoDelay(on: boolean): void {
    this.#c.setNoDelay(on);
  }

  setKeepAlive(on: boolean): void {
    this.#c.setKeepAlive(on);
  }
}

async function connect(opts: ConnectOptions): Promise<Conn> {
  const t0 = performance.now();
  const ac = new AbortController();
  const timer = opts.timeoutMs !== undefined
    ? setLongTimeout(() => ac.abort(), opts.timeoutMs)
    : undefined;
  try {
    const c = await Deno.connect({ hostname: opts.host, port: opts.port, signal: ac.signal });
    return new DenoConn(c, opts.bufferSize ?? 65536, opts.noDelay ?? true);
  } catch (e) {
    const elapsed = performance.now() - t0;
    if (ac.signal.aborted) {
      throw new NetError(
        "ETIMEDOUT",
        "connect",
        `Cannot connect: no answer in ${opts.timeoutMs} ms`,
        {
          detail: "timeout",
          elapsedMs: elapsed,
        },
      );
    }
    throw toNetError(e, "connect", elapsed);
  } finally {
    timer?.clear();
  }
}

function listen(opts: ListenOptions): Promise<Listener> {
  if (opts.abortive) return nodeListen(opts);
  let l: Deno.TcpListener;
  try {
    l = Deno.listen({ hostname: opts.host, port: opts.port, transport: "tcp" });
  } catch (e) {
    return Promise.reject(toNetError(e, "listen"));
  }
  const cap = opts.bufferSize ?? 65536;
  const noDelay = opts.noDelay ?? true;
  const backoff = new Backoff(opts.onAcceptBackoff);
  let closed = false;
  // Deno's listener takes one accept at a time: calls queue up behind each other.
  let last: Promise<unknown> = Promise.resolve();

  async function acceptOne(): Promise<Conn | null> {
    while (!closed) {
      let raw: Deno.TcpConn;
      try {
        raw = await l.accept();
      } catch (e) {
        if (closed) break;
        const kind = classifyAcceptError(e);
        if (kind === "closed") break;
        // A connection reset while queued (Deno says ENOTCONN): the next one is fine.
        if (kind === "retry") continue;
        // EMFILE, ENFILE …: accepting again at once would fail again.
        await sleep(backoff.fail(acceptErrorCode(e)));
        continue;
      }
      backoff.recovered();
      try {
        return new DenoConn(raw, cap, noDelay);
      } catch {
        // Reset between accept and setup (peer address gone): drop it, take the next.
        try {
          raw.close();
        } catch { /* already closed */ }
      }
    }
    backoff.recovered();
    return null;
  }

  return Promise.resolve({
    addr: addrOf(l.addr),
    accept() {
      const p = last.then(() => (closed ? null : acceptOne()));
      last = p.catch(() => {});
      return p;
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        l.close();
      } catch { /* already closed */ }
    },
  });
}

function stdin(): StdinReader {
  const buf = new Uint8Array(65536);
  return {
    async read() {
      const n = await Deno.stdin.read(buf);
      return n === null ? null : buf.subarray(0, n);
    },
  };
}

/**
 * A connected UDP client: libc by FFI (sees ICMP port unreachable) when
 * --allow-ffi is granted, else node:dgram, which on Deno never reports it.
 */
async function connectUdp(opts: { host: string; port: number }): Promise<UdpClient> {
  const address = await resolveUdpHost(opts.host);
  const { connectUdpLibc } = await import("../sockopt/deno.ts");
  const libc = connectUdpLibc(address, opts.port);
  return "reason" in libc ? await connectUdpDgram(address, opts.port, false) : libc;
}

/** The socket layer for Deno. */
export const net: NetApi = {
  mechanism: "deno native (node:net for abortive listeners)",
  connect,
  listen,
  bindUdp,
  connectUdp,
  stdin,
};
