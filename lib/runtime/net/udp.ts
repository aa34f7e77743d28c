/**
 * UDP over node:dgram, which both runtimes provide (Deno's native datagram API
 * is still behind --unstable-net). Received datagrams wait in a bounded queue;
 * beyond it they are dropped, as a full kernel socket buffer would.
 * @module
 */
import dgram from "node:dgram";
import { lookup } from "node:dns/promises";
import { makeAddr } from "./addr.ts";
import { toNetError } from "./errors.ts";
import { type Addr, type Datagram, NetError, type UdpClient, type UdpSocket } from "./types.ts";

const MAX_QUEUED = 1024;

/**
 * Binds a UDP socket (IPv6 when the host contains ':'; "::" is dual-stack).
 *
 * @example
 * ```ts
 * const u = await bindUdp({ host: "127.0.0.1", port: 0 });
 * const d = await u.receive();
 * if (d) await u.send(d.data, d.from);
 * ```
 */
export function bindUdp(opts: { host: string; port: number }): Promise<UdpSocket> {
  const type = opts.host.includes(":") ? "udp6" : "udp4";
  const sock = dgram.createSocket({ type, reuseAddr: false });
  const queue: Datagram[] = [];
  let waiter: ((d: Datagram | null) => void) | undefined;
  let closed = false;
  sock.on("message", (msg: Uint8Array, rinfo) => {
    const d = { data: msg, from: makeAddr(rinfo.address, rinfo.port) };
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(d);
    } else if (queue.length < MAX_QUEUED) queue.push(d);
  });
  return new Promise((resolve, reject) => {
    sock.once("error", (e) => reject(toNetError(e, "listen")));
    sock.bind(opts.port, opts.host, () => {
      sock.removeAllListeners("error");
      sock.on("error", () => {/* ICMP port unreachable from a peer: ignore */});
      const a = sock.address();
      resolve({
        addr: makeAddr(a.address, a.port),
        receive() {
          if (queue.length) return Promise.resolve(queue.shift()!);
          if (closed) return Promise.resolve(null);
          return new Promise((r) => (waiter = r));
        },
        send(data: Uint8Array, to: Addr) {
          const host = type === "udp6" && to.family === 4 ? `::ffff:${to.host}` : to.host;
          // node:dgram throws synchronously on a bad destination (port 0 on Deno):
          // both that and a failed send become a rejected NetError, never an uncaught throw.
          return new Promise<void>((res, rej) => {
            try {
              sock.send(data, to.port, host, (err) => err ? rej(toNetError(err, "write")) : res());
            } catch (e) {
              rej(toNetError(e, "write"));
            }
          });
        },
        close() {
          if (closed) return;
          closed = true;
          sock.close();
          waiter?.(null);
          waiter = undefined;
        },
      });
    });
  });
}

/**
 * A connected UDP client over node:dgram. Bun passes the kernel's ICMP
 * errors on (an `error` event, ECONNREFUSED); Deno's node:dgram does not
 * connect the kernel socket, so there `icmp` is false and a port without a
 * server only looks like loss.
 *
 * @example
 * ```ts
 * const u = await connectUdpDgram("127.0.0.1", 9877, true);
 * await u.send(new TextEncoder().encode("hi\n"));
 * const echo = await u.receive(1000); // null after 1 s without an answer
 * ```
 */
export function connectUdpDgram(address: string, port: number, icmp: boolean): Promise<UdpClient> {
  const sock = dgram.createSocket({ type: address.includes(":") ? "udp6" : "udp4" });
  const queue: Uint8Array[] = [];
  let pendingError: NetError | undefined;
  let waiter: ((d: Uint8Array | null | NetError) => void) | undefined;
  let closed = false;
  const wake = (d: Uint8Array | null | NetError) => {
    const w = waiter;
    waiter = undefined;
    w?.(d);
    return w !== undefined;
  };
  sock.on("message", (msg: Uint8Array) => {
    if (!wake(msg) && queue.length < MAX_QUEUED) queue.push(msg);
  });
  return new Promise((resolve, reject) => {
    sock.once("error", (e) => reject(toNetError(e, "connect")));
    sock.connect(port, address, () => {
      sock.removeAllListeners("error");
      sock.on("error", (e) => {
        const ne = toNetError(e, "read");
        if (!wake(ne)) pendingError = ne;
      });
      const a = sock.address();
      resolve({
        local: makeAddr(a.address, a.port),
        remote: makeAddr(address, port),
        mechanism: "node:dgram",
        seesIcmp: icmp,
        send(data) {
          return new Promise<void>((res, rej) => {
            try {
              sock.send(data, (err) => err ? rej(toNetError(err, "write")) : res());
            } catch (e) {
              rej(toNetError(e, "write"));
            }
          });
        },
        receive(timeoutMs) {
          if (pendingError) {
            const e = pendingError;
            pendingError = undefined;
            return Promise.reject(e);
          }
          if (queue.length) return Promise.resolve(queue.shift()!);
          if (closed) return Promise.resolve(null);
          return new Promise((res, rej) => {
            const timer = setTimeout(() => wake(null), timeoutMs);
            waiter = (d) => {
              clearTimeout(timer);
              d instanceof NetError ? rej(d) : res(d);
            };
          });
        },
        close() {
          if (closed) return;
          closed = true;
          sock.close();
          wake(null);
        },
      });
    });
  });
}

/**
 * Resolves a host name to one numeric address for a UDP client (the first
 * the resolver gives). Rejects with NetError ENOTFOUND.
 *
 * @example
 * ```ts
 * await resolveUdpHost("localhost"); // "127.0.0.1" or "::1"
 * ```
 */
export async function resolveUdpHost(host: string): Promise<string> {
  if (/^[\d.]+$/.test(host) || host.includes(":")) return host;
  try {
    return (await lookup(host)).address;
  } catch (e) {
    throw toNetError(e, "resolve");
  }
}
