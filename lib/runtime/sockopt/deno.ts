/**
 * Socket options and raw connects on Deno: libc by `Deno.dlopen` (needs
 * --allow-ffi). Deno's Conn hides its descriptor, so callers find it with
 * {@link Sockopt.findFd}.
 * @module
 */
import { type LibcConnectCalls, libcConnector, type RawConnector } from "./connect.ts";
import { type LibcSocketCalls, libcSockopt } from "./libc.ts";
import { LIBC_CANDIDATES } from "./paths.ts";
import { libcRawUdp, type RawUdpSender } from "./raw.ts";
import type { Sockopt, SockoptUnavailable } from "./types.ts";
import { type LibcUdpCalls, libcUdpClient } from "./udp_client.ts";
import type { UdpClient } from "../net/types.ts";

const SYMBOLS = {
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  sendto: { parameters: ["i32", "buffer", "usize", "i32", "buffer", "u32"], result: "isize" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  poll_async: {
    name: "poll",
    parameters: ["buffer", "u64", "i32"],
    result: "i32",
    nonblocking: true,
  },
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

interface Bound {
  sockopt: Sockopt;
  connector: RawConnector;
  raw: RawUdpSender;
  udp: LibcUdpCalls;
}

let bound: Bound | SockoptUnavailable | undefined;

function bind(): Bound | SockoptUnavailable {
  if (bound) return bound;
  const lib = open();
  if ("reason" in lib) return bound = lib;
  const s = lib.symbols;
  const errno = () => {
    const p = s.__errno_location();
    return p === null ? -1 : new Deno.UnsafePointerView(p).getInt32(0);
  };
  const check = (rc: number) => (rc === 0 ? 0 : errno());
  const signed = (rc: number) => (rc >= 0 ? rc : -errno());
  const signedBig = (rc: number | bigint) => (rc >= 0 ? rc : -errno());
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
    poll: (pfd, ms) => signed(s.poll(pfd, 1n, ms)),
    getsockopt: (fd, level, name, into, len) => -calls.getsockopt(fd, level, name, into, len),
    getsockname: (fd, into, len) => -calls.getsockname(fd, into, len),
    close: (fd) => signed(s.close(fd)),
  };
  return bound = {
    sockopt: libcSockopt(calls, "libc setsockopt via Deno.dlopen"),
    connector: libcConnector(connectCalls, "libc connect via Deno.dlopen"),
    raw: libcRawUdp({
      socket: connectCalls.socket,
      close: connectCalls.close,
      sendto: (fd, data, addr) =>
        Number(signedBig(s.sendto(fd, data, BigInt(data.length), 0, addr, addr.length))),
    }),
    udp: {
      socket: connectCalls.socket,
      connect: connectCalls.connect,
      close: connectCalls.close,
      getsockname: connectCalls.getsockname,
      send: (fd, data) => Number(signedBig(s.send(fd, data, BigInt(data.length), 0))),
      recv: (fd, into, flags) => Number(signedBig(s.recv(fd, into, BigInt(into.length), flags))),
      setsockopt: (fd, level, name, value) => -calls.setsockopt(fd, level, name, value),
      pollAsync: (pfd, ms) => s.poll_async(pfd, 1n, ms),
    },
  };
}

/** Loads libc through Deno's FFI, or says why it cannot. */
export function loadSockopt(): Sockopt | SockoptUnavailable {
  const b = bind();
  return "reason" in b ? b : b.sockopt;
}

/** The libc connector through Deno's FFI, or why it is unavailable. */
export function loadConnector(): RawConnector | SockoptUnavailable {
  const b = bind();
  return "reason" in b ? b : b.connector;
}

/**
 * A connected UDP client to a numeric address through Deno's FFI (it sees
 * ICMP port unreachable as ECONNREFUSED), or why it is unavailable. Throws NetError.
 */
export function connectUdpLibc(address: string, port: number): UdpClient | SockoptUnavailable {
  const b = bind();
  return "reason" in b ? b : libcUdpClient(b.udp, address, port, "libc via Deno.dlopen");
}

/** The raw UDP sender through Deno's FFI, or why it is unavailable. */
export function loadRawUdp(): RawUdpSender | SockoptUnavailable {
  const b = bind();
  return "reason" in b ? b : b.raw;
}
