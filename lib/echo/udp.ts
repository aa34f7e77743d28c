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
}

/** A running UDP echo service. */
export interface UdpEcho {
  addrs: Addr[];
  /** Datagrams dropped by the rate limit so far. */
  dropped(): number;
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
 * Binds every host and echoes datagrams until closed.
 *
 * @example
 * ```ts
 * const u = await startUdpEcho(net, { hosts: ["127.0.0.1"], port: 9877, ratePerSource: 100 }, log);
 * u.close();
 * ```
 */
export async function startUdpEcho(
  net: NetApi,
  opts: UdpEchoOptions,
  log: (e: ServerEvent) => void,
): Promise<UdpEcho> {
  const limiter = new RateLimiter(opts.ratePerSource);
  let dropped = 0;
  const socks: UdpSocket[] = [];
  for (const host of opts.hosts) {
    const s = await net.bindUdp({ host, port: opts.port });
    socks.push(s);
    log({ event: "listening", transport: "udp", addr: formatAddr(s.addr) });
    (async () => {
      for (let d = await s.receive(); d; d = await s.receive()) {
        if (!limiter.allow(d.from.host, Date.now())) {
          dropped++;
          continue;
        }
        await s.send(d.data, d.from);
      }
    })();
  }
  return {
    addrs: socks.map((s) => s.addr),
    dropped: () => dropped,
    close: () => socks.forEach((s) => s.close()),
  };
}
