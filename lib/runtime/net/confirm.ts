/**
 * A second opinion on ECONNREFUSED. Bun's sockets call every failed connect
 * ECONNREFUSED; bun.ts corrects timeouts and local routes, not an ICMP
 * unreachable from afar. So a refusal is checked once with a connect through
 * libc (lib/runtime/sockopt), which reports the kernel's own errno.
 * @module
 */
import { loadConnector } from "../sockopt/mod.ts";

/** The outcome of {@link confirmRefused}. */
export interface ConfirmedErrno {
  /** The errno to report. */
  errno: string;
  /** Set when libc disagreed with the runtime: what the runtime had said. */
  runtimeSaid?: string;
}

/**
 * Returns `errno` unchanged unless it is ECONNREFUSED and a connect through
 * libc to the same address fails with a different errno (then that one, with
 * `runtimeSaid`). Without FFI, or if the second connect succeeds, the first
 * answer stands.
 *
 * @example
 * ```ts
 * const { errno, runtimeSaid } = await confirmRefused("ECONNREFUSED", "198.18.0.2", 9877, 2000);
 * ```
 */
export async function confirmRefused(
  errno: string,
  address: string,
  port: number,
  timeoutMs: number,
): Promise<ConfirmedErrno> {
  if (errno !== "ECONNREFUSED") return { errno };
  const raw = await loadConnector();
  if ("reason" in raw) return { errno };
  const r = await raw.connect(address, port, timeoutMs);
  if (r.ok) {
    r.close();
    return { errno };
  }
  if (r.errno === errno) return { errno };
  return { errno: r.errno, runtimeSaid: errno };
}
