/**
 * {@link Conn} and {@link Listener} over node:net, which both runtimes provide.
 * Deno uses it only where its native API cannot do the job: an abortive close
 * (RST via `resetAndDestroy()`), which Deno's native Conn lacks (its close
 * always sends FIN first). It is about half as fast as native on both
 * runtimes here, so it is never the default.
 * @module
 */
import * as nodeNet from "node:net";
import { acceptErrorCode, AcceptQueue, Backoff } from "./accept.ts";
import { makeAddr } from "./addr.ts";
import { toNetError } from "./errors.ts";
import { ChunkQueue } from "./queue.ts";
import { type Conn, type Listener, type ListenOptions, NetError } from "./types.ts";

/**
 * Wraps a connected node:net socket as a {@link Conn} (allowHalfOpen must be true).
 *
 * @example
 * ```ts
 * import * as nodeNet from "node:net";
 * declare const socket: nodeNet.Socket; // connected, from node:net
 * const conn = new NodeConn(socket, 65536, true);
 * ```
 */
export class NodeConn implements Conn {
  readonly local;
  readonly remote;
  readonly canReset = true;
  #s: nodeNet.Socket;
  #q: ChunkQueue;
  #failed: NetError | undefined;

  constructor(s: nodeNet.Socket, cap: number, noDelay: boolean) {
    this.#s = s;
    this.local = makeAddr(s.localAddress, s.localPort);
    this.remote = makeAddr(s.remoteAddress, s.remotePort);
    s.setNoDelay(noDelay);
    this.#q = new ChunkQueue(cap, () => s.pause(), () => s.resume());
    s.on("data", (d: Uint8Array) => this.#q.push(d));
    s.on("end", () => this.#q.end());
    s.on("error", (e) => {
      const ne = toNetError(e, "read");
      this.#failed ??= ne;
      this.#q.fail(ne);
    });
    s.on("close", () => this.#q.fail(new NetError("ECLOSED", "read", "Cannot read: closed")));
  }

  read(): Promise<Uint8Array | null> {
    return this.#q.read();
  }

  write(data: Uint8Array): Promise<void> {
    if (this.#s.destroyed || this.#failed || this.#s.writableEnded) {
      return Promise.reject(
        new NetError("EPIPE", "write", "Cannot write: the connection is closed or reset"),
      );
    }
    return new Promise((resolve, reject) => {
      this.#s.write(data, (err) => err ? reject(toNetError(err, "write")) : resolve());
    });
  }

  closeWrite(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#s.writableEnded || this.#s.destroyed) return resolve();
      this.#s.end(() => resolve());
    });
  }

  close(): void {
    const s = this.#s;
    if (s.destroyed) return;
    if (s.writableFinished || s.writableLength === 0) s.destroy();
    else s.end(() => s.destroy());
  }

  reset(): void {
    if (!this.#s.destroyed) this.#s.resetAndDestroy();
  }

  setNoDelay(on: boolean): void {
    this.#s.setNoDelay(on);
  }

  setKeepAlive(on: boolean): void {
    this.#s.setKeepAlive(on);
  }
}

/**
 * Listens with node:net; accepted sockets become {@link NodeConn}s.
 *
 * @example
 * ```ts
 * const l = await nodeListen({ host: "::", port: 0 });
 * const conn = await l.accept();
 * ```
 */
export function nodeListen(opts: ListenOptions): Promise<Listener> {
  const cap = opts.bufferSize ?? 65536;
  const noDelay = opts.noDelay ?? true;
  const queue = new AcceptQueue<NodeConn>();
  const server = nodeNet.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (s) => {
    const c = new NodeConn(s, cap, noDelay);
    if (!queue.push(c)) c.close();
  });
  return new Promise((resolve, reject) => {
    server.once("error", (e) => reject(toNetError(e, "listen")));
    server.listen({ host: opts.host, port: opts.port, backlog: 4096 }, () => {
      const a = server.address() as nodeNet.AddressInfo;
      server.removeAllListeners("error");
      // Listener-wide failures after listening (EMFILE on accept): report, keep serving.
      const backoff = new Backoff(opts.onAcceptBackoff);
      server.on("error", (e) => backoff.fail(acceptErrorCode(e)));
      server.on("connection", () => backoff.recovered());
      resolve({
        addr: makeAddr(a.address, a.port),
        accept: () => queue.next(),
        close() {
          if (queue.closed) return;
          server.close();
          for (const c of queue.close()) c.close();
        },
      });
    });
  });
}
