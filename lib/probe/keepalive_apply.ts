/**
 * Switches keepalive on for a watched connection with the best mechanism the
 * runtime allows, and says exactly what was applied: the values read back
 * from the socket, never the values merely asked for.
 * @module
 */
import type {
  KeepaliveReadback,
  KeepaliveSettings,
  Sockopt,
  SockoptUnavailable,
} from "../runtime/sockopt/types.ts";
import type { WatchedConn } from "./pump.ts";

/** What {@link applyKeepalive} did. */
export interface KeepaliveApplied {
  /** What the user asked for. */
  requested: KeepaliveSettings;
  /** The four options as read back from the socket; undefined if they could not be set. */
  readback?: KeepaliveReadback;
  /** How they were set ("libc setsockopt via bun:ffi"), or the fallback used. */
  mechanism: string;
  /** The socket's descriptor (when found). */
  fd?: number;
  /** Why the requested values could not be applied (the fallback is then in force). */
  notApplied?: string;
  /** The detection time the read-back values imply: idle + interval × count, in ms. */
  expectedMs?: number;
}

/**
 * Sets SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT through libc
 * when possible; otherwise switches SO_KEEPALIVE on through the runtime (the
 * kernel's own idle/interval/count then apply) and says so.
 *
 * @example
 * ```ts
 * import { loadSockopt } from "../runtime/sockopt/mod.ts";
 * import type { WatchedConn } from "./pump.ts";
 * declare const conn: WatchedConn; // a connected Conn
 * const a = applyKeepalive(conn, { idle: 10, interval: 2, count: 3 }, await loadSockopt());
 * console.log(describeKeepalive(a));
 * ```
 */
export function applyKeepalive(
  conn: WatchedConn,
  requested: KeepaliveSettings,
  sockopt: Sockopt | SockoptUnavailable,
): KeepaliveApplied {
  const fallback = (why: string): KeepaliveApplied => {
    conn.setKeepAlive(true);
    return {
      requested,
      mechanism: "the runtime's setKeepAlive (SO_KEEPALIVE only)",
      notApplied: why,
    };
  };
  if ("reason" in sockopt) return fallback(sockopt.reason);
  const local = { address: conn.local.host, port: conn.local.port };
  const remote = { address: conn.remote.host, port: conn.remote.port };
  const fd = sockopt.findFd(local, remote);
  if (fd === undefined) {
    return fallback(
      `Cannot find the socket's descriptor: no fd has local ${local.address}:${local.port} ` +
        `and peer ${remote.address}:${remote.port}`,
    );
  }
  const readback = sockopt.setKeepalive(fd, requested);
  return {
    requested,
    readback,
    mechanism: sockopt.mechanism,
    fd,
    expectedMs: (readback.idle + readback.interval * readback.count) * 1000,
  };
}

/**
 * The lines that tell the user what keepalive settings are in force.
 *
 * @example
 * ```ts
 * const applied: KeepaliveApplied = { // as applyKeepalive returns it
 *   requested: { idle: 10, interval: 2, count: 3 },
 *   readback: { enabled: true, idle: 10, interval: 2, count: 3 },
 *   mechanism: "libc setsockopt via bun:ffi",
 *   fd: 7,
 * };
 * describeKeepalive(applied);
 * // ["keepalive: SO_KEEPALIVE on, TCP_KEEPIDLE 10 s, TCP_KEEPINTVL 2 s, TCP_KEEPCNT 3 (read back; libc setsockopt via bun:ffi, fd 7)",
 * //  "keepalive: a silent peer is declared dead after 10 + 2 × 3 = 16 s idle (UNP §7.5)"]
 * ```
 */
export function describeKeepalive(a: KeepaliveApplied): string[] {
  const r = a.readback;
  if (!r) {
    return [
      `keepalive: SO_KEEPALIVE on, but TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT were NOT set: ${a.notApplied}`,
      "keepalive: the kernel's defaults apply (Linux: idle 7200 s, interval 75 s, 9 probes, " +
      "unless changed in net.ipv4.tcp_keepalive_*); use --heartbeat for an application-level check",
    ];
  }
  const q = a.requested;
  const differs = r.idle !== q.idle || r.interval !== q.interval || r.count !== q.count;
  const warn = differs
    ? [
      `keepalive: the socket differs from what was asked (${q.idle}/${q.interval}/${q.count}); ` +
      "the values read back are the ones in force",
    ]
    : [];
  return [
    ...warn,
    `keepalive: SO_KEEPALIVE ${r.enabled ? "on" : "OFF"}, TCP_KEEPIDLE ${r.idle} s, ` +
    `TCP_KEEPINTVL ${r.interval} s, TCP_KEEPCNT ${r.count} (read back; ${a.mechanism}, fd ${a.fd})`,
    `keepalive: a silent peer is declared dead after ${r.idle} + ${r.interval} × ${r.count} = ` +
    `${r.idle + r.interval * r.count} s idle (UNP §7.5)`,
  ];
}
