/**
 * UDP over node:dgram, which both runtimes provide (Deno's native datagram API
 * is still behind --unstable-net). Received datagrams wait in a bounded queue;
 * beyond it they are dropped, as a full kernel socket buffer would.
 * @module
 */
import dgram from "node:dgram";
import { makeAddr } from "./addr.ts";
import { toNetError } from "./errors.ts";
import type { Addr, Datagram, UdpSocket } from "./types.ts";

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
