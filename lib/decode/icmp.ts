/**
 * ICMP and ICMPv6: type and code; for destination unreachable, the quoted IP
 * header and the first 8 bytes of its transport header (ports, TCP seq), so
 * that the unreachable can be tied to its connection (docs/scenarios.md §5.14).
 * @module
 */
import { u16, u32 } from "./bytes.ts";
import { FRAGMENT, skipExtensions } from "./ipv6.ts";
import { cut } from "./packet.ts";
import type { Packet } from "./types.ts";

const ICMP4_UNREACH = 3;
const ICMP6_UNREACH = 1;
const PROTO_TCP = 6;

function quotedTransport(buf: Uint8Array, p: number, end: number, proto: number, out: Packet) {
  out.quotedProto = proto;
  if (end - p >= 4) {
    out.quotedSrcPort = u16(buf, p);
    out.quotedDstPort = u16(buf, p + 2);
  }
  if (proto === PROTO_TCP && end - p >= 8) out.quotedSeq = u32(buf, p + 4);
}

/**
 * Decodes ICMPv4 at `off` (captured bytes end at `end`).
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const buf: Uint8Array, ipOff: number, ihl: number, frameEnd: number, pkt: Packet;
 * icmp4(buf, ipOff + ihl, frameEnd, pkt); // pkt.kind === "icmp-unreachable" for type 3
 * ```
 */
export function icmp4(buf: Uint8Array, off: number, end: number, out: Packet): void {
  if (end - off < 8) {
    cut(out, "ICMP");
    return;
  }
  out.icmpType = buf[off];
  out.icmpCode = buf[off + 1];
  if (out.icmpType !== ICMP4_UNREACH) return;
  out.kind = "icmp-unreachable";
  const q = off + 8;
  if (end - q < 20 || buf[q] >> 4 !== 4) return;
  const ihl = (buf[q] & 15) * 4;
  if (ihl < 20 || end - q < ihl) return;
  out.quotedIpVersion = 4;
  out.quotedSrcOff = q + 12;
  out.quotedDstOff = q + 16;
  const fragOffset = u16(buf, q + 6) & 0x1fff;
  if (fragOffset !== 0) {
    out.quotedProto = buf[q + 9];
    return;
  }
  quotedTransport(buf, q + ihl, end, buf[q + 9], out);
}

/**
 * Decodes ICMPv6 at `off` (captured bytes end at `end`).
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const buf: Uint8Array, l4Off: number, frameEnd: number, pkt: Packet;
 * icmp6(buf, l4Off, frameEnd, pkt); // pkt.kind === "icmp-unreachable" for type 1
 * ```
 */
export function icmp6(buf: Uint8Array, off: number, end: number, out: Packet): void {
  if (end - off < 8) {
    cut(out, "ICMPv6");
    return;
  }
  out.icmpType = buf[off];
  out.icmpCode = buf[off + 1];
  if (out.icmpType !== ICMP6_UNREACH) return;
  out.kind = "icmp-unreachable";
  const q = off + 8;
  if (end - q < 40 || buf[q] >> 4 !== 6) return;
  out.quotedIpVersion = 6;
  out.quotedSrcOff = q + 8;
  out.quotedDstOff = q + 24;
  const p = skipExtensions(buf, q + 40, end, buf[q + 6], out);
  if (p === FRAGMENT) out.quotedProto = out.ipNext;
  if (p < 0) return; // extension chain cut, or a non-first fragment
  quotedTransport(buf, p, end, out.ipNext, out);
}
