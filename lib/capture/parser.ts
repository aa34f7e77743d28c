/**
 * The shape shared by the pcap and pcapng record parsers that `readCapture` drives.
 * @module
 */
import type { Frame } from "./types.ts";
import type { WarningLog } from "./warnings.ts";

/** Called once per packet record, synchronously, with the ONE reused Frame. */
export type FrameCallback = (frame: Frame) => void;

/**
 * A format parser: consumes whole records from a window of the read buffer,
 * in place, and says how many bytes the next (incomplete) one needs.
 *
 * @example
 * ```ts
 * import type { FormatParser } from "./parser.ts";
 * declare const parser: FormatParser, buf: Uint8Array, end: number; // buf[0, end): file bytes 0 on
 * const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
 * const next = parser.parse(buf, view, 0, end, 0, false); // buf[next, end): an incomplete record
 * if (parser.need > buf.length) {
 *   // grow the buffer (keeping buf[next, end)) before the next read
 * }
 * ```
 */
export interface FormatParser {
  /** "pcap" or "pcapng". */
  readonly format: "pcap" | "pcapng";
  /** Bytes the unit at the offset `parse` returned needs in total (header or record). */
  need: number;
  /** True once the file header (pcap) or first section header (pcapng) was read. */
  started: boolean;
  /** Records numbered so far (the last frame index given). */
  frames: number;
  /** Packet records delivered so far (frames minus pcapng custom blocks). */
  packets: number;
  /** Distinct link types seen in headers, in order of first appearance. */
  linkTypes: number[];
  /** Warnings so far, counted by kind. */
  log: WarningLog;
  /** True once damage was met (and skipped); the first "damaged" warning says where. */
  damaged: boolean;
  /**
   * Parses whole records in `buf[start, end)`; `base` is the file offset of `buf[0]`;
   * `eof` says no bytes follow `end`. Returns the offset just after the last
   * whole record (or the position the resynchronising scan reached). Throws
   * ECAPTURE only while the file header is not read yet; damage after it is
   * warned about, counted and skipped.
   */
  parse(
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    base: number,
    eof: boolean,
  ): number;
}

/**
 * A Frame with every field initialised (one stable object shape).
 *
 * @example
 * ```ts
 * const frame = newFrame();
 * frame.index; // 0
 * ```
 */
export function newFrame(): Frame {
  return {
    index: 0,
    tsSec: 0,
    tsNsec: 0,
    hasTimestamp: true,
    linkType: 0,
    interfaceId: 0,
    buf: new Uint8Array(0),
    offset: 0,
    caplen: 0,
    origLen: 0,
  };
}

/**
 * Adds `linkType` to `list` when it is not there yet.
 *
 * @example
 * ```ts
 * const l = [1];
 * noteLinkType(l, 113); // l = [1, 113]
 * ```
 */
export function noteLinkType(list: number[], linkType: number): void {
  if (!list.includes(linkType)) list.push(linkType);
}
