/**
 * pcapng: sections in either byte order (each resets the interfaces), IDB with
 * if_tsresol (10^-n and 2^-n) and if_tsoffset, EPB, SPB, the obsolete PB; every
 * other block (NRB, ISB, DSB, custom, unknown) is skipped by its length.
 * Parses blocks in place: no copies, no allocation per packet.
 * @module
 */
import { captureError } from "./errors.ts";
import { type FormatParser, type FrameCallback, noteLinkType } from "./parser.ts";
import { splitTimestamp } from "./timestamp.ts";
import type { Frame } from "./types.ts";

/** Block type numbers. SHB's is a palindrome, so it reads the same in both orders. */
export const BLOCK = {
  SHB: 0x0a0d0d0a,
  IDB: 1,
  PB: 2,
  SPB: 3,
  NRB: 4,
  ISB: 5,
  EPB: 6,
  DSB: 0x0a,
  /** Custom blocks (copyable, do-not-copy): Wireshark gives each a frame number. */
  CB: 0x0bad,
  DCB: 0x40000bad,
} as const;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Largest block accepted (Wireshark and libpcap use a 16 MiB bound; we allow more). */
const MAX_BLOCK = 64 * 1024 * 1024;
/** IDB option codes. */
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

/**
 * The pcapng block parser.
 *
 * @example
 * ```ts
 * import { newFrame } from "./parser.ts";
 * declare const bytes: Uint8Array; // the start of a pcapng file
 * const ifaces: number[] = [];
 * const p = new PcapngParser(newFrame(), (f) => ifaces.push(f.interfaceId));
 * p.parse(bytes, new DataView(bytes.buffer), 0, bytes.length, 0);
 * ```
 */
export class PcapngParser implements FormatParser {
  readonly format = "pcapng" as const;
  need = 12;
  started = false;
  frames = 0;
  packets = 0;
  linkTypes: number[] = [];
  warnings: string[] = [];
  /** Sections seen. */
  sections = 0;
  /** Byte order of the current section (true: little-endian). */
  le = true;
  /** Per interface of the current section: link type, snaplen, units/s, offset (s). */
  ifLink: number[] = [];
  ifSnap: number[] = [];
  ifUnits: number[] = [];
  ifOffset: number[] = [];
  #frame: Frame;
  #onFrame: FrameCallback;

  constructor(frame: Frame, onFrame: FrameCallback) {
    this.#frame = frame;
    this.#onFrame = onFrame;
  }

  parse(buf: Uint8Array, view: DataView, start: number, end: number, base: number): number {
    let pos = start;
    this.#frame.buf = buf;
    for (;;) {
      if (end - pos < 12) {
        this.need = 12;
        break;
      }
      const type = view.getUint32(pos, this.le);
      if (type === BLOCK.SHB) this.#byteOrder(view, pos, base);
      const le = this.le;
      const len = view.getUint32(pos + 4, le);
      if (len < 12 || (len & 3) !== 0 || len > MAX_BLOCK) {
        throw captureError(
          `pcapng block of type 0x${type.toString(16)} at byte ${base + pos} has length ${len} ` +
            `(expected a multiple of 4 between 12 and ${MAX_BLOCK})`,
        );
      }
      if (end - pos < len) {
        this.need = len;
        break;
      }
      const trailer = view.getUint32(pos + len - 4, le);
      if (trailer !== len) {
        throw captureError(
          `pcapng block at byte ${base + pos} has length ${len} at its start but ${trailer} ` +
            `at its end (expected both equal)`,
        );
      }
      if (type === BLOCK.EPB) this.#epb(view, pos, len, base);
      else if (type === BLOCK.SPB) this.#spb(view, pos, len, base);
      else if (type === BLOCK.IDB) this.#idb(view, pos, len, base);
      else if (type === BLOCK.SHB) this.#shb(view, pos, len, base);
      else if (type === BLOCK.PB) this.#pb(view, pos, len, base);
      else if (type === BLOCK.CB || type === BLOCK.DCB) this.frames++; // numbered, as Wireshark does
      else if (!this.started) {
        throw captureError(`pcapng file does not start with a section header block`);
      }
      pos += len;
    }
    return pos;
  }

  #byteOrder(view: DataView, pos: number, base: number): void {
    const bom = view.getUint32(pos + 8, true);
    if (bom === BYTE_ORDER_MAGIC) this.le = true;
    else if (bom === 0x4d3c2b1a) this.le = false;
    else {
      throw captureError(
        `pcapng section header at byte ${base + pos} has byte-order magic ` +
          `0x${bom.toString(16).padStart(8, "0")} (expected 1a2b3c4d in either byte order)`,
      );
    }
  }

  #shb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 28) throw this.#short("section header", pos, len, 28, base);
    const major = view.getUint16(pos + 12, this.le);
    if (major !== 1) {
      const minor = view.getUint16(pos + 14, this.le);
      throw captureError(
        `unsupported pcapng version ${major}.${minor} at byte ${base + pos + 12} (expected 1.x)`,
      );
    }
    this.started = true;
    this.sections++;
    this.ifLink.length = 0;
    this.ifSnap.length = 0;
    this.ifUnits.length = 0;
    this.ifOffset.length = 0;
  }

  #idb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 20) throw this.#short("interface description", pos, len, 20, base);
    const le = this.le;
    const linkType = view.getUint16(pos + 8, le);
    let units = 1e6;
    let offset = 0;
    let p = pos + 16;
    const optEnd = pos + len - 4;
    while (p + 4 <= optEnd) {
      const code = view.getUint16(p, le);
      const olen = view.getUint16(p + 2, le);
      if (code === 0) break;
      if (p + 4 + olen > optEnd) {
        this.warnings.push(
          `pcapng interface option ${code} at byte ${base + p} overruns its block; rest ignored`,
        );
        break;
      }
      if (code === OPT_TSRESOL && olen >= 1) {
        const r = view.getUint8(p + 4);
        units = (r & 0x80) !== 0 ? 2 ** (r & 0x7f) : 10 ** r;
      } else if (code === OPT_TSOFFSET && olen >= 8) {
        const lo = view.getUint32(p + 4 + (le ? 0 : 4), le);
        const hi = view.getInt32(p + 4 + (le ? 4 : 0), le);
        offset = hi * 4294967296 + lo;
      }
      p += 4 + ((olen + 3) & ~3);
    }
    this.ifLink.push(linkType);
    this.ifSnap.push(view.getUint32(pos + 12, le));
    this.ifUnits.push(units);
    this.ifOffset.push(offset);
    noteLinkType(this.linkTypes, linkType);
  }

  #iface(id: number, pos: number, base: number): void {
    if (id >= this.ifLink.length) {
      throw captureError(
        `packet block at byte ${base + pos} names interface ${id} ` +
          `(expected below ${this.ifLink.length}, the interfaces described so far)`,
      );
    }
  }

  #epb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 32) throw this.#short("enhanced packet", pos, len, 32, base);
    const le = this.le;
    const id = view.getUint32(pos + 8, le);
    if (id >= this.ifLink.length) this.#iface(id, pos, base);
    const caplen = view.getUint32(pos + 20, le);
    if (caplen > len - 32) throw this.#caplen(pos, caplen, len - 32, base);
    const f = this.#frame;
    f.index = ++this.frames;
    this.packets++;
    f.interfaceId = id;
    f.linkType = this.ifLink[id];
    f.hasTimestamp = true;
    const hi = view.getUint32(pos + 12, le);
    const lo = view.getUint32(pos + 16, le);
    const units = this.ifUnits[id];
    if (units === 1e6 && hi < 0x200000 && this.ifOffset[id] === 0) {
      // The common case (microseconds, no offset): exact in doubles, inlined.
      const t = hi * 4294967296 + lo;
      let sec = Math.floor(t / 1e6);
      let rem = t - sec * 1e6;
      if (rem < 0) { // the division rounded up (only far in the future)
        sec--;
        rem += 1e6;
      }
      f.tsSec = sec;
      f.tsNsec = rem * 1000;
    } else splitTimestamp(hi, lo, units, this.ifOffset[id], f);
    f.offset = pos + 28;
    f.caplen = caplen;
    f.origLen = view.getUint32(pos + 24, le);
    this.#onFrame(f);
  }

  #pb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 32) throw this.#short("packet", pos, len, 32, base);
    const le = this.le;
    const id = view.getUint16(pos + 8, le);
    this.#iface(id, pos, base);
    const caplen = view.getUint32(pos + 20, le);
    if (caplen > len - 32) throw this.#caplen(pos, caplen, len - 32, base);
    const f = this.#frame;
    f.index = ++this.frames;
    this.packets++;
    f.interfaceId = id;
    f.linkType = this.ifLink[id];
    f.hasTimestamp = true;
    splitTimestamp(
      view.getUint32(pos + 12, le),
      view.getUint32(pos + 16, le),
      this.ifUnits[id],
      this.ifOffset[id],
      f,
    );
    f.offset = pos + 28;
    f.caplen = caplen;
    f.origLen = view.getUint32(pos + 24, le);
    this.#onFrame(f);
  }

  /** SPB: no timestamp (the previous frame's is kept), caplen = min(orig, snaplen, room). */
  #spb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 16) throw this.#short("simple packet", pos, len, 16, base);
    this.#iface(0, pos, base);
    const orig = view.getUint32(pos + 8, this.le);
    const snap = this.ifSnap[0];
    let caplen = Math.min(orig, len - 16);
    if (snap > 0 && snap < caplen) caplen = snap;
    const f = this.#frame;
    f.index = ++this.frames;
    this.packets++;
    f.interfaceId = 0;
    f.linkType = this.ifLink[0];
    f.hasTimestamp = false;
    f.offset = pos + 12;
    f.caplen = caplen;
    f.origLen = orig;
    this.#onFrame(f);
  }

  #short(what: string, pos: number, len: number, min: number, base: number) {
    return captureError(
      `pcapng ${what} block at byte ${base + pos} has length ${len} (expected at least ${min})`,
    );
  }

  #caplen(pos: number, caplen: number, room: number, base: number) {
    return captureError(
      `pcapng packet block at byte ${base + pos} has captured length ${caplen} ` +
        `(expected at most ${room}, the room in the block)`,
    );
  }
}
