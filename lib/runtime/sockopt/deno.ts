/**
 * Socket options on Deno: libc by `Deno.dlopen` (needs --allow-ffi). Deno's
 * Conn hides its descriptor, so callers find it with {@link Sockopt.findFd}.
 * @module
 */
import { type LibcSocketCalls, libcSockopt } from "./libc.ts";
import type { Sockopt, SockoptUnavailable } from "./types.ts";
import { LIBC_CANDIDATES } from "./paths.ts";

const SYMBOLS = {
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>;

function open(): Lib | SockoptUnavailable {
  const state = Deno.permissions.querySync({ name: "ffi" }).state;
  if (state !== "granted") {
    return {
      reason: "Deno needs --allow-ffi to set TCP keepalive options through libc " +
        `(ffi permission is ${state})`,
    };
  }
  const errors: string[] = [];
  for (const path of LIBC_CANDIDATES) {
    try {
      return Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      errors.push(`${path}: ${(e as Error).message}`);
    }
  }
  return { reason: `Cannot load libc by FFI: ${errors.join("; ")}` };
}

/** Loads libc through Deno's FFI, or says why it cannot. */
export function loadSockopt(): Sockopt | SockoptUnavailable {
  const lib = open();
  if ("reason" in lib) return lib;
  const s = lib.symbols;
  const errno = () => {
    const p = s.__errno_location();
    return p === null ? -1 : new Deno.UnsafePointerView(p).getInt32(0);
  };
  const check = (rc: number) => (rc === 0 ? 0 : errno());
  const calls: LibcSocketCalls = {
    setsockopt: (fd, level, name, value) =>
      check(s.setsockopt(fd, level, name, value, value.length)),
    getsockopt: (fd, level, name, into, len) => check(s.getsockopt(fd, level, name, into, len)),
    getsockname: (fd, into, len) => check(s.getsockname(fd, into, len)),
    getpeername: (fd, into, len) => check(s.getpeername(fd, into, len)),
  };
  return libcSockopt(calls, "libc setsockopt via Deno.dlopen");
}
