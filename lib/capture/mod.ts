/**
 * The capture layer: read pcap and pcapng (optionally gzip-compressed) from any
 * {@link ByteSource}, streaming, one reused Frame per record.
 *
 * @example
 * ```ts
 * import { readCapture } from "./lib/capture/mod.ts";
 * const info = await readCapture(await rt.openFile("x.pcap"), (f) => console.log(f.index));
 * ```
 * @module
 */
export { readCapture } from "./reader.ts";
export { bytesSource, streamSource } from "./stream.ts";
export { gunzipSource, isGzip } from "./gzip.ts";
export { newFrame } from "./parser.ts";
export type { FrameCallback } from "./parser.ts";
export type { ByteSource, CaptureInfo, Frame, ReadOptions } from "./types.ts";
