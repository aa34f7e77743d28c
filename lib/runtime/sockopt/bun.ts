/**
 * Socket options and raw connects on Bun: libc by bun:ffi. Bun's sockets
 * expose their descriptor, but {@link Sockopt.findFd} verifies any hint and
 * can find it alone by the connection's two ends.
 * @module
 */
import { type LibcConnectCalls, libcConnector, type RawConnector } from "./connect.ts";
import { type LibcSocketCalls, libcSockopt } from "./libc.ts";
import { LIBC_CANDIDATES } from "./paths.ts";
import { libcRawUdp, type RawUdpSender } from "./raw.ts";
import type { Sockopt, SockoptUnavailable } from "./types.ts";

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
  socket: { args: ["i32", "i32", "i32"], returns: "i32" },
  connect: { args: ["i32", "ptr", "u32"], returns: "i32" },
  poll: { args: ["ptr", "u64", "i32"], returns: "i32" },
  close: { args: ["i32"], returns: "i32" },
  sendto: { args: ["i32", "ptr", "u64", "i32", "ptr", "u32"], returns: "i64" },
  __errno_location: { args: [], returns: "ptr" },
};

interface Bound {
  sockopt: Sockopt;
  connector: RawConnector;
  raw: RawUdpSender;
}

let bound: Promise<Bound | SockoptUnavailable> | undefined;

async function bind(): Promise<Bound | SockoptUnavailable> {
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
    const signed = (rc: number) => (rc >= 0 ? rc : -errno());
    const calls: LibcSocketCalls = {
      setsockopt: (fd, level, name, value) =>
        check(s.setsockopt(fd, level, name, value, value.length)),
      getsockopt: (fd, level, name, into, len) => check(s.getsockopt(fd, level, name, into, len)),
      getsockname: (fd, into, len) => check(s.getsockname(fd, into, len)),
      getpeername: (fd, into, len) => check(s.getpeername(fd, into, len)),
    };
    const connectCalls: LibcConnectCalls = {
      socket: (d, t, p) => signed(s.socket(d, t, p)),
      connect: (fd, addr) => signed(s.connect(fd, addr, addr.length)),
      poll: (pfd, ms) => signed(s.poll(pfd, 1, ms)),
      getsockopt: (fd, level, name, into, len) => -calls.getsockopt(fd, level, name, into, len),
      getsockname: (fd, into, len) => -calls.getsockname(fd, into, len),
      close: (fd) => signed(s.close(fd)),
    };
    return {
      sockopt: libcSockopt(calls, "libc setsockopt via bun:ffi"),
      connector: libcConnector(connectCalls, "libc connect via bun:ffi"),
      raw: libcRawUdp({
        socket: connectCalls.socket,
        close: connectCalls.close,
        sendto: (fd, data, addr) =>
          Number(signed(Number(s.sendto(fd, data, data.length, 0, addr, addr.length)))),
      }),
    };
  }
  return { reason: `Cannot load libc by FFI: ${errors.join("; ")}` };
}

/** Loads libc through bun:ffi, or says why it cannot. */
export async function loadSockopt(): Promise<Sockopt | SockoptUnavailable> {
  const b = await (bound ??= bind());
  return "reason" in b ? b : b.sockopt;
}

/** The libc connector through bun:ffi, or why it is unavailable. */
export async function loadConnector(): Promise<RawConnector | SockoptUnavailable> {
  const b = await (bound ??= bind());
  return "reason" in b ? b : b.connector;
}

/** The raw UDP sender through bun:ffi, or why it is unavailable. */
export async function loadRawUdp(): Promise<RawUdpSender | SockoptUnavailable> {
  const b = await (bound ??= bind());
  return "reason" in b ? b : b.raw;
}
