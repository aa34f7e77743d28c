/**
 * A TCP connect done through libc, for probes: the exact errno of each
 * attempt on both runtimes (Bun's own sockets report every failed connect as
 * ECONNREFUSED, even an ICMP host-unreachable), and the handshake timed at
 * the moment poll(2) reports it. Non-blocking connect, then poll in short
 * slices so the event loop (Ctrl-C) is never held for more than {@link SLICE_MS}.
 * @module
 */
import { AF_INET, AF_INET6, buildSockaddr, parseSockaddr } from "./addr.ts";
import { errnoName } from "./libc.ts";
import type { Endpoint } from "./types.ts";

/** Longest single blocking poll(2), in ms. */
export const SLICE_MS = 50;

const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const POLLOUT = 4;
const SOL_SOCKET = 1;
const SO_ERROR = 4;
const EINPROGRESS = 115;
const EINTR = 4;

/**
 * The libc calls a raw connect needs. Each returns its result (>= 0), or
 * minus the errno on failure.
 */
export interface LibcConnectCalls {
  socket(domain: number, type: number, protocol: number): number;
  connect(fd: number, addr: Uint8Array): number;
  poll(pollfd: Uint8Array, timeoutMs: number): number;
  getsockopt(fd: number, level: number, name: number, into: Uint8Array, len: Uint32Array): number;
  getsockname(fd: number, into: Uint8Array, len: Uint32Array): number;
  close(fd: number): number;
}

/** The outcome of {@link RawConnector.connect}. */
export type RawConnectResult =
  | { ok: true; ms: number; local?: Endpoint; close(): void }
  | { ok: false; ms: number; errno: string };

/** Connects through libc. */
export interface RawConnector {
  /** "libc connect via bun:ffi" … */
  readonly mechanism: string;
  /**
   * Connects to a numeric address within `timeoutMs` (ETIMEDOUT after it);
   * `ms` is the time from connect(2) to the outcome. Never rejects.
   */
  connect(address: string, port: number, timeoutMs: number): Promise<RawConnectResult>;
}

const yieldToLoop = () => new Promise((r) => setTimeout(r, 0));

/**
 * Builds a {@link RawConnector} on bound libc calls.
 *
 * @example
 * ```ts
 * declare const calls: LibcConnectCalls; // the libc functions, bound by bun:ffi or Deno.dlopen
 * const r = await libcConnector(calls, "libc connect via bun:ffi").connect("127.0.0.1", 9877, 2000);
 * if (r.ok) r.close(); else console.log(r.errno); // "ECONNREFUSED", "EHOSTUNREACH" …
 * ```
 */
export function libcConnector(c: LibcConnectCalls, mechanism: string): RawConnector {
  const int = new Uint8Array(4);
  const len = new Uint32Array(1);
  const soError = (fd: number): number => {
    len[0] = 4;
    const rc = c.getsockopt(fd, SOL_SOCKET, SO_ERROR, int, len);
    return rc < 0 ? -rc : new DataView(int.buffer).getInt32(0, true);
  };
  const localOf = (fd: number): Endpoint | undefined => {
    const b = new Uint8Array(128);
    len[0] = b.length;
    return c.getsockname(fd, b, len) < 0 ? undefined : parseSockaddr(b.subarray(0, len[0]));
  };
  return {
    mechanism,
    async connect(address, port, timeoutMs) {
      const addr = buildSockaddr(address, port);
      const domain = addr[0] === AF_INET ? AF_INET : AF_INET6;
      const fd = c.socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) return { ok: false, ms: 0, errno: errnoName(-fd) };
      const start = performance.now();
      const fail = (errno: number) => {
        const ms = performance.now() - start;
        c.close(fd);
        return { ok: false as const, ms, errno: errnoName(errno) };
      };
      const rc = c.connect(fd, addr);
      if (rc < 0 && -rc !== EINPROGRESS) return fail(-rc);
      const pollfd = new Uint8Array(8);
      const view = new DataView(pollfd.buffer);
      view.setInt32(0, fd, true);
      view.setInt16(4, POLLOUT, true);
      for (;;) {
        const left = timeoutMs - (performance.now() - start);
        if (left <= 0) return fail(110);
        view.setInt16(6, 0, true);
        const n = rc === 0 ? 1 : c.poll(pollfd, Math.min(SLICE_MS, Math.ceil(left)));
        if (n < 0 && -n !== EINTR) return fail(-n);
        if (n > 0) {
          const ms = performance.now() - start;
          const err = soError(fd);
          if (err !== 0) return fail(err);
          return { ok: true, ms, local: localOf(fd), close: () => void c.close(fd) };
        }
        await yieldToLoop();
      }
    },
  };
}
