/**
 * Live packet capture for the running runtime: libpcap by FFI (Deno.dlopen or
 * bun:ffi) with a non-blocking handle polled from the event loop, or a
 * `tcpdump -U -w -` child process where FFI is not allowed or libpcap is
 * missing. The capture is read as a pcap byte stream.
 *
 * @example
 * ```ts
 * import { openCapture } from "./mod.ts";
 * const cap = await openCapture({ device: "lo", filter: "tcp port 9877" });
 * if ("code" in cap) console.error(cap.message);
 * else {
 *   // explainCapture(cap, { onConnection }) reads it like a file; cap.stop() ends it.
 * }
 * ```
 * @module
 */
import { runtimeName } from "../mod.ts";
import type { CaptureFailure, CaptureRequest, LiveCapture } from "./types.ts";

export type { CaptureFailure, CaptureRequest, CaptureStats, LiveCapture } from "./types.ts";

/** Starts a live capture, or says why it cannot. */
export async function openCapture(req: CaptureRequest): Promise<LiveCapture | CaptureFailure> {
  const m = runtimeName() === "bun" ? await import("./bun.ts") : await import("./deno.ts");
  return await m.openCapture(req);
}

/** The running executable: what `setcap` must be given to capture without root. */
export async function execPath(): Promise<string> {
  const m = runtimeName() === "bun" ? await import("./bun.ts") : await import("./deno.ts");
  return m.execPath();
}
