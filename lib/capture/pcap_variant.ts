/**
 * Old pcap variants that share a magic number with another layout but have
 * longer record headers (extra interface/protocol fields after the usual 16
 * bytes), told apart as Wireshark does: by which layout makes the second record
 * header plausible.
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

function plausible(
  view: DataView,
  pos: number,
  le: boolean,
  maxCaplen: number,
  fracLimit: number,
): boolean {
  const frac = view.getUint32(pos + 4, le);
  const caplen = view.getUint32(pos + 8, le);
  const orig = view.getUint32(pos + 12, le);
  return frac < fracLimit && caplen <= maxCaplen && caplen <= orig;
}

/**
 * The record header length to use, judged from the first records in
 * `[pos, end)`; 0 when the first record header is not all there yet. When the
 * second header is not available either (a slow stream), the first candidate
 * is taken: live writers (tcpdump -U) only write the standard layouts.
 *
 * @example
 * ```ts
 * declare const view: DataView, end: number; // the read buffer and where its bytes end
 * const hl = pickRecordHeader(view, 24, end, true, RECORD_HEADERS.standard, 262144, 1e6);
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
): number {
  if (end - pos < 16) return 0;
  if (!plausible(view, pos, le, maxCaplen, fracLimit)) return candidates[0];
  const caplen = view.getUint32(pos + 8, le);
  for (const hl of candidates) {
    const next = pos + hl + caplen;
    if (end - next < 16) return hl === candidates[0] ? hl : candidates[0];
    if (plausible(view, next, le, maxCaplen, fracLimit)) return hl;
  }
  return candidates[0];
}
