/**
 * The socket layer for the runtime executing this code (Deno native or Bun
 * native), loaded once by feature detection; the other runtime's code is never
 * imported. See types.ts for the interface and errors.ts for normalisation.
 *
 * @example
 * ```ts
 * import { getNet } from "./mod.ts";
 * const net = await getNet();
 * const l = await net.listen({ host: "::", port: 9877 });
 * for (let c = await l.accept(); c; c = await l.accept()) { /* echo *\/ }
 * ```
 * @module
 */
import { runtimeName } from "../mod.ts";
import type { NetApi } from "./types.ts";

export type {
  AcceptBackoff,
  Addr,
  Conn,
  ConnectOptions,
  Datagram,
  Listener,
  ListenOptions,
  NetApi,
  NetErrorCode,
  NetOp,
  StdinReader,
  UdpClient,
  UdpSocket,
} from "./types.ts";
export { NetError } from "./types.ts";
export { formatAddr, makeAddr } from "./addr.ts";
export {
  type BuffersApplied,
  type BufferSizes,
  buffersUnavailable,
  setSocketBuffers,
} from "./buffers.ts";
export {
  atDescriptorLimit,
  describeFdExhaustion,
  type FdLimit,
  freeDescriptors,
  openFdCount,
  openFileLimit,
} from "./limits.ts";

let cached: Promise<NetApi> | undefined;

/** The socket layer for this process (loaded once). */
export function getNet(): Promise<NetApi> {
  cached ??= runtimeName() === "bun"
    ? import("./bun.ts").then((m) => m.net)
    : import("./deno.ts").then((m) => m.net);
  return cached;
}
