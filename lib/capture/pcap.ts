/**
 * Classic pcap (libpcap savefile): both byte orders, microsecond and nanosecond
 * magic, versions 2.4 and 2.2, and the "modified" (Kuznetzov) variant with
 * 24-byte record headers. Parses records in place: no copies, no allocation.
 * @module
 */
import { captureError } from "./errors.ts";
import { type FormatParser, type FrameCallback, noteLinkType } from "./parser.ts";
import { pickRecordHeader, RECORD_HEADERS, VARIANT_NAMES } from "./pcap_variant.ts";
import type { Frame } from "./types.ts";

/** libpcap's sanity bound on a record's captured length when the snaplen is smaller. */
const MAX_SNAPLEN = 262144;
/** Largest record accepted when the header's snaplen is above libpcap's bound. */
const MAX_RECORD = 64 * 1024 * 1024;
/** Size of the pcap file header. */
const FILE_HEADER = 24;

/** Magic numbers as read big-endian from the first four bytes. */
export const PCAP_MAGIC = {
  usecBE: 0xa1b2c3d4,
  usecLE: 0xd4c3b2a1,
  nsecBE: 0xa1b23c4d,
  nsecLE: 0x4d3cb2a1,
  modifiedBE: 0xa1b2cd34,
  modifiedLE: 0x34cdb2a1,
} as const;

/**
 * Whether the first four bytes (read big-endian) are a pcap magic.
 *
 * @example
 * ```ts
 * isPcapMagic(0xd4c3b2a1); // true: little-endian, microseconds
 * ```
 */
export function isPcapMagic(m: number): boolean {
  return Object.values(PCAP_MAGIC).includes(m as never);
}

/**
 * The classic pcap record parser.
 *
 * @example
 * ```ts
 * import { newFrame } from "./parser.ts";
 * declare const bytes: Uint8Array; // the start of a pcap file
 * const lengths: number[] = [];
 * const p = new PcapParser(newFrame(), (f) => lengths.push(f.caplen));
 * const next = p.parse(bytes, new DataView(bytes.buffer), 0, bytes.length, 0);
 * ```
 */
export class PcapParser implements FormatParser {
  readonly format = "pcap" as const;
  need = FILE_HEADER;
  started = false;
  frames = 0;
  packets = 0;
  linkTypes: number[] = [];
  warnings: string[] = [];
  /** Byte order of the file (true: little-endian). */
  le = true;
  /** Multiplier from the fraction field to nanoseconds (1000 or 1). */
  nsecMul = 1000;
  /** Record header length (16, or 24 for the modified format). */
  recHeader = 16;
  /** Snaplen from the file header. */
  snaplen = 0;
  /** Link type from the file header. */
  linkType = 0;
  /** Version from the file header, e.g. "2.4". */
  version = "";
  #maxCaplen = MAX_SNAPLEN;
  #warnedSnap = false;
  #modified = false;
  /** True until the record layout is decided from the first records. */
  #probing = true;
  /** The layout read, e.g. "pcap" or "pcap (RedHat 6.1 variant)". */
  variant = "pcap";
  #frame: Frame;
  #onFrame: FrameCallback;

  constructor(frame: Frame, onFrame: FrameCallback) {
    this.#frame = frame;
    this.#onFrame = onFrame;
  }

  #readHeader(view: DataView, pos: number, base: number): void {
    const magic = view.getUint32(pos, false);
    this.le = magic === PCAP_MAGIC.usecLE || magic === PCAP_MAGIC.nsecLE ||
      magic === PCAP_MAGIC.modifiedLE;
    this.nsecMul = magic === PCAP_MAGIC.nsecBE || magic === PCAP_MAGIC.nsecLE ? 1 : 1000;
    this.#modified = magic === PCAP_MAGIC.modifiedBE || magic === PCAP_MAGIC.modifiedLE;
    this.recHeader = this.#modified ? 24 : 16;
    const major = view.getUint16(pos + 4, this.le);
    const minor = view.getUint16(pos + 6, this.le);
    this.version = `${major}.${minor}`;
    if (major !== 2) {
      throw captureError(
        `unsupported pcap version ${this.version} at byte ${base + pos + 4} (expected 2.x)`,
      );
    }
    this.snaplen = view.getUint32(pos + 16, this.le);
    this.linkType = view.getUint32(pos + 20, this.le) & 0xffff;
    this.#maxCaplen = this.snaplen > MAX_SNAPLEN ? Math.min(this.snaplen, MAX_RECORD) : MAX_SNAPLEN;
    noteLinkType(this.linkTypes, this.linkType);
    this.#frame.linkType = this.linkType;
    this.#frame.interfaceId = 0;
    this.started = true;
  }

  /** Records longer than the snaplen are read (as libpcap does), with one warning. */
  #warnSnap(index: number, at: number, caplen: number): void {
    this.#warnedSnap = true;
    this.warnings.push(
      `record ${index} at byte ${at} has captured length ${caplen} above the file's snaplen ` +
        `${this.snaplen}; read anyway (warned once)`,
    );
  }

  parse(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number {
    let pos = start;
    if (!this.started) {
      if (end - pos < FILE_HEADER) {
        this.need = FILE_HEADER;
        return pos;
      }
      this.#readHeader(view, pos, base);
      pos += FILE_HEADER;
    }
    if (this.#probing) {
      const kind = this.#modified ? "modified" : "standard";
      const fracLimit = this.nsecMul === 1 ? 1e9 : 1e6;
      const hl = pickRecordHeader(
        view,
        pos,
        end,
        this.le,
        RECORD_HEADERS[kind],
        this.#maxCaplen,
        fracLimit,
      );
      if (hl === 0) {
        this.need = 16;
        return pos;
      }
      this.#probing = false;
      this.recHeader = hl;
      this.variant = VARIANT_NAMES[`${kind}/${hl}`];
    }
    const le = this.le;
    const hl = this.recHeader;
    const mul = this.nsecMul;
    const max = this.#maxCaplen;
    const frame = this.#frame;
    const onFrame = this.#onFrame;
    frame.buf = buf;
    let index = this.frames;
    for (;;) {
      if (end - pos < hl) {
        this.need = hl;
        break;
      }
      const caplen = view.getUint32(pos + 8, le);
      if (caplen > max) {
        this.frames = index;
        throw captureError(
          `record ${index + 1} at byte ${base + pos} has captured length ${caplen} ` +
            `(expected at most ${max}, the snaplen is ${this.snaplen})`,
        );
      }
      if (caplen > this.snaplen && !this.#warnedSnap) this.#warnSnap(index + 1, base + pos, caplen);
      const total = hl + caplen;
      if (end - pos < total) {
        this.need = total;
        break;
      }
      frame.index = ++index;
      frame.tsSec = view.getUint32(pos, le);
      frame.tsNsec = view.getUint32(pos + 4, le) * mul;
      frame.offset = pos + hl;
      frame.caplen = caplen;
      frame.origLen = view.getUint32(pos + 12, le);
      onFrame(frame);
      pos += total;
    }
    this.frames = index;
    this.packets = index;
    return pos;
  }
}
