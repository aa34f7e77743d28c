/**
 * pcapng: sections in either byte order (each resets the interfaces), IDB with
 * if_tsresol (10^-n and 2^-n) and if_tsoffset, EPB, SPB, the obsolete PB; every
 * other block (NRB, ISB, DSB, custom, unknown) is skipped by its length.
 * Parses blocks in place: no copies, no allocation per packet. A block whose
 * framing is damaged is skipped by scanning for the next block with a known
 * type and a matching trailing length; a well-framed packet block that cannot
 * be read (too short, unknown interface, caplen beyond the block) is dropped.
 * @module
 */
import { captureError } from "./errors.ts";
import { type FormatParser, type FrameCallback, noteLinkType } from "./parser.ts";
import {
  BLOCK,
  blockCandidate,
  byteOrderOf,
  idbOptions,
  MAX_BLOCK,
  RESYNC_MAX_BLOCK,
} from "./pcapng_blocks.ts";
import { splitTimestamp } from "./timestamp.ts";
import type { Frame } from "./types.ts";
import { WarningLog } from "./warnings.ts";

/**
 * The pcapng block parser.
 *
 * @example
 * ```ts
 * import { newFrame } from "./parser.ts";
 * declare const bytes: Uint8Array; // the start of a pcapng file
 * const ifaces: number[] = [];
 * const p = new PcapngParser(newFrame(), (f) => ifaces.push(f.interfaceId));
 * p.parse(bytes, new DataView(bytes.buffer), 0, bytes.length, 0, true);
 * ```
 */
export class PcapngParser implements FormatParser {
  readonly format = "pcapng" as const;
  need = 12;
  started = false;
  frames = 0;
  packets = 0;
  linkTypes: number[] = [];
  log = new WarningLog();
  damaged = false;
  /** Sections seen. */
  sections = 0;
  /** Byte order of the current section (true: little-endian). */
  le = true;
  /** Per interface of the current section: link type, snaplen, units/s, offset (s). */
  ifLink: number[] = [];
  ifSnap: number[] = [];
  ifUnits: number[] = [];
  ifOffset: number[] = [];
  /** File offset where the damage being skipped starts, or -1 when not resynchronising. */
  #damageAt = -1;
  /** Bytes the last scan waits for at its returned offset (0: it decided). */
  #wait = 0;
  /** True inside a section of an unsupported version (its blocks are skipped). */
  #skipSection = false;
  /** Largest block read so far. */
  #largest = 0;
  #frame: Frame;
  #onFrame: FrameCallback;

  constructor(frame: Frame, onFrame: FrameCallback) {
    this.#frame = frame;
    this.#onFrame = onFrame;
  }

  parse(
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    base: number,
    eof: boolean,
  ): number {
    let pos = start;
    this.#frame.buf = buf;
    // Private fields stay out of the per-block path: only damage re-checks it.
    let damaged = this.#damageAt >= 0;
    let skip = this.#skipSection;
    for (;;) {
      if (damaged) {
        pos = this.#resync(view, pos, end, base, eof);
        if (this.#damageAt >= 0) break;
        damaged = false;
      }
      if (end - pos < 12) {
        this.need = 12;
        break;
      }
      const type = view.getUint32(pos, this.le);
      if (type === BLOCK.SHB && !this.#byteOrder(view, pos, base)) {
        pos++;
        damaged = true;
        continue;
      }
      const le = this.le;
      const len = view.getUint32(pos + 4, le);
      if (len < 12 || (len & 3) !== 0 || len > MAX_BLOCK) {
        this.#damage(
          `pcapng block of type 0x${type.toString(16)} at byte ${base + pos} has length ${len} ` +
            `(expected a multiple of 4 between 12 and ${MAX_BLOCK})`,
          base + pos,
        );
        pos++;
        damaged = true;
        continue;
      }
      if (end - pos < len) {
        // At the end of the input a block cut short is a truncation, unless a
        // plausible block follows inside it: then its length was damaged.
        if (eof && this.started && this.#scan(view, pos + 1, end, true) >= 0) {
          this.#damage(
            `pcapng block of type 0x${type.toString(16)} at byte ${base + pos} has length ` +
              `${len}, past the end of the file at byte ${base + end}, and a plausible block ` +
              `follows inside it`,
            base + pos,
          );
          pos++;
          damaged = true;
          continue;
        }
        this.need = len;
        break;
      }
      const trailer = view.getUint32(pos + len - 4, le);
      if (trailer !== len) {
        this.#damage(
          `pcapng block at byte ${base + pos} has length ${len} at its start but ${trailer} ` +
            `at its end (expected both equal)`,
          base + pos,
        );
        pos++;
        damaged = true;
        continue;
      }
      if (len > RESYNC_MAX_BLOCK && len > this.#largest) this.#largest = len;
      if (skip && type !== BLOCK.SHB) {
        pos += len; // a section of an unsupported version: warned about once
        continue;
      }
      if (type === BLOCK.EPB) this.#epb(view, pos, len, base);
      else if (type === BLOCK.SPB) this.#spb(view, pos, len, base);
      else if (type === BLOCK.IDB) this.#idb(view, pos, len, base);
      else if (type === BLOCK.SHB) {
        this.#shb(view, pos, len, base);
        skip = this.#skipSection;
      } else if (type === BLOCK.PB) this.#pb(view, pos, len, base);
      else if (type === BLOCK.CB || type === BLOCK.DCB) this.frames++; // numbered, as Wireshark does
      else if (!this.started) {
        throw captureError(`pcapng file does not start with a section header block`);
      }
      pos += len;
    }
    return pos;
  }

  /** Damaged framing: counted, and the bytes from `at` on are scanned for the next block. */
  #damage(text: string, at: number): void {
    if (!this.started) throw captureError(text);
    this.damaged = true;
    this.#damageAt = at;
    this.log.add("damaged", text);
  }

  /** A well-framed block that cannot be used: dropped with a warning (counted as damage). */
  #drop(text: string | (() => string)): void {
    const say = () => typeof text === "string" ? text : text();
    if (!this.started) throw captureError(say());
    this.damaged = true;
    this.log.add("pcapng-block", () => `${say()}; block skipped`);
  }

  /**
   * Scans from `pos` for the next plausible block: its offset, or -1 when none
   * starts before `end` (at the end of the input); without `eof`, `#wait` > 0
   * says the scan stopped at the returned offset for lack of bytes (`need` set).
   */
  #scan(view: DataView, pos: number, end: number, eof: boolean): number {
    this.#wait = 0;
    for (let c = pos;; c++) {
      if (end - c < 12) {
        if (eof) return -1;
        this.need = this.#wait = 12;
        return c;
      }
      const r = blockCandidate(view, c, end, this.le, this.#largest, this.ifLink.length);
      if (r < 0 && !eof) {
        this.need = this.#wait = -r;
        return c;
      }
      if (r > 0) return c;
    }
  }

  /** Resynchronises after damage: returns where reading resumes (or `end`, all skipped). */
  #resync(view: DataView, pos: number, end: number, base: number, eof: boolean): number {
    const c = this.#scan(view, pos, end, eof);
    if (c >= 0) {
      if (this.#wait === 0) {
        const from = this.#damageAt;
        this.log.add(
          "resync",
          `skipped ${base + c - from} damaged bytes from byte ${from}; reading resumes at the ` +
            `pcapng block at byte ${base + c}`,
        );
        this.#damageAt = -1;
      }
      return c;
    }
    const from = this.#damageAt;
    this.log.add(
      "resync",
      `no plausible pcapng block after the damage at byte ${from}: the last ` +
        `${base + end - from} bytes (to the end at byte ${base + end}) were skipped`,
    );
    this.#damageAt = -1;
    return end;
  }

  #byteOrder(view: DataView, pos: number, base: number): boolean {
    const bom = view.getUint32(pos + 8, true);
    const le = byteOrderOf(bom);
    if (le !== undefined) this.le = le;
    else {
      this.#damage(
        `pcapng section header at byte ${base + pos} has byte-order magic ` +
          `0x${bom.toString(16).padStart(8, "0")} (expected 1a2b3c4d in either byte order)`,
        base + pos,
      );
      return false;
    }
    return true;
  }

  #shb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 28) return this.#drop(this.#short("section header", pos, len, 28, base));
    this.ifLink.length = 0;
    this.ifSnap.length = 0;
    this.ifUnits.length = 0;
    this.ifOffset.length = 0;
    const major = view.getUint16(pos + 12, this.le);
    if (major !== 1) {
      const minor = view.getUint16(pos + 14, this.le);
      const text = `unsupported pcapng version ${major}.${minor} at byte ${base + pos + 12} ` +
        `(expected 1.x)`;
      if (!this.started) throw captureError(text);
      this.damaged = true;
      this.#skipSection = true;
      this.log.add("pcapng-section", `${text}; the blocks of this section are skipped`);
      return;
    }
    this.#skipSection = false;
    this.started = true;
    this.sections++;
  }

  #idb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 20) return this.#drop(this.#short("interface description", pos, len, 20, base));
    const le = this.le;
    const linkType = view.getUint16(pos + 8, le);
    const o = idbOptions(view, pos + 16, pos + len - 4, le);
    if (o.overrunAt >= 0) {
      const at = base + o.overrunAt, code = o.overrunCode;
      this.log.add(
        "pcapng-option",
        () => `pcapng interface option ${code} at byte ${at} overruns its block; rest ignored`,
      );
    }
    this.ifLink.push(linkType);
    this.ifSnap.push(view.getUint32(pos + 12, le));
    this.ifUnits.push(o.units);
    this.ifOffset.push(o.offset);
    noteLinkType(this.linkTypes, linkType);
  }

  /** Whether interface `id` is described; drops the block (with a warning) when not. */
  #iface(id: number, pos: number, base: number): boolean {
    if (id < this.ifLink.length) return true;
    const n = this.ifLink.length;
    this.#drop(() =>
      `packet block at byte ${base + pos} names interface ${id} ` +
      `(expected below ${n}, the interfaces described so far)`
    );
    return false;
  }

  #epb(view: DataView, pos: number, len: number, base: number): void {
    if (len < 32) return this.#drop(this.#short("enhanced packet", pos, len, 32, base));
    const le = this.le;
    const id = view.getUint32(pos + 8, le);
    if (id >= this.ifLink.length && !this.#iface(id, pos, base)) return;
    const caplen = view.getUint32(pos + 20, le);
    if (caplen > len - 32) return this.#drop(this.#caplen(pos, caplen, len - 32, base));
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
    if (len < 32) return this.#drop(this.#short("packet", pos, len, 32, base));
    const le = this.le;
    const id = view.getUint16(pos + 8, le);
    if (!this.#iface(id, pos, base)) return;
    const caplen = view.getUint32(pos + 20, le);
    if (caplen > len - 32) return this.#drop(this.#caplen(pos, caplen, len - 32, base));
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
    if (len < 16) return this.#drop(this.#short("simple packet", pos, len, 16, base));
    if (!this.#iface(0, pos, base)) return;
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

  #short(what: string, pos: number, len: number, min: number, base: number): string {
    return `pcapng ${what} block at byte ${
      base + pos
    } has length ${len} (expected at least ${min})`;
  }

  #caplen(pos: number, caplen: number, room: number, base: number): string {
    return `pcapng packet block at byte ${base + pos} has captured length ${caplen} ` +
      `(expected at most ${room}, the room in the block)`;
  }
}
