/**
 * Classic pcap (libpcap savefile): both byte orders, microsecond and nanosecond
 * magic, versions 2.4 down to 2.0 (lengths swapped as libpcap does) and
 * 543.0 (DG/UX), and the "modified" (Kuznetzov) variant with 24-byte record
 * headers. Parses records in place: no copies, no allocation. A damaged record
 * is skipped by scanning for the next plausible record (docs/capture.md).
 * @module
 */
import { captureError } from "./errors.ts";
import { type FormatParser, type FrameCallback, noteLinkType } from "./parser.ts";
import {
  MAX_ORIG_LEN,
  PCAP_MAGIC,
  pickRecordHeader,
  RECORD_HEADERS,
  SWAP,
  swapModeOf,
  VARIANT_NAMES,
} from "./pcap_variant.ts";
import type { Frame } from "./types.ts";
import { WarningLog } from "./warnings.ts";

/** libpcap's sanity bound on a record's captured length when the snaplen is smaller. */
const MAX_SNAPLEN = 262144;
/** Largest record accepted when the header's snaplen is above libpcap's bound. */
const MAX_RECORD = 64 * 1024 * 1024;
/** Size of the pcap file header. */
const FILE_HEADER = 24;

/** Consecutive plausible records a resynchronisation candidate needs (fewer only at the end). */
const RESYNC_RECORDS = 3;
/** A candidate's timestamp may lie this far before the last good one (s)... */
const RESYNC_BEFORE = 3600;
/** ...or this far after it (s). */
const RESYNC_AFTER = 7 * 86400;

/**
 * The classic pcap record parser.
 *
 * @example
 * ```ts
 * import { newFrame } from "./parser.ts";
 * declare const bytes: Uint8Array; // the start of a pcap file
 * const lengths: number[] = [];
 * const p = new PcapParser(newFrame(), (f) => lengths.push(f.caplen));
 * const next = p.parse(bytes, new DataView(bytes.buffer), 0, bytes.length, 0, true);
 * ```
 */
export class PcapParser implements FormatParser {
  readonly format = "pcap" as const;
  need = FILE_HEADER;
  started = false;
  frames = 0;
  packets = 0;
  linkTypes: number[] = [];
  log = new WarningLog();
  damaged = false;
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
  /** SWAP.none, SWAP.always or SWAP.ifCaplenAboveLen (see `swapModeOf`). */
  swap: number = SWAP.none;
  #maxCaplen = MAX_SNAPLEN;
  #fracLimit = 1e6;
  #modified = false;
  /** True until the record layout is decided from the first records. */
  #probing = true;
  /** File offset where the damage being skipped starts, or -1 when not resynchronising. */
  #damageAt = -1;
  /** Seconds of the last record delivered (-1: none yet), the anchor of the resync time window. */
  #lastSec = -1;
  /** Bytes the last scan waits for at its returned offset (0: it decided). */
  #wait = 0;
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
    this.#fracLimit = this.nsecMul === 1 ? 1e9 : 1e6;
    this.#modified = magic === PCAP_MAGIC.modifiedBE || magic === PCAP_MAGIC.modifiedLE;
    this.recHeader = this.#modified ? 24 : 16;
    const major = view.getUint16(pos + 4, this.le);
    const minor = view.getUint16(pos + 6, this.le);
    this.version = `${major}.${minor}`;
    if (major !== 2 && !(major === 543 && minor === 0)) {
      throw captureError(
        `unsupported pcap version ${this.version} at byte ${base + pos + 4} (expected 2.x)`,
      );
    }
    this.swap = swapModeOf(major, minor);
    this.snaplen = view.getUint32(pos + 16, this.le);
    this.linkType = view.getUint32(pos + 20, this.le) & 0xffff;
    this.#maxCaplen = this.snaplen > MAX_SNAPLEN ? Math.min(this.snaplen, MAX_RECORD) : MAX_SNAPLEN;
    noteLinkType(this.linkTypes, this.linkType);
    this.#frame.linkType = this.linkType;
    this.#frame.interfaceId = 0;
    this.started = true;
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
      const hl = pickRecordHeader(
        view,
        pos,
        end,
        this.le,
        RECORD_HEADERS[kind],
        this.#maxCaplen,
        this.#fracLimit,
        this.swap,
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
    const snaplen = this.snaplen;
    const fracLimit = this.#fracLimit;
    const swap = this.swap;
    const frame = this.#frame;
    const onFrame = this.#onFrame;
    frame.buf = buf;
    let index = this.frames;
    if (this.#damageAt >= 0) pos = this.#resync(view, pos, end, base, eof);
    // Private fields stay out of the per-record path: only damage re-checks it.
    for (let reading = this.#damageAt < 0; reading;) {
      if (end - pos < hl) {
        this.need = hl;
        break;
      }
      let caplen = view.getUint32(pos + 8, le);
      let orig = view.getUint32(pos + 12, le);
      if (swap !== SWAP.none && (swap === SWAP.always || caplen > orig)) {
        const t = caplen;
        caplen = orig;
        orig = t;
      }
      if (caplen > max) {
        this.#damage(
          `record ${index + 1} at byte ${base + pos} is damaged: captured length ${caplen} ` +
            `(expected at most ${max}, the snaplen is ${snaplen})`,
          base + pos,
        );
        this.frames = index;
        if (index > 0) this.#lastSec = frame.tsSec;
        pos = this.#resync(view, pos + 1, end, base, eof);
        reading = this.#damageAt < 0;
        continue;
      }
      const total = hl + caplen;
      if (end - pos < total) {
        // At the end of the input a record cut short is a truncation, unless
        // plausible records follow inside it: then its length was damaged.
        if (eof) {
          if (index > 0) this.#lastSec = frame.tsSec;
          if (this.#scan(view, pos + 1, end, true) >= 0) {
            this.#damage(
              `record ${index + 1} at byte ${base + pos} is damaged: captured length ` +
                `${caplen} runs past the end of the file at byte ${base + end}, and ` +
                `plausible records follow inside it`,
              base + pos,
            );
            this.frames = index;
            pos = this.#resync(view, pos + 1, end, base, eof);
            reading = this.#damageAt < 0;
            continue;
          }
        }
        this.need = total;
        break;
      }
      frame.index = ++index;
      if (caplen > snaplen) this.#lengthWarning("snaplen", index, base + pos, caplen, orig);
      if (caplen > orig) this.#lengthWarning("caplen-above-len", index, base + pos, caplen, orig);
      const sec = view.getUint32(pos, le);
      const frac = view.getUint32(pos + 4, le);
      if (frac < fracLimit) {
        frame.tsSec = sec;
        frame.tsNsec = frac * mul;
      } else this.#outOfRangeFraction(index, base + pos, sec, frac);
      frame.offset = pos + hl;
      frame.caplen = caplen;
      frame.origLen = orig;
      onFrame(frame);
      pos += total;
    }
    this.frames = index;
    this.packets = index;
    if (index > 0) this.#lastSec = frame.tsSec;
    return pos;
  }

  /** Lengths that disagree inside a record: read as they are, counted by kind. */
  #lengthWarning(kind: string, index: number, at: number, caplen: number, orig: number): void {
    const what = () =>
      kind === "snaplen"
        ? `captured length ${caplen} above the file's snaplen ${this.snaplen}`
        : `captured length ${caplen} above its on-the-wire length ${orig}`;
    this.log.add(kind, () => `record ${index} at byte ${at} has ${what()}; read as it is`, 1);
  }

  /** A fraction at or above one second: carried into the seconds, with a warning. */
  #outOfRangeFraction(index: number, at: number, sec: number, frac: number): void {
    const ns = frac * this.nsecMul;
    const carry = Math.floor(ns / 1e9);
    this.#frame.tsSec = sec + carry;
    this.#frame.tsNsec = ns - carry * 1e9;
    const unit = this.nsecMul === 1 ? "nanoseconds" : "microseconds";
    this.log.add(
      "ts-fraction",
      () =>
        `record ${index} at byte ${at} has a timestamp fraction of ${frac} ${unit} ` +
        `(expected below ${this.#fracLimit}); the whole seconds in it were carried over`,
    );
  }

  #damage(text: string, at: number): void {
    this.damaged = true;
    this.#damageAt = at;
    this.log.add("damaged", text);
  }

  /** Whether a record header at `q` is plausible for resynchronisation; its caplen or -1. */
  #plausible(view: DataView, q: number, prevSec: number): number {
    const le = this.le;
    const sec = view.getUint32(q, le);
    if (view.getUint32(q + 4, le) >= this.#fracLimit) return -1;
    let caplen = view.getUint32(q + 8, le);
    let orig = view.getUint32(q + 12, le);
    if (this.swap !== SWAP.none && (this.swap === SWAP.always || caplen > orig)) {
      const t = caplen;
      caplen = orig;
      orig = t;
    }
    if (caplen > this.#maxCaplen || caplen > orig || orig > MAX_ORIG_LEN) return -1;
    // Zeros: read as (empty) records where reading is in step, as libpcap and
    // Wireshark do, but no proof of a record boundary when scanning.
    if (orig === 0 && sec === 0) return -1;
    if (caplen > this.snaplen && this.log.count("snaplen") === 0) return -1;
    if (prevSec >= 0 && (sec < prevSec - RESYNC_BEFORE || sec > prevSec + RESYNC_AFTER)) {
      return -1;
    }
    return caplen;
  }

  /**
   * Scans from `pos` for the next plausible record: RESYNC_RECORDS consecutive
   * plausible headers (or fewer that end exactly at the end of the input),
   * timestamps within the window of the previous one. Returns its offset, or
   * -1 when there is none before `end` (at the end of the input); without
   * `eof`, `#wait` > 0 says the scan stopped at the returned offset for lack of
   * bytes (`need` is set).
   */
  #scan(view: DataView, pos: number, end: number, eof: boolean): number {
    const hl = this.recHeader;
    const le = this.le;
    // Quick rejection on the captured length (or, when lengths may be swapped,
    // the smaller of the two), the most selective field, before the full check.
    const max = this.#maxCaplen;
    const swapped = this.swap !== SWAP.none;
    this.#wait = 0;
    for (let c = pos;; c++) {
      if (end - c < hl) {
        if (eof) return -1;
        this.need = this.#wait = hl;
        return c;
      }
      const a = view.getUint32(c + 8, le);
      if (a > max && (!swapped || view.getUint32(c + 12, le) > max)) continue;
      if (a === 0 && view.getUint32(c + 12, le) === 0 && view.getUint32(c, le) === 0) continue;
      let q = c;
      let prev = this.#lastSec;
      let ok = 0;
      for (let k = 0; k < RESYNC_RECORDS; k++) {
        if (end - q < hl) {
          if (!eof) this.#wait = q + hl - c;
          else if (q !== end && ok < 2) ok = 0; // a lone candidate before a cut is no proof
          break;
        }
        const caplen = this.#plausible(view, q, prev);
        if (caplen < 0) {
          ok = 0;
          break;
        }
        if (end - q < hl + caplen) {
          if (!eof) this.#wait = q + hl + caplen - c;
          else if (ok < 2) ok = 0;
          break;
        }
        prev = view.getUint32(q, this.le);
        q += hl + caplen;
        ok++;
      }
      if (this.#wait > 0) {
        this.need = this.#wait;
        return c;
      }
      if (ok > 0) return c;
    }
  }

  /** Resynchronises after damage: returns where reading resumes (or `end`, all skipped). */
  #resync(view: DataView, pos: number, end: number, base: number, eof: boolean): number {
    const c = this.#scan(view, pos, end, eof);
    if (c >= 0) {
      if (this.#wait === 0) this.#resumed(c, base);
      return c;
    }
    const from = this.#damageAt;
    this.log.add(
      "resync",
      `no plausible record after the damage at byte ${from}: the last ${base + end - from} ` +
        `bytes (to the end at byte ${base + end}) were skipped`,
    );
    this.#damageAt = -1;
    return end;
  }

  #resumed(c: number, base: number): void {
    const from = this.#damageAt;
    this.log.add(
      "resync",
      `skipped ${base + c - from} damaged bytes from byte ${from}; reading resumes at the ` +
        `plausible record at byte ${base + c}`,
    );
    this.#damageAt = -1;
  }
}
