/**
 * Where libpcap is looked for (Debian's soname first).
 * @module
 */

/** Library names tried in order by both adapters. */
export const LIBPCAP_CANDIDATES: readonly string[] = [
  "libpcap.so.0.8",
  "libpcap.so.1",
  "libpcap.so",
];
