/**
 * A raw IPv4 UDP sender through libc (socket(AF_INET, SOCK_RAW, IPPROTO_UDP)
 * and sendto): the caller writes the UDP header, so the source port can be
 * anything, 0 included, which no ordinary socket can send. Needs root or
 * CAP_NET_RAW. Used to test that servers survive such datagrams.
 * @module
 */
import { AF_INET, buildSockaddr } from "./addr.ts";
import { errnoName } from "./libc.ts";

const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const IPPROTO_UDP = 17;

/** The libc calls a raw send needs; each returns its result (>= 0) or minus the errno. */
export interface LibcRawCalls {
  socket(domain: number, type: number, protocol: number): number;
  sendto(fd: number, data: Uint8Array, addr: Uint8Array): number;
  close(fd: number): number;
}

/** Sends hand-made UDP datagrams. */
export interface RawUdpSender {
  /**
   * Sends one IPv4 UDP datagram with the given source port (0 allowed) to
   * address:port, from the address the kernel picks. Resolves to undefined on
   * success or the errno name ("EPERM" without CAP_NET_RAW).
   */
  send(srcPort: number, address: string, port: number, payload: Uint8Array): string | undefined;
}

/**
 * Builds a {@link RawUdpSender} on bound libc calls.
 *
 * @example
 * ```ts
 * declare const calls: LibcRawCalls; // the libc functions, bound by bun:ffi or Deno.dlopen
 * libcRawUdp(calls).send(0, "127.0.0.1", 9877, new TextEncoder().encode("hi")); // undefined
 * ```
 */
export function libcRawUdp(c: LibcRawCalls): RawUdpSender {
  return {
    send(srcPort, address, port, payload) {
      const addr = buildSockaddr(address, 0);
      if (addr[0] !== AF_INET) return "EAFNOSUPPORT";
      const fd = c.socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
      if (fd < 0) return errnoName(-fd);
      try {
        const d = new Uint8Array(8 + payload.length);
        const v = new DataView(d.buffer);
        v.setUint16(0, srcPort);
        v.setUint16(2, port);
        v.setUint16(4, d.length);
        v.setUint16(6, 0); // no checksum (allowed on IPv4)
        d.set(payload, 8);
        const rc = c.sendto(fd, d, addr);
        return rc < 0 ? errnoName(-rc) : undefined;
      } finally {
        c.close(fd);
      }
    },
  };
}
