/**
 * The capture layer: read pcap and pcapng (optionally gzip-compressed) from any
 * {@link ByteSource}, streaming, one reused Frame per record.
 *
 * Design rules (each a deliberate choice, tested in tests/capture_*.test.ts):
 * - Frame numbers follow Wireshark: a pcapng custom block (0xBAD, 0x40000BAD)
 *   takes a number but is not delivered (`CaptureInfo.frames` vs `packets`).
 * - A Simple Packet Block has no timestamp: `hasTimestamp` is false and the
 *   previous frame's time is repeated (Wireshark shows none).
 * - Truncated vs corrupt: a record whose header is sane but whose bytes run
 *   past the end of the input is "truncated" (warning + `truncated: true`,
 *   everything before delivered). A length that is misaligned, below the
 *   minimum, above the bound (pcap: 262144 as libpcap, or the snaplen up to
 *   64 MiB; pcapng: 64 MiB) or that disagrees with the block's trailing copy
 *   is "corrupt": ECAPTURE naming the byte offset and what was expected.
 * - A pcap record above the file's snaplen but within the bound is read (as
 *   libpcap does) with one warning.
 * - gzip is detected by its magic, not the file name; a gzip stream that is
 *   cut off or corrupt after some output ends the capture as truncated.
 * - Memory: one buffer (1 MiB default), grown by doubling only when it is full
 *   and a record still does not fit, so a bogus length cannot allocate more
 *   than the bytes actually present.
 * - The 1999-era pcap variants whose magic is shared with another layout
 *   (RedHat 6.1, Nokia, SuSE 6.3: longer record headers) are told apart as
 *   Wireshark does, by which layout makes the second record header plausible
 *   (lib/capture/pcap_variant.ts).
 *
 * @example
 * ```ts
 * import { readCapture } from "./mod.ts";
 * import type { Runtime } from "../runtime/types.ts";
 * declare const rt: Runtime;
 * const sizes: number[] = [];
 * const info = await readCapture(await rt.openFile("x.pcap"), (f) => sizes.push(f.caplen));
 * ```
 * @module
 */
export { readCapture } from "./reader.ts";
export { bytesSource, streamSource } from "./stream.ts";
export { gunzipSource, isGzip } from "./gzip.ts";
export { newFrame } from "./parser.ts";
export type { FrameCallback } from "./parser.ts";
export type { ByteSource, CaptureInfo, Frame, ReadOptions } from "./types.ts";
