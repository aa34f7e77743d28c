/**
 * The shape shared by the pcap and pcapng record parsers that `readCapture` drives.
 * @module
 */
import type { Frame } from "./types.ts";

/** Called once per packet record, synchronously, with the ONE reused Frame. */
export type FrameCallback = (frame: Frame) => void;

/**
 * A format parser: consumes whole records from a window of the read buffer,
 * in place, and says how many bytes the next (incomplete) one needs.
 *
 * @example
 * ```ts
 * import { newFrame } from "./parser.ts";
 * import { PcapParser } from "./pcap.ts";
 * declare const buf: Uint8Array; // the read buffer: bytes [start, end) are valid
 * declare const start: number, end: number, fileOffsetOfBuf0: number;
 * const parser: FormatParser = new PcapParser(newFrame(), () => {});
 * const next = parser.parse(buf, new DataView(buf.buffer), start, end, fileOffsetOfBuf0);
 * if (parser.need > buf.length) { // grow the buffer before the next read
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
  /** Warnings so far. */
  warnings: string[];
  /**
   * Parses whole records in `buf[start, end)`; `base` is the file offset of `buf[0]`.
   * Returns the offset just after the last whole record. Throws ECAPTURE on corrupt data.
   */
  parse(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number;
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
