/**
 * Address helpers: IPv4-mapped IPv6 shown as IPv4, and `host:port` formatting
 * with brackets for IPv6.
 * @module
 */
import type { Addr } from "./types.ts";
import { formatHostPort } from "../../hostport.ts";

/**
 * Builds an {@link Addr}, unmapping `::ffff:a.b.c.d` to IPv4.
 *
 * @example
 * ```ts
 * makeAddr("::ffff:127.0.0.1", 9877); // { host: "127.0.0.1", port: 9877, family: 4 }
 * ```
 */
export function makeAddr(host: string | undefined, port: number | undefined): Addr {
  let h = host ?? "";
  if (h.toLowerCase().startsWith("::ffff:") && h.includes(".")) h = h.slice(7);
  return { host: h, port: port ?? 0, family: h.includes(":") ? 6 : 4 };
}

/**
 * Formats an address as `host:port`, `[v6]:port`.
 *
 * @example
 * ```ts
 * formatAddr({ host: "::1", port: 9877, family: 6 }); // "[::1]:9877"
 * ```
 */
export function formatAddr(a: Addr): string {
  return formatHostPort(a.host, a.port);
}
