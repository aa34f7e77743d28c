/**
 * A connected UDP client through libc: socket(SOCK_DGRAM), connect, send and
 * recv on a non-blocking descriptor, waiting in poll. A connected UDP socket
 * gets the kernel's ICMP port unreachable as ECONNREFUSED on its next recv
 * (UNP §8.11), which Deno's node:dgram never shows; this is how `connect
 * --udp` sees "no UDP echo service" on Deno.
 * @module
 */
import { makeAddr } from "../net/addr.ts";
import { NetError, type NetErrorCode, type UdpClient } from "../net/types.ts";
import { AF_INET, AF_INET6, buildSockaddr, parseSockaddr } from "./addr.ts";
import { errnoName } from "./libc.ts";

const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const EAGAIN = 11;
const EINTR = 4;
const POLLIN = 1;
const MSG_ERRQUEUE = 0x2000;
/** IP_RECVERR (SOL_IP) and IPV6_RECVERR (SOL_IPV6): report soft ICMP errors too. */
const RECVERR = { [AF_INET]: [0, 11], [AF_INET6]: [41, 25] } as const;
/** Longest single poll, so a close is noticed soon. */
const SLICE_MS = 100;
const BUFFER = 65536;

/** The libc calls a UDP client needs; each returns its result (>= 0) or minus the errno. */
export interface LibcUdpCalls {
  socket(domain: number, type: number, protocol: number): number;
  connect(fd: number, addr: Uint8Array): number;
  send(fd: number, data: Uint8Array): number;
  recv(fd: number, into: Uint8Array, flags: number): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  getsockname(fd: number, into: Uint8Array, len: Uint32Array): number;
  /** poll(2) on one pollfd, off the event loop; resolves to its result (errno not kept). */
  pollAsync(pollfd: Uint8Array, ms: number): Promise<number>;
  close(fd: number): number;
}

const CODES = new Set<string>([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EACCES",
  "EADDRNOTAVAIL",
  "EMFILE",
  "ENFILE",
]);

function netError(errno: number, op: "connect" | "read" | "write"): NetError {
  const name = errnoName(errno);
  const code = (CODES.has(name) ? name : "EOTHER") as NetErrorCode;
  return new NetError(code, op, `${op} failed: ${name}`, { detail: name });
}

/**
 * Opens a connected UDP socket to a numeric address. Throws NetError.
 *
 * @example
 * ```ts
 * declare const calls: LibcUdpCalls; // the libc functions, bound by deno.ts or bun.ts
 * const u = libcUdpClient(calls, "127.0.0.1", 9877, "libc via Deno.dlopen");
 * await u.send(new TextEncoder().encode("hi\n"));
 * await u.receive(1000); // the echo, null after 1 s, or rejects ECONNREFUSED (ICMP)
 * ```
 */
export function libcUdpClient(
  c: LibcUdpCalls,
  address: string,
  port: number,
  mechanism: string,
): UdpClient {
  const addr = buildSockaddr(address, port);
  const domain = addr[0] === AF_INET ? AF_INET : AF_INET6;
  const fd = c.socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw netError(-fd, "connect");
  // Without IP_RECVERR Linux reports only "hard" ICMP errors (port unreachable) on a UDP
  // socket; with it, host and net unreachable too, as Bun's sockets do.
  const [level, name] = RECVERR[domain];
  c.setsockopt(fd, level, name, new Uint8Array([1, 0, 0, 0]));
  const rc = c.connect(fd, addr);
  if (rc < 0) {
    c.close(fd);
    throw netError(-rc, "connect");
  }
  const sa = new Uint8Array(128);
  const len = new Uint32Array([sa.length]);
  const local = c.getsockname(fd, sa, len) < 0 ? undefined : parseSockaddr(sa.subarray(0, len[0]));
  const buf = new Uint8Array(BUFFER);
  const pollfd = new Uint8Array(8);
  const view = new DataView(pollfd.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, POLLIN, true);
  let closed = false;
  return {
    local: makeAddr(local?.address ?? "", local?.port ?? 0),
    remote: makeAddr(address, port),
    mechanism,
    seesIcmp: true,
    send(data) {
      if (closed) return Promise.reject(new NetError("ECLOSED", "write", "socket closed"));
      for (;;) {
        const n = c.send(fd, data);
        if (n >= 0) return Promise.resolve();
        if (-n !== EINTR) return Promise.reject(netError(-n, "write"));
      }
    },
    async receive(timeoutMs) {
      const end = performance.now() + timeoutMs;
      while (!closed) {
        const n = c.recv(fd, buf, 0);
        if (n >= 0) return buf.slice(0, n);
        if (-n !== EAGAIN && -n !== EINTR) {
          while (c.recv(fd, buf, MSG_ERRQUEUE) >= 0); // drop the queued ICMP reports
          throw netError(-n, "read");
        }
        const left = end - performance.now();
        if (left <= 0) return null;
        view.setInt16(6, 0, true);
        await c.pollAsync(pollfd, Math.max(1, Math.min(SLICE_MS, Math.ceil(left))));
      }
      return null;
    },
    close() {
      if (closed) return;
      closed = true;
      c.close(fd);
    },
  };
}
