/**
 * Socket options (SO_KEEPALIVE, TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT,
 * TCP_INFO) for the running runtime, by libc FFI. Linux only.
 *
 * @example
 * ```ts
 * import { loadSockopt } from "./mod.ts";
 * import type { Endpoint } from "./mod.ts";
 * declare const local: Endpoint, remote: Endpoint, hintFd: number; // the connection's ends
 * const so = await loadSockopt();
 * if ("reason" in so) console.error(so.reason);
 * else {
 *   const fd = so.findFd(local, remote, hintFd);
 *   if (fd !== undefined) so.setKeepalive(fd, { idle: 10, interval: 2, count: 3 });
 * }
 * ```
 * @module
 */
import { runtimeName } from "../mod.ts";
import type { RawConnector } from "./connect.ts";
import type { RawUdpSender } from "./raw.ts";
import type { Sockopt, SockoptUnavailable } from "./types.ts";

export type {
  Endpoint,
  KeepaliveReadback,
  KeepaliveSettings,
  Sockopt,
  SockoptUnavailable,
  TcpInfo,
} from "./types.ts";
export { TCP_STATES } from "./types.ts";
export { normalizeAddress } from "./addr.ts";
export type { RawConnector, RawConnectResult } from "./connect.ts";
export type { RawUdpSender } from "./raw.ts";

let cached: Promise<Sockopt | SockoptUnavailable> | undefined;

/** The socket-option layer for this process (loaded once), or why it is unavailable. */
export function loadSockopt(): Promise<Sockopt | SockoptUnavailable> {
  cached ??= platformReason() !== undefined
    ? Promise.resolve({ reason: platformReason()! })
    : runtimeName() === "bun"
    ? import("./bun.ts").then((m) => m.loadSockopt())
    : import("./deno.ts").then((m) => m.loadSockopt());
  return cached;
}

function platformReason(): string | undefined {
  const g = globalThis as { process?: { platform?: string } };
  const platform = g.process?.platform;
  return platform === undefined || platform === "linux"
    ? undefined
    : `TCP keepalive options by FFI use Linux option numbers; this is ${platform}`;
}

let cachedConnector: Promise<RawConnector | SockoptUnavailable> | undefined;

/**
 * A TCP connect through libc (exact errno on both runtimes), or why it is
 * unavailable (Deno without --allow-ffi, not Linux).
 *
 * @example
 * ```ts
 * const c = await loadConnector();
 * if (!("reason" in c)) console.log(await c.connect("127.0.0.1", 9877, 2000));
 * ```
 */
export function loadConnector(): Promise<RawConnector | SockoptUnavailable> {
  cachedConnector ??= platformReason() !== undefined
    ? Promise.resolve({ reason: platformReason()! })
    : runtimeName() === "bun"
    ? import("./bun.ts").then((m) => m.loadConnector())
    : import("./deno.ts").then((m) => m.loadConnector());
  return cachedConnector;
}

let cachedRaw: Promise<RawUdpSender | SockoptUnavailable> | undefined;

/**
 * A raw IPv4 UDP sender through libc (any source port, 0 included; needs
 * root or CAP_NET_RAW), or why it is unavailable.
 *
 * @example
 * ```ts
 * const r = await loadRawUdp();
 * if (!("reason" in r)) r.send(0, "127.0.0.1", 9877, new Uint8Array([104, 105]));
 * ```
 */
export function loadRawUdp(): Promise<RawUdpSender | SockoptUnavailable> {
  cachedRaw ??= platformReason() !== undefined
    ? Promise.resolve({ reason: platformReason()! })
    : runtimeName() === "bun"
    ? import("./bun.ts").then((m) => m.loadRawUdp())
    : import("./deno.ts").then((m) => m.loadRawUdp());
  return cachedRaw;
}
