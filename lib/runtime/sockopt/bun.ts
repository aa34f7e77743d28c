/**
 * Socket options on Bun: libc by bun:ffi. Bun's sockets expose their
 * descriptor (`socket.fd`, node:net `_handle.fd`), passed as the hint to
 * {@link Sockopt.findFd}, which still verifies it.
 * @module
 */
import { type LibcSocketCalls, libcSockopt } from "./libc.ts";
import type { Sockopt, SockoptUnavailable } from "./types.ts";
import { LIBC_CANDIDATES } from "./paths.ts";

/** The part of bun:ffi this file uses (Deno type-checks this file too). */
interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...a: unknown[]) => number> };
  read: { i32(ptr: number, offset?: number): number };
}

const SYMBOLS = {
  setsockopt: { args: ["i32", "i32", "i32", "ptr", "u32"], returns: "i32" },
  getsockopt: { args: ["i32", "i32", "i32", "ptr", "ptr"], returns: "i32" },
  getsockname: { args: ["i32", "ptr", "ptr"], returns: "i32" },
  getpeername: { args: ["i32", "ptr", "ptr"], returns: "i32" },
  __errno_location: { args: [], returns: "ptr" },
};

/** Loads libc through bun:ffi, or says why it cannot. */
export async function loadSockopt(): Promise<Sockopt | SockoptUnavailable> {
  let ffi: BunFfi;
  try {
    const specifier = "bun:ffi";
    ffi = await import(specifier) as BunFfi;
  } catch (e) {
    return { reason: `Cannot load bun:ffi: ${(e as Error).message}` };
  }
  const errors: string[] = [];
  for (const path of LIBC_CANDIDATES) {
    let s;
    try {
      s = ffi.dlopen(path, SYMBOLS).symbols;
    } catch (e) {
      errors.push(`${path}: ${(e as Error).message}`);
      continue;
    }
    const errno = () => ffi.read.i32(s.__errno_location(), 0);
    const check = (rc: number) => (rc === 0 ? 0 : errno());
    const calls: LibcSocketCalls = {
      setsockopt: (fd, level, name, value) =>
        check(s.setsockopt(fd, level, name, value, value.length)),
      getsockopt: (fd, level, name, into, len) => check(s.getsockopt(fd, level, name, into, len)),
      getsockname: (fd, into, len) => check(s.getsockname(fd, into, len)),
      getpeername: (fd, into, len) => check(s.getpeername(fd, into, len)),
    };
    return libcSockopt(calls, "libc setsockopt via bun:ffi");
  }
  return { reason: `Cannot load libc by FFI: ${errors.join("; ")}` };
}
