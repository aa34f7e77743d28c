/**
 * Socket options through a bound libc, shared by the Deno and Bun adapters:
 * each adapter only binds five libc functions ({@link LibcSocketCalls}); the
 * option numbers, sockaddr and tcp_info layouts (Linux, x86-64 and arm64) live
 * here, once.
 * @module
 */
import { TcpechoError } from "../../errors.ts";
import { normalizeAddress, parseSockaddr } from "./addr.ts";
import {
  type Endpoint,
  type KeepaliveReadback,
  type KeepaliveSettings,
  type Sockopt,
  TCP_STATES,
  type TcpInfo,
} from "./types.ts";

/** Linux option numbers (asm-generic/socket.h, netinet/tcp.h). */
export const SOL_SOCKET = 1;
/** SO_SNDBUF under SOL_SOCKET (doubled by the kernel, as SO_RCVBUF). */
export const SO_SNDBUF = 7;
/** SO_RCVBUF under SOL_SOCKET (the kernel doubles the value for its bookkeeping). */
export const SO_RCVBUF = 8;
/** SO_KEEPALIVE under SOL_SOCKET. */
export const SO_KEEPALIVE = 9;
/** IPPROTO_TCP (the level of the TCP_* options). */
export const IPPROTO_TCP = 6;
/** TCP_KEEPIDLE. */
export const TCP_KEEPIDLE = 4;
/** TCP_KEEPINTVL. */
export const TCP_KEEPINTVL = 5;
/** TCP_KEEPCNT. */
export const TCP_KEEPCNT = 6;
/** TCP_INFO. */
export const TCP_INFO = 11;

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  4: "EINTR",
  9: "EBADF",
  11: "EAGAIN",
  13: "EACCES",
  14: "EFAULT",
  22: "EINVAL",
  24: "EMFILE",
  32: "EPIPE",
  88: "ENOTSOCK",
  92: "ENOPROTOOPT",
  97: "EAFNOSUPPORT",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
  100: "ENETDOWN",
  101: "ENETUNREACH",
  103: "ECONNABORTED",
  104: "ECONNRESET",
  107: "ENOTCONN",
  110: "ETIMEDOUT",
  111: "ECONNREFUSED",
  112: "EHOSTDOWN",
  113: "EHOSTUNREACH",
  114: "EALREADY",
  115: "EINPROGRESS",
};

/** The five libc calls an adapter binds. Each returns 0, or the errno (> 0) on failure. */
export interface LibcSocketCalls {
  /** setsockopt(fd, level, name, value, value.length). */
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  /** getsockopt(fd, level, name, into, &len); `len` holds the capacity in and the size out. */
  getsockopt(fd: number, level: number, name: number, into: Uint8Array, len: Uint32Array): number;
  /** getsockname(fd, into, &len). */
  getsockname(fd: number, into: Uint8Array, len: Uint32Array): number;
  /** getpeername(fd, into, &len). */
  getpeername(fd: number, into: Uint8Array, len: Uint32Array): number;
}

/** An errno number as its name ("EINVAL"), or "errno N". */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

function sameEnd(a: Endpoint | undefined, b: Endpoint): boolean {
  return a !== undefined && a.port === b.port &&
    normalizeAddress(a.address) === normalizeAddress(b.address);
}

function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
}

/** The highest descriptor number scanned when the runtime gives no hint. */
const MAX_FD_SCAN = 65536;

/**
 * Builds a {@link Sockopt} on top of bound libc calls.
 *
 * @example
 * ```ts
 * declare const calls: LibcSocketCalls, fd: number; // the bound libc functions, a TCP socket
 * const so = libcSockopt(calls, "libc setsockopt via bun:ffi");
 * so.setKeepalive(fd, { idle: 10, interval: 2, count: 3 });
 * ```
 */
export function libcSockopt(c: LibcSocketCalls, mechanism: string): Sockopt {
  const addr = new Uint8Array(128);
  const len = new Uint32Array(1);

  function name(fd: number, peer: boolean): Endpoint | undefined {
    len[0] = addr.length;
    const err = peer ? c.getpeername(fd, addr, len) : c.getsockname(fd, addr, len);
    return err === 0 ? parseSockaddr(addr.subarray(0, len[0])) : undefined;
  }
  function matches(fd: number, local: Endpoint, remote: Endpoint): boolean {
    return sameEnd(name(fd, false), local) && sameEnd(name(fd, true), remote);
  }
  function getInt(fd: number, level: number, opt: number, label: string): number {
    const b = new Uint8Array(4);
    len[0] = 4;
    const err = c.getsockopt(fd, level, opt, b, len);
    if (err !== 0) throw optError("read", label, fd, err);
    return new DataView(b.buffer).getInt32(0, true);
  }
  function setInt(fd: number, level: number, opt: number, label: string, v: number): void {
    const err = c.setsockopt(fd, level, opt, int32(v));
    if (err !== 0) throw optError("set", label, fd, err, v);
  }
  function getKeepalive(fd: number): KeepaliveReadback {
    return {
      enabled: getInt(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE") !== 0,
      idle: getInt(fd, IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE"),
      interval: getInt(fd, IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL"),
      count: getInt(fd, IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT"),
    };
  }
  return {
    mechanism,
    findFd(local, remote, hint) {
      if (hint !== undefined && hint >= 0 && matches(hint, local, remote)) return hint;
      for (let fd = 0; fd < MAX_FD_SCAN; fd++) if (matches(fd, local, remote)) return fd;
      return undefined;
    },
    setKeepalive(fd, s: KeepaliveSettings) {
      // Interval and count first: setting TCP_KEEPIDLE re-arms the timer with the new idle.
      setInt(fd, IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL", s.interval);
      setInt(fd, IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT", s.count);
      setInt(fd, IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE", s.idle);
      setInt(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", 1);
      return getKeepalive(fd);
    },
    getKeepalive,
    setReceiveBuffer(fd, bytes) {
      return c.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, int32(bytes)) === 0;
    },
    setBuffer(fd, which, bytes) {
      const [opt, label] = which === "receive"
        ? [SO_RCVBUF, "SO_RCVBUF"]
        : [SO_SNDBUF, "SO_SNDBUF"];
      setInt(fd, SOL_SOCKET, opt, label, bytes);
      return getInt(fd, SOL_SOCKET, opt, label);
    },
    tcpInfo(fd) {
      const b = new Uint8Array(232);
      len[0] = b.length;
      if (c.getsockopt(fd, IPPROTO_TCP, TCP_INFO, b, len) !== 0 || len[0] < 60) return undefined;
      return parseTcpInfo(b);
    },
  };
}

/**
 * Reads the fields of Linux `struct tcp_info` that tcpecho uses (offsets are
 * the same on every Linux ABI: u8 fields, then u32 fields).
 *
 * @example
 * ```ts
 * parseTcpInfo(new Uint8Array(104)).stateName; // "UNKNOWN"
 * ```
 */
export function parseTcpInfo(b: Uint8Array): TcpInfo {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const state = b[0];
  return {
    state,
    stateName: TCP_STATES[state] ?? `state ${state}`,
    retransmits: b[2],
    probes: b[3],
    lastDataSentMs: v.getUint32(44, true),
    lastDataRecvMs: v.getUint32(52, true),
    lastAckRecvMs: v.getUint32(56, true),
    rttUs: v.getUint32(68, true),
  };
}

function optError(
  verb: string,
  label: string,
  fd: number,
  errno: number,
  value?: number,
): TcpechoError {
  const what = value === undefined ? label : `${label} to ${value}`;
  return new TcpechoError(`Cannot ${verb} ${what} on fd ${fd}: ${errnoName(errno)}`, {
    code: errnoName(errno),
    hint: errno === 22 ? "Linux accepts idle and interval 1..32767 s, count 1..127" : undefined,
  });
}
