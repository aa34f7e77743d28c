/**
 * Address formatting: IPv4 dotted quad, IPv6 in RFC 5952 canonical text
 * (lower case, no leading zeros, the longest run of two or more zero groups
 * as "::", the first on a tie; IPv4-mapped as ::ffff:a.b.c.d).
 * @module
 */

function dotted(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

function ipv6Text(b: Uint8Array, off: number): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (b[off + 2 * i] << 8) | b[off + 2 * i + 1];
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${dotted(b, off + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) return g.map((x) => x.toString(16)).join(":");
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(":");
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(":");
  return `${head}::${tail}`;
}

/**
 * The text form of the address at `buf[off]` (4 bytes for version 4, 16 for 6).
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const pkt: Packet; // decoded by decodeFrame
 * addrString(pkt.buf, pkt.srcOff, pkt.ipVersion); // "198.18.0.1" or "2001:db8::1"
 * ```
 */
export function addrString(buf: Uint8Array, off: number, version: number): string {
  if (off < 0) return "";
  if (version === 4) return off + 4 <= buf.length ? dotted(buf, off) : "";
  if (version === 6) return off + 16 <= buf.length ? ipv6Text(buf, off) : "";
  return "";
}
