/**
 * IPv4: header with options, total length (0 = TSO: as captured), fragments
 * (a non-first fragment is never parsed as TCP).
 * @module
 */
import { u16 } from "./bytes.ts";
import { cut, malformed, stop } from "./packet.ts";
import type { Packet } from "./types.ts";

/**
 * Decodes the IPv4 header at `off`; returns the transport header offset (the
 * protocol in `out.ipProto`, the wire end in `out.ipEnd`, more fragments in `out.ipMore`) or -1 with `out.kind` set.
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const buf: Uint8Array, ipOff: number, frameEnd: number, pkt: Packet;
 * const l4 = ipv4(buf, ipOff, frameEnd, pkt); // pkt.ipProto === 6 for TCP
 * ```
 */
export function ipv4(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 20) return cut(out, "IPv4");
  if (buf[off] >> 4 !== 4) return malformed(out, "IP version disagrees with the header before it");
  const ihl = (buf[off] & 15) * 4;
  if (ihl < 20) return malformed(out, "IPv4 header length < 20");
  if (end - off < ihl) return malformed(out, "IPv4 options cut");
  let total = u16(buf, off + 2);
  if (total === 0) total = end - off; // TSO on the capturing host: length as captured
  else if (total < ihl) return malformed(out, "IPv4 total length < header length");
  out.ipVersion = 4;
  out.ttl = buf[off + 8];
  out.ipProto = buf[off + 9];
  out.srcOff = off + 12;
  out.dstOff = off + 16;
  out.ipEnd = off + total;
  const frag = u16(buf, off + 6);
  out.ipMore = (frag & 0x2000) !== 0;
  if ((frag & 0x1fff) !== 0) return stop(out, "fragment");
  return off + ihl;
}
