/**
 * What a classic pcap file's header says about its layout: the magic numbers
 * (byte order, time unit, the "modified" format), the version's rule for the
 * order of caplen and len, and the old variants that share a magic number
 * with another layout but have longer record headers (extra interface/protocol fields after the usual 16
 * bytes), told apart as Wireshark does: by which layout makes the following
 * record headers plausible (see `pickRecordHeader` for the scoring).
 *
 *   magic a1b2c3d4: standard (16), RedHat 6.1 "ss990417" (24), Nokia (20)
 *   magic a1b2cd34: modified "ss991029" (24), SuSE 6.3 "ss990915" (28)
 * @module
 */

/** Record header lengths to try, in order, per magic kind. */
export const RECORD_HEADERS = {
  standard: [16, 24, 20],
  modified: [24, 28],
} as const;

/** Names of the layouts, by magic kind and header length. */
export const VARIANT_NAMES: Record<string, string> = {
  "standard/16": "pcap",
  "standard/24": "pcap (RedHat 6.1 variant)",
  "standard/20": "pcap (Nokia variant)",
  "modified/24": "modified pcap",
  "modified/28": "pcap (SuSE 6.3 variant)",
};

/** How lengths are stored (libpcap's rule, from the file version): see {@link swapModeOf}. */
export const SWAP = { none: 0, always: 1, ifCaplenAboveLen: 2 } as const;

/** On-the-wire lengths above this mark a record header as corrupt (Wireshark's 128 MiB bound). */
export const MAX_ORIG_LEN = 128 * 1024 * 1024;

/** Records walked per candidate layout. */
const PROBE_RECORDS = 4;

/** Seconds between the first and a later probed record beyond which a timestamp is suspicious. */
const PROBE_TS_SPAN = 86400;

/**
 * Walks up to PROBE_RECORDS records from `pos` with header length `hl` and
 * rates the layout: the index of the first record whose header is impossible
 * (captured length above the bound, or an on-the-wire length above 128 MiB:
 * Infinity when none is), and a count of doubtful signs (a timestamp fraction
 * out of range, a captured length above the on-the-wire one, a timestamp more
 * than a day from the first record's).
 */
function rate(
  view: DataView,
  pos: number,
  end: number,
  le: boolean,
  hl: number,
  maxCaplen: number,
  fracLimit: number,
  swap: number,
): { bad: number; doubts: number } {
  let doubts = 0;
  let q = pos;
  let t0 = 0;
  for (let k = 0; k < PROBE_RECORDS && end - q >= 16; k++) {
    const sec = view.getUint32(q, le);
    const frac = view.getUint32(q + 4, le);
    let caplen = view.getUint32(q + 8, le);
    let orig = view.getUint32(q + 12, le);
    if (swap === SWAP.always || (swap === SWAP.ifCaplenAboveLen && caplen > orig)) {
      const t = caplen;
      caplen = orig;
      orig = t;
    }
    if (caplen > maxCaplen || orig > MAX_ORIG_LEN) return { bad: k, doubts };
    if (frac >= fracLimit) doubts++;
    if (caplen > orig) doubts++;
    if (k === 0) t0 = sec;
    else if (Math.abs(sec - t0) > PROBE_TS_SPAN) doubts++;
    q += hl + caplen;
  }
  return { bad: Infinity, doubts };
}

/**
 * The record header length to use, judged from the first records in
 * `[pos, end)`; 0 when the first record header is not all there yet.
 *
 * Rule (as Wireshark's libpcap reader, extended): each candidate layout walks
 * up to four records; the layout whose first impossible header comes latest
 * wins, then the one with the fewest doubtful signs, then the earlier
 * candidate (the standard layout first). An out-of-range timestamp fraction
 * is only a doubtful sign, never a reason to reject a layout: a file written
 * with nanoseconds under the microsecond magic keeps its standard layout.
 * With less data than four records (a slow stream), the records present
 * decide; live writers (tcpdump -U) only write the standard layouts.
 *
 * @example
 * ```ts
 * const view = new DataView(new ArrayBuffer(40)); // a file header, then one record header (all 0)
 * pickRecordHeader(view, 24, 40, true, RECORD_HEADERS.standard, 262144, 1e6, SWAP.none); // 16
 * pickRecordHeader(view, 24, 39, true, RECORD_HEADERS.standard, 262144, 1e6, SWAP.none); // 0
 * ```
 */
export function pickRecordHeader(
  view: DataView,
  pos: number,
  end: number,
  le: boolean,
  candidates: readonly number[],
  maxCaplen: number,
  fracLimit: number,
  swap: number,
): number {
  if (end - pos < 16) return 0;
  let best = candidates[0];
  let bestBad = -1;
  let bestDoubts = Infinity;
  for (const hl of candidates) {
    const r = rate(view, pos, end, le, hl, maxCaplen, fracLimit, swap);
    if (r.bad > bestBad || (r.bad === bestBad && r.doubts < bestDoubts)) {
      best = hl;
      bestBad = r.bad;
      bestDoubts = r.doubts;
    }
  }
  return best;
}

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
 * How a file's record headers store caplen and len, libpcap's rule (sf-pcap.c):
 * before version 2.3 the two fields were in the other order and are always
 * swapped back; in 2.3 some writers used the old order, so they are swapped
 * when caplen > len; DG/UX's 543.0 uses the old order.
 *
 * @example
 * ```ts
 * swapModeOf(2, 2); // SWAP.always
 * ```
 */
export function swapModeOf(major: number, minor: number): number {
  if (major === 543) return SWAP.always;
  if (major !== 2 || minor > 3) return SWAP.none;
  return minor < 3 ? SWAP.always : SWAP.ifCaplenAboveLen;
}
