/**
 * The one way tcpecho writes an endpoint: `host:port`, with an IPv6 address
 * in brackets (`[::1]:9877`), as URLs and most tools write it.
 * @module
 */

/**
 * `host:port`, brackets around an IPv6 address.
 *
 * @example
 * ```ts
 * import { formatHostPort } from "./hostport.ts";
 * formatHostPort("198.18.0.2", 9877); // "198.18.0.2:9877"
 * formatHostPort("2001:db8::2", 9877); // "[2001:db8::2]:9877"
 * ```
 */
export function formatHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
