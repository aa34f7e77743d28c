/**
 * Link layers: Ethernet (+802.1Q/QinQ, 802.3 LLC/SNAP, PPPoE, MPLS …), Linux
 * SLL and SLL2, BSD NULL and LOOP, raw IP (101, 228, 229, 12, 14), PPP (9, 50,
 * 204) and PPPoE (51), Cisco HDLC (104, 205, and 9/50 frames with its address
 * byte), FDDI (10), ARCnet (7, 129), Linux NFLOG (239), IP over InfiniBand
 * (242) and Juniper Ethernet (178). Each returns the offset of the IP header
 * (setting `out.ipVersion`), or -1 with `out.kind` set ("non-ip",
 * "unknown-link", "unsupported" or "malformed").
 * @module
 */
import { u16 } from "./bytes.ts";
import { ethernet, etherType, llc, ppp, pppoe } from "./ethertype.ts";
import { cut, lim, malformed, stop } from "./packet.ts";
import { LENGTH_NOTE, type Packet } from "./types.ts";

/** LINKTYPE_* values the decoder knows. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  ARCNET_BSD: 7,
  PPP: 9,
  FDDI: 10,
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  PPP_HDLC: 50,
  PPP_ETHER: 51,
  RAW: 101,
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  ARCNET_LINUX: 129,
  JUNIPER_ETHER: 178,
  PPP_WITH_DIR: 204,
  C_HDLC_WITH_DIR: 205,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  IPOIB: 242,
  LINUX_SLL2: 276,
} as const;

/** Address families that mean IPv6 in a BSD NULL/LOOP header (Linux, BSDs, macOS). */
function familyIsV6(f: number): boolean {
  return f === 10 || f === 24 || f === 28 || f === 30;
}

function nullLoop(buf: Uint8Array, off: number, end: number, out: Packet, be: boolean): number {
  if (end - off < 4) return cut(out, "loopback");
  const beVal = ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>>
    0;
  const leVal = ((buf[off + 3] << 24) | (buf[off + 2] << 16) | (buf[off + 1] << 8) | buf[off]) >>>
    0;
  // NULL is in the capturing host's byte order: the value is small, so pick the order that says so.
  const fam = be ? beVal : leVal <= 0xffff ? leVal : beVal;
  if (fam === 2) {
    out.ipVersion = 4;
    return off + 4;
  }
  if (familyIsV6(fam)) {
    out.ipVersion = 6;
    return off + 4;
  }
  return stop(out, "non-ip");
}

function rawIp(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 1) return malformed(out, "raw IP frame is empty");
  const v = buf[off] >> 4;
  if (v === 4 || v === 6) {
    out.ipVersion = v;
    return off;
  }
  return malformed(out, "raw IP frame is not IP version 4 or 6");
}

/** Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control, EtherType. */
function chdlc(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 4) return cut(out, "Cisco HDLC");
  return etherType(buf, u16(buf, off + 2), off + 4, end, out);
}

/** PPP, optionally in HDLC-like framing (ff 03); a Cisco HDLC frame when the address says so. */
function pppLink(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off >= 1 && (buf[off] === 0x0f || buf[off] === 0x8f)) return chdlc(buf, off, end, out);
  let p = off;
  if (end - p >= 2 && buf[p] === 0xff && buf[p + 1] === 0x03) p += 2; // HDLC address + control
  return ppp(buf, p, end, out);
}

/** FDDI: frame control, two addresses (13 bytes), then LLC for LLC frames. */
function fddi(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 13) return cut(out, "FDDI");
  if ((buf[off] & 0x70) !== 0x50) return stop(out, "non-ip"); // not an LLC frame (SMT, MAC)
  return llc(buf, off + 13, end, out);
}

/**
 * ARCnet (BSD: source, destination, protocol; Linux: source, destination,
 * 2-byte offset, protocol). RFC 1201 protocols have a split flag and sequence
 * number (4 more bytes in an exception packet); RFC 1051 ones do not.
 */
function arcnet(buf: Uint8Array, off: number, end: number, out: Packet, linux: boolean): number {
  let p = off + (linux ? 4 : 2);
  if (end - p < 1) return cut(out, "ARCnet");
  const proto = buf[p++];
  let v = 0;
  if (proto === 240) v = 4; // RFC 1051 IP
  else if (proto === 212 || proto === 196) { // RFC 1201 IP, IPv6
    if (end - p < 1) return cut(out, "ARCnet");
    p += buf[p] === 0xff ? 7 : 3;
    v = proto === 212 ? 4 : 6;
  } else return stop(out, "non-ip");
  if (p > end) return cut(out, "ARCnet");
  out.ipVersion = v as 4 | 6;
  return p;
}

/** Linux NFLOG: family, version, resource id, then TLVs (host byte order); type 9 is the packet. */
function nflog(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 4) return cut(out, "NFLOG");
  let p = off + 4;
  for (let i = 0; i < 64 && end - p >= 4; i++) {
    let len = buf[p] | (buf[p + 1] << 8);
    let type = buf[p + 2] | (buf[p + 3] << 8);
    if (len < 4 || len > end - p + 3) { // not little-endian: a big-endian host wrote it
      len = u16(buf, p);
      type = u16(buf, p + 2);
      if (len < 4) return cut(out, "NFLOG");
    }
    if ((type & 0x7fff) === 9) {
      const stopAt = p + len;
      if (stopAt < lim.wire) {
        lim.wire = stopAt;
        lim.note = LENGTH_NOTE.NFLOG;
        lim.soft = false;
      }
      return rawIp(buf, p + 4, end, out);
    }
    p += (len + 3) & ~3;
  }
  return stop(out, "non-ip"); // no packet in this log message
}

/** IP over InfiniBand: two 20-byte hardware addresses, EtherType, 2 reserved bytes. */
function ipoib(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 44) return cut(out, "IPoIB");
  return etherType(buf, u16(buf, off + 40), off + 44, end, out);
}

/** Juniper: magic "MGC", flags, optional extensions; then Ethernet (or IP when "no L2"). */
function juniperEther(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 4) return cut(out, "Juniper");
  if (buf[off] !== 0x4d || buf[off + 1] !== 0x47 || buf[off + 2] !== 0x43) {
    return malformed(out, "Juniper header without its magic");
  }
  const flags = buf[off + 3];
  let p = off + 4;
  if (flags & 0x80) {
    if (end - p < 2) return cut(out, "Juniper");
    p += 2 + u16(buf, p);
  }
  if (flags & 0x02) return rawIp(buf, p + 4, end, out); // no L2 header: a 4-byte family, then IP
  return ethernet(buf, p, end, out);
}

/**
 * The offset of the IP header inside the frame, or -1 (with `out.kind` set).
 *
 * @example
 * ```ts
 * const ipOff = linkLayer(frame.buf, frame.offset, frame.offset + frame.caplen, 1, pkt);
 * ```
 */
export function linkLayer(
  buf: Uint8Array,
  off: number,
  end: number,
  linkType: number,
  out: Packet,
): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return ethernet(buf, off, end, out);
    case LINKTYPE.LINUX_SLL:
      if (end - off < 16) return cut(out, "SLL");
      return sllProtocol(buf, u16(buf, off + 14), off + 16, end, out);
    case LINKTYPE.LINUX_SLL2:
      if (end - off < 20) return cut(out, "SLL2");
      return sllProtocol(buf, u16(buf, off), off + 20, end, out);
    case LINKTYPE.NULL:
      return nullLoop(buf, off, end, out, false);
    case LINKTYPE.LOOP:
      return nullLoop(buf, off, end, out, true);
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_OPENBSD:
    case LINKTYPE.RAW_BSDOS:
      return rawIp(buf, off, end, out);
    case LINKTYPE.IPV4:
      out.ipVersion = 4;
      return off;
    case LINKTYPE.IPV6:
      out.ipVersion = 6;
      return off;
    case LINKTYPE.PPP:
    case LINKTYPE.PPP_HDLC:
      return pppLink(buf, off, end, out);
    case LINKTYPE.PPP_WITH_DIR:
      return pppLink(buf, off + 1, end, out);
    case LINKTYPE.PPP_ETHER:
      return pppoe(buf, off, end, out);
    case LINKTYPE.C_HDLC:
      return chdlc(buf, off, end, out);
    case LINKTYPE.C_HDLC_WITH_DIR:
      return chdlc(buf, off + 1, end, out);
    case LINKTYPE.FDDI:
      return fddi(buf, off, end, out);
    case LINKTYPE.ARCNET_BSD:
      return arcnet(buf, off, end, out, false);
    case LINKTYPE.ARCNET_LINUX:
      return arcnet(buf, off, end, out, true);
    case LINKTYPE.NFLOG:
      return nflog(buf, off, end, out);
    case LINKTYPE.IPOIB:
      return ipoib(buf, off, end, out);
    case LINKTYPE.JUNIPER_ETHER:
      return juniperEther(buf, off, end, out);
    default:
      out.kind = "unknown-link";
      out.error = `unsupported link type ${linkType}`;
      return -1;
  }
}

/** SLL's protocol field: an EtherType, or below 0x0600 a Linux ETH_P_ value (4: 802.2 LLC). */
function sllProtocol(buf: Uint8Array, proto: number, off: number, end: number, out: Packet) {
  if (proto >= 0x0600) return etherType(buf, proto, off, end, out);
  return proto === 4 ? llc(buf, off, end, out) : stop(out, "non-ip");
}

const LINKTYPE_NAMES: Record<number, string> = {
  [LINKTYPE.NULL]: "BSD loopback (NULL)",
  [LINKTYPE.ETHERNET]: "Ethernet",
  [LINKTYPE.ARCNET_BSD]: "ARCnet (BSD)",
  [LINKTYPE.PPP]: "PPP",
  [LINKTYPE.FDDI]: "FDDI",
  [LINKTYPE.RAW_OPENBSD]: "raw IP (12)",
  [LINKTYPE.RAW_BSDOS]: "raw IP (14)",
  [LINKTYPE.PPP_HDLC]: "PPP in HDLC framing",
  [LINKTYPE.PPP_ETHER]: "PPPoE",
  [LINKTYPE.RAW]: "raw IP",
  [LINKTYPE.C_HDLC]: "Cisco HDLC",
  [LINKTYPE.LOOP]: "OpenBSD loopback (LOOP)",
  [LINKTYPE.LINUX_SLL]: "Linux cooked (SLL)",
  [LINKTYPE.ARCNET_LINUX]: "ARCnet (Linux)",
  [LINKTYPE.JUNIPER_ETHER]: "Juniper Ethernet",
  [LINKTYPE.PPP_WITH_DIR]: "PPP with direction",
  [LINKTYPE.C_HDLC_WITH_DIR]: "Cisco HDLC with direction",
  [LINKTYPE.IPV4]: "raw IPv4",
  [LINKTYPE.IPV6]: "raw IPv6",
  [LINKTYPE.NFLOG]: "Linux NFLOG",
  [LINKTYPE.IPOIB]: "IP over InfiniBand",
  [LINKTYPE.LINUX_SLL2]: "Linux cooked v2 (SLL2)",
};

/**
 * Whether the decoder understands a link type (others decode as "unknown-link").
 *
 * @example
 * ```ts
 * knownLinkType(276); // true (Linux SLL2)
 * knownLinkType(147); // false (a user-defined DLT)
 * ```
 */
export function knownLinkType(linkType: number): boolean {
  return linkType in LINKTYPE_NAMES;
}

/**
 * A readable name for a link type, e.g. for "N frames of link type 147 (unknown) skipped".
 *
 * @example
 * ```ts
 * linkTypeName(113); // "Linux cooked (SLL)"
 * linkTypeName(147); // "link type 147 (unknown)"
 * ```
 */
export function linkTypeName(linkType: number): string {
  return LINKTYPE_NAMES[linkType] ?? `link type ${linkType} (unknown)`;
}
