/**
 * RFC 862 UDP echo: each datagram is sent back to its source. UDP echo is a
 * classic reflection/amplification tool (a spoofed source makes the server hit
 * a victim), so the caller binds loopback unless told otherwise, and each
 * source address gets a token bucket of `ratePerSource` datagrams per second.
 * @module
 */
import { type Addr, formatAddr, type NetApi, type UdpSocket } from "../runtime/net/mod.ts";
import type { ServerEvent } from "./server.ts";

/** Options for {@link startUdpEcho}. */
export interface UdpEchoOptions {
  hosts: string[];
  port: number;
  /** Datagrams per second per source address (burst: the same number). */
  ratePerSource: number;
  /** Bytes per second echoed across all sources together (burst: the same number). */
  bytesPerSecond: number;
}

/** Datagrams not echoed, by reason. */
export interface UdpDrops {
  /** Over the per-source rate. */
  rate: number;
  /** Over the global byte budget. */
  budget: number;
  /** From source port 0 (forged: no reply is possible). */
  port0: number;
  /** The send failed (the kernel refused it). */
  sendFailed: number;
}

/** A running UDP echo service. */
export interface UdpEcho {
  addrs: Addr[];
  /** Datagrams not echoed so far, by reason. */
  dropped(): UdpDrops;
  close(): void;
}

/**
 * A per-key token bucket.
 *
 * @example
 * ```ts
 * const b = new RateLimiter(2);
 * b.allow("a", 0); b.allow("a", 0); b.allow("a", 0); // true, true, false
 * ```
 */
export class RateLimiter {
  #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perSecond: number) {}

  /** Whether one more event from `key` at time `nowMs` is allowed. */
  allow(key: string, nowMs: number): boolean {
    const b = this.#buckets.get(key) ?? { tokens: this.perSecond, at: nowMs };
    b.tokens = Math.min(this.perSecond, b.tokens + ((nowMs - b.at) / 1000) * this.perSecond);
    b.at = nowMs;
    if (this.#buckets.size > 100_000) this.#buckets.clear();
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/**
 * One token bucket of bytes shared by every source.
 *
 * @example
 * ```ts
 * const b = new ByteBudget(1000);
 * b.take(600, 0); b.take(600, 0); // true, false
 * b.take(600, 1000);              // true (refilled)
 * ```
 */
export class ByteBudget {
  #tokens: number;
  #at: number | undefined;
  constructor(private readonly perSecond: number) {
    this.#tokens = perSecond;
  }

  /** Whether `bytes` more may be sent at time `nowMs` (and takes them if so). */
  take(bytes: number, nowMs: number): boolean {
    const elapsed = this.#at === undefined ? 0 : Math.max(0, nowMs - this.#at);
    this.#tokens = Math.min(this.perSecond, this.#tokens + (elapsed / 1000) * this.perSecond);
    this.#at = nowMs;
    if (bytes > this.#tokens) return false;
    this.#tokens -= bytes;
    return true;
  }
}

/**
 * Binds every host and echoes datagrams until closed.
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * const net = await getNet();
 * const u = await startUdpEcho(net, { hosts: ["127.0.0.1"], port: 9877, ratePerSource: 100,
 *   bytesPerSecond: 1 << 20 }, (e) => console.log(e));
 * u.close();
 * ```
 */
export async function startUdpEcho(
  net: NetApi,
  opts: UdpEchoOptions,
  log: (e: ServerEvent) => void,
  now: () => number = Date.now,
): Promise<UdpEcho> {
  const limiter = new RateLimiter(opts.ratePerSource);
  const budget = new ByteBudget(opts.bytesPerSecond);
  const drops: UdpDrops = { rate: 0, budget: 0, port0: 0, sendFailed: 0 };
  const socks: UdpSocket[] = [];
  for (const host of opts.hosts) {
    const s = await net.bindUdp({ host, port: opts.port });
    socks.push(s);
    log({ event: "listening", transport: "udp", addr: formatAddr(s.addr) });
    (async () => {
      for (let d = await s.receive(); d; d = await s.receive()) {
        const t = now();
        if (d.from.port === 0) drops.port0++;
        else if (!limiter.allow(d.from.host, t)) drops.rate++;
        else if (!budget.take(d.data.length, t)) drops.budget++;
        else {
          try {
            await s.send(d.data, d.from);
          } catch {
            drops.sendFailed++;
          }
        }
      }
    })().catch(() => {/* receive never rejects; a bug here must not end serve */});
  }
  return {
    addrs: socks.map((s) => s.addr),
    dropped: () => ({ ...drops }),
    close: () => socks.forEach((s) => s.close()),
  };
}
