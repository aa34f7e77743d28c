/**
 * EtherType dispatch shared by Ethernet, SLL, SLL2, GRE, Geneve and others:
 * IPv4, IPv6, 802.1Q/QinQ/VN-Tag/E-Tag tags, 802.3 LLC/SNAP, PPPoE (with PPP
 * protocol-field compression and its length), MPLS (IP or an Ethernet
 * pseudowire below the label stack), 802.1ah PBB, Cisco FabricPath, and
 * transparent Ethernet bridging; and PPP protocol numbers.
 * @module
 */
import { u16 } from "./bytes.ts";
import { addTunnel, cut, nest, stop, unsupported } from "./packet.ts";
import { LENGTH_NOTE, type Packet } from "./types.ts";

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
/** EtherType: pre-standard QinQ outer tag (another vendor value). */
export const ETH_QINQ_9200 = 0x9200;
/** EtherType: Cisco VN-Tag (4-byte tag). */
export const ETH_VNTAG = 0x8926;
/** EtherType: 802.1BR E-Tag (6-byte tag). */
export const ETH_ETAG = 0x893f;
/** EtherType: PPPoE session stage. */
export const ETH_PPPOE = 0x8864;
/** EtherType: MPLS unicast. */
export const ETH_MPLS = 0x8847;
/** EtherType: MPLS multicast. */
export const ETH_MPLS_MC = 0x8848;
/** EtherType: 802.1ah provider backbone bridging (I-TAG, then an Ethernet header). */
export const ETH_PBB = 0x88e7;
/** EtherType: Cisco FabricPath (FTAG/TTL, then an Ethernet header). */
export const ETH_FABRICPATH = 0x8903;
/** EtherType: Network Service Header (RFC 8300). */
export const ETH_NSH = 0x894f;
/** EtherType / GRE protocol: transparent Ethernet bridging (an Ethernet frame follows). */
export const ETH_TEB = 0x6558;
/** PPP protocol: IPv4. */
export const PPP_IPV4 = 0x0021;
/** PPP protocol: IPv6. */
export const PPP_IPV6 = 0x0057;
/** PPP protocol: MPLS unicast. */
export const PPP_MPLS = 0x0281;
/** PPP protocol: MPLS multicast. */
export const PPP_MPLS_MC = 0x0283;
/** PPP protocol: Van Jacobson compressed TCP/IP. */
export const PPP_VJC = 0x002d;
/** PPP protocol: Van Jacobson uncompressed TCP/IP. */
export const PPP_VJUC = 0x002f;

/** EtherTypes that never carry IP: inside a tunnel they are "non-ip", others "unsupported". */
const NON_IP = new Set([
  0x0806, // ARP
  0x8035, // RARP
  0x809b, // AppleTalk
  0x80f3, // AARP
  0x8137, // IPX
  0x8808, // Ethernet flow control
  0x8809, // slow protocols (LACP)
  0x8863, // PPPoE discovery
  0x888e, // 802.1X
  0x88cc, // LLDP
  0x88e5, // MACsec
  0x88f7, // PTP
  0x8902, // CFM
  0x8906, // FCoE
  0x9000, // loopback
]);

/**
 * Whether an EtherType is known never to carry IP (ARP, LLDP, …).
 *
 * @example
 * ```ts
 * knownNonIp(0x0806); // true (ARP)
 * ```
 */
export function knownNonIp(type: number): boolean {
  return NON_IP.has(type);
}

/** Field offsets in the Ethernet II header (as smoltcp's `wire::ethernet::field`). */
const ETH_TYPE = 12;
/** Destination, source, EtherType: where the payload starts. */
const ETH_HEADER_LEN = 14;

/**
 * An Ethernet II or 802.3 frame at `off`: the IP header offset, or -1 with `out.kind` set.
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const frame = new Uint8Array(14);
 * frame[12] = 0x08; // EtherType 0x0800: IPv4 follows the 14-byte header
 * const out = newPacket();
 * ethernet(frame, 0, frame.length, out); // 14
 * out.ipVersion; // 4
 * ```
 */
export function ethernet(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < ETH_HEADER_LEN) return cut(out, "Ethernet");
  const type = u16(buf, off + ETH_TYPE);
  if (type === ETH_IPV4) { // the common case, kept small enough to inline
    out.ipVersion = 4;
    return off + ETH_HEADER_LEN;
  }
  return etherType(buf, type, off + ETH_HEADER_LEN, end, out);
}

/**
 * An 802.2 LLC header at `off`: SNAP with an EtherType (OUI 0 or Cisco's
 * 0000f8), or SAP 6 (IP); anything else (STP, NetBIOS, IPX …) is "non-ip".
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const snap = new Uint8Array([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]); // SNAP, EtherType IPv4
 * llc(snap, 0, snap.length, newPacket()); // 8
 * ```
 */
export function llc(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 3) return cut(out, "LLC");
  const dsap = buf[off];
  if (dsap === 0xaa && buf[off + 1] === 0xaa) {
    if (end - off < 8) return cut(out, "LLC");
    const oui = (buf[off + 3] << 16) | (buf[off + 4] << 8) | buf[off + 5];
    if (oui !== 0 && oui !== 0xf8) return stop(out, "non-ip");
    return etherType(buf, u16(buf, off + 6), off + 8, end, out);
  }
  if (dsap === 0x06 && buf[off + 1] === 0x06) {
    out.ipVersion = 4;
    return off + 3;
  }
  return stop(out, "non-ip");
}

/**
 * An MPLS label stack at `off` (up to 16 labels to the bottom-of-stack bit),
 * then IPv4/IPv6 by the first nibble, or an Ethernet pseudowire after its
 * control word when the nibble is 0; anything else is "unsupported".
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const b = new Uint8Array([0x00, 0x01, 0x01, 0x40, 0x45]); // label 16, bottom of stack; IPv4
 * const out = newPacket();
 * mpls(b, 0, b.length, out); // 4
 * out.tunnel; // "MPLS"
 * ```
 */
export function mpls(buf: Uint8Array, off: number, end: number, out: Packet): number {
  let p = off;
  for (let i = 0;; i++) {
    if (end - p < 4) return cut(out, "MPLS");
    const bottom = buf[p + 2] & 1;
    p += 4;
    if (bottom) break;
    if (i === 15) return cut(out, "MPLS");
  }
  addTunnel(out, "MPLS");
  if (end - p < 1) return cut(out, "MPLS");
  const v = buf[p] >> 4;
  if (v === 4 || v === 6) {
    out.ipVersion = v;
    return p;
  }
  // An Ethernet pseudowire with its 4-byte control word (first nibble 0).
  if (v === 0 && end - p >= 18) return ethernet(buf, p + 4, end, out);
  return unsupported(out, "unsupported tunnel: MPLS");
}

/**
 * An NSH header at `off` (RFC 8300: its length in 4-byte words, then the next
 * protocol: 1 IPv4, 2 IPv6, 3 Ethernet, 5 MPLS).
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const b = new Uint8Array(24); // MD type 1: a 24-byte header
 * b.set([0x0f, 0xc6, 0x01, 0x01]); // length 6 words, next protocol 1 (IPv4)
 * nsh(b, 0, b.length, newPacket()); // 24
 * ```
 */
export function nsh(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 8) return cut(out, "NSH");
  addTunnel(out, "NSH");
  return nextProtocol(buf, buf[off + 3], off + (buf[off + 1] & 0x3f) * 4, end, out, "NSH");
}

/**
 * The "next protocol" numbering of NSH and VXLAN-GPE (1 IPv4, 2 IPv6,
 * 3 Ethernet, 4 NSH, 5 MPLS) at `off`; others are "unsupported tunnel: NAME".
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const out = newPacket();
 * nextProtocol(new Uint8Array(8), 2, 8, 8, out, "VXLAN-GPE"); // 8
 * out.ipVersion; // 6
 * nextProtocol(new Uint8Array(8), 9, 8, 8, out, "VXLAN-GPE"); // -1
 * out.error; // "unsupported tunnel: VXLAN-GPE"
 * ```
 */
export function nextProtocol(
  buf: Uint8Array,
  next: number,
  off: number,
  end: number,
  out: Packet,
  name: string,
): number {
  if (off > end) return cut(out, name);
  if (next === 1 || next === 2) {
    out.ipVersion = next === 1 ? 4 : 6;
    return off;
  }
  if (next === 3) return ethernet(buf, off, end, out);
  if (next === 4) return nest(out) ? nsh(buf, off, end, out) : -1;
  if (next === 5) return mpls(buf, off, end, out);
  return unsupported(out, `unsupported tunnel: ${name}`);
}

/**
 * A PPP protocol field at `off` (2 bytes, or 1 when compressed: an odd first
 * byte): the IP header offset, or -1 ("non-ip", "unsupported", "malformed").
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const out = newPacket(); // 00 21, or compressed to 21: IPv4 follows
 * ppp(new Uint8Array([0x00, 0x21]), 0, 2, out); // 2
 * ppp(new Uint8Array([0x21]), 0, 1, out); // 1
 * ```
 */
export function ppp(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 1) return cut(out, "PPP");
  let proto = buf[off];
  let p = off + 1;
  if ((proto & 1) === 0) {
    if (end - off < 2) return cut(out, "PPP");
    proto = (proto << 8) | buf[off + 1];
    p++;
  }
  if (proto === PPP_IPV4) {
    out.ipVersion = 4;
    return p;
  }
  if (proto === PPP_IPV6) {
    out.ipVersion = 6;
    return p;
  }
  if (proto === PPP_MPLS || proto === PPP_MPLS_MC) return nest(out) ? mpls(buf, p, end, out) : -1;
  if (proto === PPP_VJC || proto === PPP_VJUC) {
    return unsupported(out, "unsupported compression: PPP Van Jacobson");
  }
  return stop(out, "non-ip");
}

/**
 * A PPPoE session header at `off` (6 bytes): its payload length bounds the IP
 * packet (when IP claims more, `lengthNote` says so and PPPoE's is used); then
 * the PPP protocol.
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const b = new Uint8Array([0x11, 0, 0, 0x01, 0, 0x2a, 0x00, 0x21]); // session 1, 42 bytes, IPv4
 * pppoe(b, 0, b.length, newPacket()); // 8
 * ```
 */
export function pppoe(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 7) return cut(out, "PPPoE");
  const stopAt = off + 6 + u16(buf, off + 4);
  if (stopAt < out.wireEnd) {
    out.wireEnd = stopAt;
    out.wireNote = LENGTH_NOTE.PPPOE;
    out.wireSoft = false;
  }
  return ppp(buf, off + 6, end, out);
}

/**
 * Given an EtherType and the offset after it: the IP header offset (setting
 * `out.ipVersion`), or -1 with `out.kind` set. Follows tags, PPPoE, MPLS, PBB,
 * FabricPath and bridged Ethernet; a type below 0x0600 is an 802.3 length
 * (LLC follows).
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
  // 802.1Q / QinQ / VN-Tag / E-Tag: a tag, then the next EtherType (bounded).
  for (let i = 0; i < 8; i++) {
    let tag: number;
    if (type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD || type === ETH_QINQ_9200) {
      tag = 2;
    } else if (type === ETH_VNTAG) tag = 4;
    else if (type === ETH_ETAG) tag = 6;
    else break;
    if (end - off < tag + 2) return cut(out, "VLAN");
    type = u16(buf, off + tag);
    off += tag + 2;
    if (type === ETH_IPV4) {
      out.ipVersion = 4;
      return off;
    }
  }
  if (type === ETH_IPV6) {
    out.ipVersion = 6;
    return off;
  }
  if (type < 0x0600) return llc(buf, off, end, out); // 802.3 length field
  switch (type) {
    case ETH_PPPOE:
      return pppoe(buf, off, end, out);
    case ETH_MPLS:
    case ETH_MPLS_MC:
      return nest(out) ? mpls(buf, off, end, out) : -1;
    case ETH_PBB: // I-TAG (4 bytes), then the customer's Ethernet header
      if (!nest(out)) return -1;
      addTunnel(out, "PBB");
      return ethernet(buf, off + 4, end, out);
    case ETH_FABRICPATH: // FTAG/TTL (2 bytes), then the original Ethernet header
      if (!nest(out)) return -1;
      addTunnel(out, "FabricPath");
      return ethernet(buf, off + 2, end, out);
    case ETH_TEB:
      return nest(out) ? ethernet(buf, off, end, out) : -1;
    case ETH_NSH:
      return nest(out) ? nsh(buf, off, end, out) : -1;
  }
  return stop(out, "non-ip");
}
