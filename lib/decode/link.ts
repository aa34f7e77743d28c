/**
 * Link layers: Ethernet (+802.1Q/QinQ, 802.3 LLC/SNAP, PPPoE, MPLS …), Linux
 * SLL and SLL2, BSD NULL and LOOP, raw IP (101, 228, 229, 12, 14), PPP (9, 50,
 * 204) and PPPoE (51), Cisco HDLC (104, 205, and 9/50 frames with its address
 * byte), FDDI (10), ARCnet (7, 129), Linux NFLOG (239), IP over InfiniBand
 * (242), Juniper Ethernet (178), Token Ring (6), ATM LLC (100), OpenBSD enc
 * (109) and pflog (117), 802.11 (105; radiotap 127, Prism 119, AVS 163, PPI
 * 192), IP over IEEE 1394 (138), MPLS (219), Solaris IPNET (226),
 * netANALYZER (240, 241) and Apple PKTAP (258). Each returns the offset of the IP header
 * (setting `out.ipVersion`), or -1 with `out.kind` set ("non-ip",
 * "unknown-link", "unsupported" or "malformed").
 * @module
 */
import { u16 } from "./bytes.ts";
import { ethernet, etherType, llc, mpls, ppp, pppoe } from "./ethertype.ts";
import { cut, malformed, nest, stop } from "./packet.ts";
import { wlan } from "./wlan.ts";
import { LENGTH_NOTE, type Packet } from "./types.ts";
import { LINKTYPE } from "./link_types.ts";

export { knownLinkType, LINKTYPE, linkTypeName } from "./link_types.ts";

/** Address families that mean IPv6 in a BSD NULL/LOOP header (Linux, BSDs, macOS). */
function familyIsV6(f: number): boolean {
  return f === 10 || f === 24 || f === 28 || f === 30;
}

const le32 = (b: Uint8Array, o: number) =>
  (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

/** An address family: IPv4 (2) or one of the systems' IPv6 values, else "non-ip". */
function family(fam: number, off: number, out: Packet): number {
  if (fam === 2) {
    out.ipVersion = 4;
    return off;
  }
  if (familyIsV6(fam)) {
    out.ipVersion = 6;
    return off;
  }
  return stop(out, "non-ip");
}

function nullLoop(
  buf: Uint8Array,
  off: number,
  end: number,
  out: Packet,
  be: boolean,
  hlen = 4,
  name = "loopback",
): number {
  if (end - off < hlen) return cut(out, name);
  const beVal = ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>>
    0;
  const leVal = ((buf[off + 3] << 24) | (buf[off + 2] << 16) | (buf[off + 1] << 8) | buf[off]) >>>
    0;
  // NULL is in the capturing host's byte order: the value is small, so pick the order that says so.
  const fam = be ? beVal : leVal <= 0xffff ? leVal : beVal;
  return family(fam, off + hlen, out);
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

/** Token Ring: access and frame control, addresses, a routing field when the source says so; LLC. */
function tokenRing(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 15) return cut(out, "Token Ring");
  if ((buf[off + 1] & 0xc0) !== 0x40) return stop(out, "non-ip"); // a MAC frame
  let p = off + 14;
  if (buf[off + 8] & 0x80) p += buf[p] & 0x1f; // source routing information
  return llc(buf, p, end, out);
}

/** OpenBSD pflog: a header whose length is its first byte (padded to 4), address family next. */
function pflog(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 2) return cut(out, "pflog");
  const p = off + ((buf[off] + 3) & ~3);
  if (p > end) return cut(out, "pflog");
  return family(buf[off + 1], p, out);
}

/** A header whose length is given in it (radiotap, PPI, PKTAP, Prism, AVS) was cut. */
function sized(hlen: number, off: number, end: number, out: Packet, name: string): number {
  if (hlen < 8 || off + hlen > end) return cut(out, name);
  return off + hlen;
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
      if (stopAt < out.wireEnd) {
        out.wireEnd = stopAt;
        out.wireNote = LENGTH_NOTE.NFLOG;
        out.wireSoft = false;
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
 * import type { Frame } from "../capture/types.ts";
 * import { newPacket } from "./packet.ts";
 * declare const frame: Frame; // from readCapture
 * const pkt = newPacket();
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
    case LINKTYPE.IEEE802_5:
      return tokenRing(buf, off, end, out);
    case LINKTYPE.ATM_RFC1483:
      return llc(buf, off, end, out);
    case LINKTYPE.ENC: // address family (host order), SPI, flags
      return nullLoop(buf, off, end, out, false, 12, "enc");
    case LINKTYPE.PFLOG:
      return pflog(buf, off, end, out);
    case LINKTYPE.IEEE802_11:
      return wlan(buf, off, end, out);
    case LINKTYPE.RADIOTAP: {
      if (end - off < 4) return cut(out, "radiotap");
      const p = sized(buf[off + 2] | (buf[off + 3] << 8), off, end, out, "radiotap");
      return p < 0 ? p : wlan(buf, p, end, out);
    }
    case LINKTYPE.PRISM: {
      if (end - off < 8) return cut(out, "Prism");
      const p = sized(le32(buf, off + 4), off, end, out, "Prism");
      return p < 0 ? p : wlan(buf, p, end, out);
    }
    case LINKTYPE.AVS: {
      if (end - off < 8) return cut(out, "AVS");
      const p = sized(u16(buf, off + 6) | (u16(buf, off + 4) << 16), off, end, out, "AVS");
      return p < 0 ? p : wlan(buf, p, end, out);
    }
    case LINKTYPE.PPI: { // version, flags, length, then the link type of what follows
      if (end - off < 8) return cut(out, "PPI");
      const p = sized(buf[off + 2] | (buf[off + 3] << 8), off, end, out, "PPI");
      const dlt = le32(buf, off + 4);
      if (p < 0 || !nest(out)) return -1;
      return dlt === LINKTYPE.PPI ? cut(out, "PPI") : linkLayer(buf, p, end, dlt, out);
    }
    case LINKTYPE.PKTAP: { // header length, then the link type of what follows
      if (end - off < 8) return cut(out, "PKTAP");
      const p = sized(le32(buf, off), off, end, out, "PKTAP");
      const dlt = le32(buf, off + 4);
      if (p < 0 || !nest(out)) return -1;
      return dlt === LINKTYPE.PKTAP ? cut(out, "PKTAP") : linkLayer(buf, p, end, dlt, out);
    }
    case LINKTYPE.IEEE1394: // destination and source (8 bytes each), EtherType
      if (end - off < 18) return cut(out, "IEEE 1394");
      return etherType(buf, u16(buf, off + 16), off + 18, end, out);
    case LINKTYPE.MPLS:
      return mpls(buf, off, end, out);
    case LINKTYPE.IPNET: // version, family (2 IPv4, 26 IPv6), …: 24 bytes
      if (end - off < 24) return cut(out, "IPNET");
      return family(buf[off + 1] === 26 ? 10 : buf[off + 1], off + 24, out);
    case LINKTYPE.NETANALYZER: // a 4-byte status header, then Ethernet (with its FCS)
      if (end - off < 4) return cut(out, "netANALYZER");
      return ethernet(buf, off + 4, end, out);
    case LINKTYPE.NETANALYZER_TRANSPARENT: // status header, preamble and SFD, then Ethernet
      if (end - off < 12) return cut(out, "netANALYZER");
      return ethernet(buf, off + 12, end, out);
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
