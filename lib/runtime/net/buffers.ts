/**
 * SO_RCVBUF and SO_SNDBUF on a connected socket (UNP §7.5), for `serve
 * --rcvbuf/--sndbuf` and `connect --rcvbuf/--sndbuf`. Neither runtime's socket
 * API sets them, so they go through libc by FFI (lib/runtime/sockopt): on Deno
 * that needs --allow-ffi, on Bun nothing more.
 * @module
 */
import { loadSockopt } from "../sockopt/mod.ts";
import type { Conn } from "./types.ts";

/** Buffer sizes asked for, in bytes. */
export interface BufferSizes {
  /** SO_RCVBUF. */
  receive?: number;
  /** SO_SNDBUF. */
  send?: number;
}

/** What the kernel kept (read back; Linux doubles what was asked), or why nothing was set. */
export type BuffersApplied = { receive?: number; send?: number } | { reason: string };

/**
 * Whether socket buffer sizes can be set in this process: undefined when
 * they can, else the reason (Deno without --allow-ffi, not Linux).
 *
 * @example
 * ```ts
 * const why = await buffersUnavailable();
 * if (why) console.error(why);
 * ```
 */
export async function buffersUnavailable(): Promise<string | undefined> {
  const so = await loadSockopt();
  return "reason" in so
    ? so.reason.replace("TCP keepalive options", "socket buffer sizes")
    : undefined;
}

/**
 * Sets SO_RCVBUF / SO_SNDBUF on a connection and reads them back. Never
 * throws: a refusal (or a connection already gone) comes back as `reason`.
 *
 * @example
 * ```ts
 * import { getNet } from "./mod.ts";
 * const conn = await (await getNet()).connect({ host: "127.0.0.1", port: 9877 });
 * await setSocketBuffers(conn, { receive: 4096 }); // { receive: 8192 }
 * ```
 */
export async function setSocketBuffers(conn: Conn, sizes: BufferSizes): Promise<BuffersApplied> {
  if (sizes.receive === undefined && sizes.send === undefined) return {};
  const so = await loadSockopt();
  if ("reason" in so) return { reason: so.reason };
  const fd = so.findFd(
    { address: conn.local.host, port: conn.local.port },
    { address: conn.remote.host, port: conn.remote.port },
  );
  if (fd === undefined) return { reason: "the connection's descriptor was not found (closed?)" };
  try {
    const out: { receive?: number; send?: number } = {};
    if (sizes.receive !== undefined) out.receive = so.setBuffer(fd, "receive", sizes.receive);
    if (sizes.send !== undefined) out.send = so.setBuffer(fd, "send", sizes.send);
    return out;
  } catch (e) {
    return { reason: (e as Error).message };
  }
}
