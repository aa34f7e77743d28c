/**
 * Error normalisation shared by both runtimes: the runtime's error (a Deno
 * error class name, a Node-style `code`, an errno number) becomes one
 * {@link NetErrorCode}, so the same kernel event reads the same everywhere.
 *
 * Rules, in order:
 * 1. A `code` that is an errno name we know is kept (Node, Bun, Deno 2 all set it).
 * 2. Deno error class names map to errno names (ConnectionReset -> ECONNRESET …).
 * 3. A write that fails because the peer reset the connection is EPIPE, whether the
 *    runtime said ECONNRESET (Deno's first write after RST, the kernel's pending
 *    error) or EPIPE (later writes): UNP §5.13's "write after RST".
 * 4. Bun's connect failures all say ECONNREFUSED (errno -111): bun.ts corrects them
 *    from elapsed time and the routing table (see route.ts), not here.
 * @module
 */
import { NetError, type NetErrorCode, type NetOp } from "./types.ts";

const KNOWN = new Set<NetErrorCode>([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EACCES",
  "ENOTFOUND",
  "EMFILE",
  "ENFILE",
]);

const DENO_NAMES: Record<string, NetErrorCode> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNRESET",
  TimedOut: "ETIMEDOUT",
  BrokenPipe: "EPIPE",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  PermissionDenied: "EACCES",
  NetworkUnreachable: "ENETUNREACH",
  HostUnreachable: "EHOSTUNREACH",
  NotConnected: "EPIPE",
  BadResource: "ECLOSED",
  Interrupted: "ECLOSED",
};

const OTHER_CODES: Record<string, NetErrorCode> = {
  EAI_AGAIN: "ENOTFOUND",
  EAI_NONAME: "ENOTFOUND",
  ENOENT: "ENOTFOUND",
  ECONNABORTED: "ECONNRESET",
  ENOTCONN: "EPIPE",
  ERR_SOCKET_CLOSED: "ECLOSED",
  ERR_STREAM_DESTROYED: "ECLOSED",
  ERR_STREAM_WRITE_AFTER_END: "EPIPE",
  EBADF: "ECLOSED",
};

/**
 * Normalises any runtime error into a {@link NetError} for operation `op`.
 *
 * @example
 * ```ts
 * toNetError({ name: "ConnectionReset", message: "reset" }, "write").code; // "EPIPE"
 * ```
 */
export function toNetError(e: unknown, op: NetOp, elapsedMs = 0): NetError {
  if (e instanceof NetError) return e;
  const err = e as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  const rawCode = typeof err?.code === "string" ? err.code : "";
  const name = typeof err?.name === "string" ? err.name : "";
  let code: NetErrorCode = "EOTHER";
  if (KNOWN.has(rawCode as NetErrorCode)) code = rawCode as NetErrorCode;
  else if (rawCode in OTHER_CODES) code = OTHER_CODES[rawCode];
  else if (name in DENO_NAMES) code = DENO_NAMES[name];
  else if (/not found|name or service|failed to lookup/i.test(String(err?.message))) {
    code = "ENOTFOUND";
  }
  if (op === "write" && code === "ECONNRESET") code = "EPIPE";
  const detail = rawCode || name || "unknown";
  const message = typeof err?.message === "string" ? err.message : String(e);
  return new NetError(code, op, message, { detail, elapsedMs, cause: e });
}
