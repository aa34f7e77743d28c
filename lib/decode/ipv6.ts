/**
 * IPv6: the fixed header and the extension-header chain (hop-by-hop, routing,
 * destination options, fragment, AH, mobility, HIP, shim6). A non-first
 * fragment is never parsed as TCP.
 * @module
 */
import { u16 } from "./bytes.ts";
import { cut, malformed, stop } from "./packet.ts";
import type { Packet } from "./types.ts";

/** Field offsets in the IPv6 header (RFC 8200 §3; as smoltcp's `wire::ipv6::field`). */
const VER_TC_FLOW = 0;
const PAYLOAD_LEN = 4;
const NXT_HDR = 6;
const HOP_LIMIT = 7;
const SRC_ADDR = 8;
const DST_ADDR = 24;
/** The fixed header's length; where the extension headers start. */
const HEADER_LEN = 40;

/** {@link skipExtensions} result: the chain is cut short by the capture. */
export const CUT = -1;
/** {@link skipExtensions} result: a non-first fragment (out.ipNext is its protocol). */
export const FRAGMENT = -2;

const EXT_HOP = 0;
const EXT_ROUTING = 43;
const EXT_FRAGMENT = 44;
const EXT_AH = 51;
const EXT_DSTOPTS = 60;
const EXT_MOBILITY = 135;
const EXT_HIP = 139;
const EXT_SHIM6 = 140;

/**
 * Walks the extension headers from `p` (first next header `nh`) and returns
 * the offset of the upper-layer header, with its protocol in `out.ipNext`;
 * or {@link CUT} / {@link FRAGMENT}.
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const buf: Uint8Array, ipOff: number, end: number, out: Packet; // IPv6 at ipOff
 * const l4 = skipExtensions(buf, ipOff + 40, end, buf[ipOff + 6], out); // out.ipNext 6: TCP
 * ```
 */
export function skipExtensions(
  buf: Uint8Array,
  p: number,
  end: number,
  nh: number,
  out: Packet,
): number {
  out.ipMore = false;
  for (let i = 0; i < 16; i++) {
    if (
      nh === EXT_HOP || nh === EXT_ROUTING || nh === EXT_DSTOPTS || nh === EXT_MOBILITY ||
      nh === EXT_HIP || nh === EXT_SHIM6
    ) {
      if (end - p < 2) break;
      const len = (buf[p + 1] + 1) * 8;
      nh = buf[p];
      p += len;
    } else if (nh === EXT_AH) {
      if (end - p < 2) break;
      const len = (buf[p + 1] + 2) * 4;
      nh = buf[p];
      p += len;
    } else if (nh === EXT_FRAGMENT) {
      if (end - p < 8) break;
      nh = buf[p];
      const offset = u16(buf, p + 2) & 0xfff8;
      out.ipMore = (buf[p + 3] & 1) === 1;
      p += 8;
      if (offset !== 0) {
        out.ipNext = nh;
        return FRAGMENT;
      }
    } else {
      out.ipNext = nh;
      return p <= end ? p : CUT;
    }
  }
  out.ipNext = nh;
  return CUT;
}

/**
 * Decodes the IPv6 header at `off`; returns the upper-layer offset (its
 * protocol in `out.ipProto`; the wire end from {@link ipv6WireEnd}) or -1
 * with `out.kind` set.
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const buf: Uint8Array, ipOff: number, frameEnd: number, pkt: Packet;
 * const l4 = ipv6(buf, ipOff, frameEnd, pkt);
 * ```
 */
export function ipv6(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < HEADER_LEN) return cut(out, "IPv6");
  if (buf[off + VER_TC_FLOW] >> 4 !== 6) {
    return malformed(out, "IP version disagrees with the header before it");
  }
  out.ipVersion = 6;
  out.ttl = buf[off + HOP_LIMIT];
  out.srcOff = off + SRC_ADDR;
  out.dstOff = off + DST_ADDR;
  const p = skipExtensions(buf, off + HEADER_LEN, end, buf[off + NXT_HDR], out);
  out.ipProto = out.ipNext;
  if (p === FRAGMENT) return stop(out, "fragment");
  if (p < 0) return malformed(out, "IPv6 extension headers cut");
  return p;
}

/**
 * Where the IPv6 packet ends on the wire: 40 + payload length (a zero payload
 * length, jumbogram or TSO, means "as captured").
 *
 * @example
 * ```ts
 * declare const buf: Uint8Array, ipOff: number, frameEnd: number;
 * const wireEnd = ipv6WireEnd(buf, ipOff, frameEnd);
 * ```
 */
export function ipv6WireEnd(buf: Uint8Array, off: number, end: number): number {
  const plen = u16(buf, off + PAYLOAD_LEN);
  return plen === 0 ? end : off + HEADER_LEN + plen;
}
