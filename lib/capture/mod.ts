/**
 * The capture layer: read pcap and pcapng (optionally gzip-compressed) from any
 * {@link ByteSource}, streaming, one reused Frame per record.
 *
 * Design rules (each a deliberate choice, tested in tests/capture_*.test.ts):
 * - Frame numbers follow Wireshark: a pcapng custom block (0xBAD, 0x40000BAD)
 *   takes a number but is not delivered (`CaptureInfo.frames` vs `packets`).
 * - A Simple Packet Block has no timestamp: `hasTimestamp` is false and the
 *   previous frame's time is repeated (Wireshark shows none).
 * - Truncated vs damaged: a record whose header is sane but whose bytes run
 *   past the end of the input is "truncated" (warning + `truncated: true`,
 *   everything before delivered). A record or block that cannot be read
 *   (pcap: captured length above the bound, 262144 as libpcap or the snaplen up
 *   to 64 MiB; pcapng: a length that is misaligned, below the minimum, above
 *   64 MiB or differs from the block's trailing copy) is "damaged": a warning
 *   naming the byte offset, then a scan for the next plausible record
 *   (`damaged: true`). Reading never throws after frames were delivered.
 *   Every rule and warning: docs/capture.md.
 * - A pcap record above the file's snaplen but within the bound is read (as
 *   libpcap does), with a warning counted by kind. pcap < 2.3 has caplen and
 *   len swapped back as libpcap does.
 * - Warnings are bounded: counted by kind, a few examples each
 *   (`CaptureInfo.warnings`, `warningKinds`).
 * - gzip is detected by its magic, not the file name; members, trailing data
 *   and CRCs are handled in lib/capture/gzip.ts (the same on both runtimes,
 *   memory flat); a gzip stream that is cut off or corrupt after some output
 *   ends the capture as truncated.
 * - Memory: one buffer (1 MiB default), grown by doubling only when it is full
 *   and a record still does not fit, so a bogus length cannot allocate more
 *   than the bytes actually present.
 * - The 1999-era pcap variants whose magic is shared with another layout
 *   (RedHat 6.1, Nokia, SuSE 6.3: longer record headers) are told apart as
 *   Wireshark does, by which layout makes the next record headers plausible
 *   (four records scored per layout; an out-of-range timestamp fraction only
 *   counts as a doubt: lib/capture/pcap_variant.ts).
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
export { looksLikeCapture, readCapture } from "./reader.ts";
export { bytesSource, streamSource } from "./stream.ts";
export { gunzipSource, isGzip, loadGzip } from "./gzip.ts";
export { newFrame } from "./parser.ts";
export type { FrameCallback } from "./parser.ts";
export { WarningLog } from "./warnings.ts";
export type { ByteSource, CaptureInfo, Frame, ReadOptions, WarningKind } from "./types.ts";
