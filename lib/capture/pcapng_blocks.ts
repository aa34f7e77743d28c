/**
 * pcapng's block layout, apart from the parser's state (pcapng.ts): the block
 * type numbers and length bounds, the section header's byte order, the
 * interface description's options, and whether bytes could be a block (for
 * resynchronising after damage).
 * @module
 */

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

/** The section header's byte-order magic, as written in the file's own order. */
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Largest block accepted (Wireshark and libpcap use a 16 MiB bound; we allow more). */
export const MAX_BLOCK = 64 * 1024 * 1024;
/** Largest block a resynchronisation candidate may have, unless larger blocks were seen. */
export const RESYNC_MAX_BLOCK = 1024 * 1024;
/** Smallest length per block type a resynchronisation candidate must have. */
const MIN_LEN: Record<number, number> = {
  [BLOCK.SHB]: 28,
  [BLOCK.IDB]: 20,
  [BLOCK.PB]: 32,
  [BLOCK.SPB]: 16,
  [BLOCK.NRB]: 12,
  [BLOCK.ISB]: 12,
  [BLOCK.EPB]: 32,
  [BLOCK.DSB]: 12,
  [BLOCK.CB]: 12,
  [BLOCK.DCB]: 12,
};
/** IDB option codes. */
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

/**
 * The byte order a section header's byte-order magic (read little-endian)
 * says: true little-endian, false big-endian, undefined neither.
 *
 * @example
 * ```ts
 * byteOrderOf(0x1a2b3c4d); // true
 * byteOrderOf(0x4d3c2b1a); // false
 * ```
 */
export function byteOrderOf(bom: number): boolean | undefined {
  if (bom === BYTE_ORDER_MAGIC) return true;
  if (bom === 0x4d3c2b1a) return false;
  return undefined;
}

/**
 * Whether a block could start at `c` (for resynchronising after damage): a
 * known type, a sane length (at most RESYNC_MAX_BLOCK or the `largest` block
 * seen) and a matching trailing length; a packet block must name one of the
 * `interfaces` described so far. Returns the block's length, 0 when not, or
 * −length when the block is not all in `view` before `end` yet. `le`: the
 * current section's byte order (an SHB says its own).
 */
export function blockCandidate(
  view: DataView,
  c: number,
  end: number,
  le: boolean,
  largest: number,
  interfaces: number,
): number {
  const type = view.getUint32(c, le);
  if (type === BLOCK.SHB) {
    const order = byteOrderOf(view.getUint32(c + 8, true));
    if (order === undefined) return 0;
    le = order;
  }
  const min = MIN_LEN[type];
  if (min === undefined) return 0;
  const len = view.getUint32(c + 4, le);
  if (len < min || (len & 3) !== 0 || len > Math.max(RESYNC_MAX_BLOCK, largest)) return 0;
  if (end - c < len) return -len; // not all here yet
  if (view.getUint32(c + len - 4, le) !== len) return 0;
  if (type === BLOCK.EPB || type === BLOCK.PB) {
    const id = type === BLOCK.EPB ? view.getUint32(c + 8, le) : view.getUint16(c + 8, le);
    if (id >= interfaces || view.getUint32(c + 20, le) > len - 32) return 0;
  } else if (type === BLOCK.SPB && interfaces === 0) return 0;
  return len;
}

/** What an interface description's options say (see {@link idbOptions}). */
export interface IdbOptions {
  /** Timestamp units per second (if_tsresol; 10^6 without it). */
  units: number;
  /** Seconds added to every timestamp (if_tsoffset; 0 without it). */
  offset: number;
  /** Where an option overran the block (reading stopped there), -1 none; and its code. */
  overrunAt: number;
  overrunCode: number;
}

/**
 * Reads an interface description's options from `p` to `optEnd` (the
 * block's trailing length): if_tsresol (10^-n, or 2^-n with the top bit) and
 * if_tsoffset; every other option is skipped by its length.
 *
 * @example
 * ```ts
 * const b = new Uint8Array([9, 0, 1, 0, 9, 0, 0, 0]); // if_tsresol = 9 (nanoseconds)
 * idbOptions(new DataView(b.buffer), 0, b.length, true).units; // 1000000000
 * ```
 */
export function idbOptions(view: DataView, p: number, optEnd: number, le: boolean): IdbOptions {
  const o: IdbOptions = { units: 1e6, offset: 0, overrunAt: -1, overrunCode: 0 };
  while (p + 4 <= optEnd) {
    const code = view.getUint16(p, le);
    const olen = view.getUint16(p + 2, le);
    if (code === 0) break;
    if (p + 4 + olen > optEnd) {
      o.overrunAt = p;
      o.overrunCode = code;
      break;
    }
    if (code === OPT_TSRESOL && olen >= 1) {
      const r = view.getUint8(p + 4);
      o.units = (r & 0x80) !== 0 ? 2 ** (r & 0x7f) : 10 ** r;
    } else if (code === OPT_TSOFFSET && olen >= 8) {
      const lo = view.getUint32(p + 4 + (le ? 0 : 4), le);
      const hi = view.getInt32(p + 4 + (le ? 4 : 0), le);
      o.offset = hi * 4294967296 + lo;
    }
    p += 4 + ((olen + 3) & ~3);
  }
  return o;
}
