/**
 * EtherType dispatch shared by Ethernet, SLL and SLL2, and PPP protocol numbers.
 * @module
 */
import { u16 } from "./bytes.ts";
import { malformed, stop } from "./packet.ts";
import type { Packet } from "./types.ts";

/** EtherType: IPv4. */
export const ETH_IPV4 = 0x0800;
/** EtherType: IPv6. */
export const ETH_IPV6 = 0x86dd;
/** EtherType: 802.1Q VLAN tag. */
export const ETH_VLAN = 0x8100;
/** EtherType: 802.1ad service tag (QinQ outer). */
export const ETH_QINQ = 0x88a8;
/** EtherType: pre-standard QinQ outer tag. */
export const ETH_QINQ_OLD = 0x9100;
/** EtherType: PPPoE session stage. */
export const ETH_PPPOE = 0x8864;
/** PPP protocol: IPv4. */
export const PPP_IPV4 = 0x0021;
/** PPP protocol: IPv6. */
export const PPP_IPV6 = 0x0057;

/**
 * Given an EtherType and the offset after it: the IP header offset (setting
 * `out.ipVersion`), or -1 with `out.kind` set. Follows PPPoE session frames.
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const buf: Uint8Array, off: number, end: number, out: Packet; // an Ethernet frame at off
 * const ip = etherType(buf, 0x0800, off + 14, end, out); // out.ipVersion === 4
 * ```
 */
export function etherType(
  buf: Uint8Array,
  type: number,
  off: number,
  end: number,
  out: Packet,
): number {
  if (type === ETH_IPV4) {
    out.ipVersion = 4;
    return off;
  }
  if (type === ETH_IPV6) {
    out.ipVersion = 6;
    return off;
  }
  if (type === ETH_PPPOE) {
    // PPPoE session header (6 bytes), then the 2-byte PPP protocol.
    if (end - off < 8) return malformed(out, `PPPoE header cut: ${end - off} of 8 bytes captured`);
    return pppProtocol(u16(buf, off + 6), off + 8, out);
  }
  return stop(out, "non-ip");
}

/**
 * Maps a PPP protocol number to the IP header offset, or -1 ("non-ip").
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * declare const off: number, out: Packet; // off: the PPP protocol field
 * pppProtocol(0x0021, off + 2, out); // off + 2, out.ipVersion === 4
 * ```
 */
export function pppProtocol(proto: number, off: number, out: Packet): number {
  if (proto === PPP_IPV4) {
    out.ipVersion = 4;
    return off;
  }
  if (proto === PPP_IPV6) {
    out.ipVersion = 6;
    return off;
  }
  return stop(out, "non-ip");
}
