/**
 * IPv4: header with options, total length (0 = TSO: as captured), fragments
 * (a non-first fragment is never parsed as TCP).
 * @module
 */
import { u16 } from "./bytes.ts";
import { cut, malformed, stop } from "./packet.ts";
import type { Packet } from "./types.ts";

/** Field offsets in the IPv4 header (RFC 791; as smoltcp's `wire::ipv4::field`). */
const VER_IHL = 0;
const LENGTH = 2;
const FLG_OFF = 6;
const TTL = 8;
const PROTOCOL = 9;
const SRC_ADDR = 12;
const DST_ADDR = 16;
/** Header length without options. */
const HEADER_LEN = 20;

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
  if (end - off < HEADER_LEN) return cut(out, "IPv4");
  if (buf[off + VER_IHL] >> 4 !== 4) {
    return malformed(out, "IP version disagrees with the header before it");
  }
  const ihl = (buf[off + VER_IHL] & 15) * 4;
  if (ihl < HEADER_LEN) return malformed(out, "IPv4 header length < 20");
  if (end - off < ihl) return malformed(out, "IPv4 options cut");
  let total = u16(buf, off + LENGTH);
  if (total === 0) total = end - off; // TSO on the capturing host: length as captured
  else if (total < ihl) return malformed(out, "IPv4 total length < header length");
  out.ipVersion = 4;
  out.ttl = buf[off + TTL];
  out.ipProto = buf[off + PROTOCOL];
  out.srcOff = off + SRC_ADDR;
  out.dstOff = off + DST_ADDR;
  out.ipEnd = off + total;
  const frag = u16(buf, off + FLG_OFF);
  out.ipMore = (frag & 0x2000) !== 0;
  if ((frag & 0x1fff) !== 0) return stop(out, "fragment");
  return off + ihl;
}
