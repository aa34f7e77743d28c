/**
 * Reading a capture: detect the format (pcap, pcapng, either gzip-compressed),
 * then stream it in large chunks through the format's parser, delivering each
 * packet record to a synchronous callback as ONE reused {@link Frame}.
 *
 * Memory stays flat: one buffer (1 MiB by default) is refilled in place; only
 * the tail of a record cut by a chunk boundary is moved to its front, and the
 * buffer grows only for a record larger than itself.
 *
 * @example
 * ```ts
 * // cmd/explain.ts: a file path, or "-" for stdin (rt: the Runtime).
 * import { readCapture } from "./reader.ts";
 * import { decodeFrame, newPacket } from "../decode/mod.ts";
 * import type { Runtime } from "../runtime/types.ts";
 * declare const rt: Runtime, path: string, warn: (s: string) => void;
 * const src = path === "-" ? rt.stdin() : await rt.openFile(path);
 * const pkt = newPacket();
 * let tcp = 0;
 * try {
 *   const info = await readCapture(src, (frame) => {
 *     decodeFrame(frame, pkt); // pkt and frame are reused: copy what you keep
 *     if (pkt.kind === "tcp") tcp++;
 *   });
 *   for (const w of info.warnings) warn(w); // bounded: a few per kind, then "... and N more"
 * } finally {
 *   src.close();
 * }
 * ```
 * @module
 */
import { asciiPrefix, captureError, hexPrefix } from "./errors.ts";
import { gunzipSource, isGzip, loadGzip } from "./gzip.ts";
import { newFrame } from "./parser.ts";
import type { FormatParser, FrameCallback } from "./parser.ts";
import { PcapParser } from "./pcap.ts";
import { isPcapMagic } from "./pcap_variant.ts";
import { PcapngParser } from "./pcapng.ts";
import { BLOCK } from "./pcapng_blocks.ts";
import type { ByteSource, CaptureInfo, ReadOptions } from "./types.ts";

const DEFAULT_CHUNK = 1024 * 1024;
const HINT_NOT_CAPTURE =
  "tcpecho reads pcap and pcapng files (optionally gzip-compressed), as written by " +
  "'tcpdump -w FILE', tshark, dumpcap or Wireshark";

/**
 * Whether a file's first bytes are those of a capture this reader takes: a
 * pcap magic, a pcapng section header, or gzip (whose content is checked
 * when it is read). Four bytes are enough.
 *
 * @example
 * ```ts
 * looksLikeCapture(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1])); // true
 * looksLikeCapture(new TextEncoder().encode("{\"id\"")); // false
 * ```
 */
export function looksLikeCapture(head: Uint8Array): boolean {
  if (isGzip(head)) return true;
  if (head.length < 4) return false;
  const magic = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  return magic === BLOCK.SHB || isPcapMagic(magic);
}

/** Reads until `buf` holds at least `min` bytes from `end` on, or the source ends. */
async function fill(src: ByteSource, buf: Uint8Array, end: number, min: number): Promise<number> {
  while (end < min) {
    const n = await src.read(buf.subarray(end));
    if (n === null) break;
    end += n;
  }
  return end;
}

function pickParser(head: Uint8Array, onFrame: FrameCallback): FormatParser {
  const magic = head.length >= 4
    ? ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0
    : -1;
  if (magic === BLOCK.SHB) return new PcapngParser(newFrame(), onFrame);
  if (isPcapMagic(magic)) return new PcapParser(newFrame(), onFrame);
  if (head.length === 0) {
    throw captureError("the input is empty (0 bytes)", HINT_NOT_CAPTURE);
  }
  throw captureError(
    `not a pcap or pcapng file: the first bytes are ${hexPrefix(head, 16)} ` +
      `("${asciiPrefix(head, 16)}"); expected a pcap magic (a1b2c3d4, a1b23c4d in either ` +
      `byte order) or a pcapng section header (0a0d0d0a)`,
    HINT_NOT_CAPTURE,
  );
}

/**
 * Reads a whole capture from `source`, calling `onFrame` synchronously for
 * each packet record (the Frame object and its buffer are reused: valid only
 * during the call). Resolves with what was learned about the file.
 *
 * A file that ends inside a record resolves normally with `truncated: true`
 * and a warning naming the byte offset; everything before it was delivered.
 * Damage after the file header is warned about and skipped up to the next
 * plausible record (`damaged: true`, docs/capture.md): reading never rejects
 * after frames were delivered. Non-captures, cut-off or unsupported file
 * headers, and files where damage left no frame at all reject with a
 * TcpechoError (code ECAPTURE, exit 1) whose one-line message names the
 * offset and what was expected. Errors thrown by `onFrame` propagate unchanged.
 *
 * @example
 * ```ts
 * import { decodeFrame, newPacket } from "../decode/mod.ts";
 * import type { Runtime } from "../runtime/types.ts";
 * declare const rt: Runtime, path: string;
 * const src = path === "-" ? rt.stdin() : await rt.openFile(path);
 * let tcp = 0;
 * const pkt = newPacket();
 * const info = await readCapture(src, (f) => {
 *   if (decodeFrame(f, pkt).kind === "tcp") tcp++;
 * });
 * // info.format, info.frames and info.truncated describe the file; tcp counts TCP frames
 * ```
 */
export async function readCapture(
  source: ByteSource,
  onFrame: FrameCallback,
  opts: ReadOptions = {},
): Promise<CaptureInfo> {
  let buf = new Uint8Array(Math.max(64, opts.chunkSize ?? DEFAULT_CHUNK));
  let end = await fill(source, buf, 0, 16);
  let src = source;
  let gunzip: ReturnType<typeof gunzipSource> | undefined;
  if (isGzip(buf.subarray(0, end))) {
    await loadGzip();
    gunzip = gunzipSource(buf.slice(0, end), source);
    src = gunzip;
    end = await fill(src, buf, 0, 16);
    if (end === 0 && gunzip.failure !== "") {
      throw captureError(`the gzip data is corrupt: ${gunzip.failure}`);
    }
  }
  const parser = pickParser(buf.subarray(0, end), onFrame);
  let view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let base = 0;
  let eof = false;
  for (;;) {
    const next = parser.parse(buf, view, 0, end, base, eof);
    if (next > 0) {
      if (next < end) buf.copyWithin(0, next, end);
      base += next;
      end -= next;
    }
    if (eof) break;
    // Grow (doubling) only when the buffer is full and the record still does
    // not fit: memory follows the bytes actually present, not a length field.
    if (end === buf.length && parser.need > buf.length) {
      const bigger = new Uint8Array(Math.min(parser.need, buf.length * 2));
      bigger.set(buf.subarray(0, end));
      buf = bigger;
      view = new DataView(buf.buffer);
    }
    const n = await src.read(buf.subarray(end));
    if (n === null) eof = true;
    else end += n;
  }
  if (!parser.started) {
    throw captureError(
      `the ${parser.format} file header is cut off: the input ends at byte ${end} ` +
        `(expected at least ${parser.need} bytes)`,
    );
  }
  const log = parser.log;
  let truncated = false;
  if (end > 0) {
    truncated = true;
    log.add(
      "truncated",
      `capture ends inside a record at byte ${base}: ${end} of its ${parser.need} bytes ` +
        `are present; the ${parser.packets} records before it were read`,
    );
  }
  let damaged = parser.damaged;
  if (gunzip) {
    log.merge(gunzip.log);
    if (gunzip.damaged) damaged = true;
    if (gunzip.failure !== "") {
      truncated = true;
      log.add(
        "gzip-data",
        `the gzip data ends early or is corrupt after ${base + end} decompressed bytes ` +
          `(${gunzip.failure}); the ${parser.packets} records before it were read`,
      );
    }
  }
  if (parser.damaged && parser.frames === 0) {
    // Nothing was readable: the first damage is the error.
    throw captureError(
      log.first("damaged") || log.first("pcapng-block") || log.first("pcapng-section") ||
        "no readable record",
    );
  }
  return {
    format: parser.format,
    linkTypes: parser.linkTypes,
    frames: parser.frames,
    packets: parser.packets,
    truncated,
    damaged,
    warnings: log.list(),
    warningKinds: log.kinds(),
    gzip: gunzip !== undefined,
    bytes: base + end,
  };
}
