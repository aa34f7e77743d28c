/**
 * Link layers: Ethernet (+802.1Q/QinQ, PPPoE), Linux SLL and SLL2, BSD NULL
 * and LOOP, raw IP (101, 228, 229, 12, 14), PPP (9, 50) and PPPoE (51).
 * Each returns the offset of the IP header (setting `out.ipVersion`), or -1
 * with `out.kind` set ("non-ip", "unknown-link" or "malformed").
 * @module
 */
import { u16 } from "./bytes.ts";
import { ETH_QINQ, ETH_QINQ_OLD, ETH_VLAN, etherType, pppProtocol } from "./ethertype.ts";
import { malformed, stop } from "./packet.ts";
import type { Packet } from "./types.ts";

/** LINKTYPE_* values the decoder knows. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  PPP_HDLC: 50,
  PPP_ETHER: 51,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Address families that mean IPv6 in a BSD NULL/LOOP header (Linux, BSDs, macOS). */
function familyIsV6(f: number): boolean {
  return f === 10 || f === 24 || f === 28 || f === 30;
}

function ethernet(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 14) return malformed(out, `Ethernet header cut: ${end - off} of 14 bytes`);
  let p = off + 12;
  let type = u16(buf, p);
  // 802.1Q and QinQ tags: 4 bytes each (TPID then TCI), bounded.
  for (let i = 0; i < 8 && (type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD); i++) {
    p += 4;
    if (end - p < 2) return malformed(out, `VLAN tag cut at byte ${p - off} of the frame`);
    type = u16(buf, p);
  }
  if (type < 0x0600) return stop(out, "non-ip"); // 802.3 length field: LLC frame.
  return etherType(buf, type, p + 2, end, out);
}

function nullLoop(buf: Uint8Array, off: number, end: number, out: Packet, be: boolean): number {
  if (end - off < 4) return malformed(out, `loopback header cut: ${end - off} of 4 bytes`);
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
  return malformed(out, `raw IP frame has IP version ${v} (expected 4 or 6)`);
}

function ppp(buf: Uint8Array, off: number, end: number, out: Packet): number {
  let p = off;
  if (end - p >= 2 && buf[p] === 0xff && buf[p + 1] === 0x03) p += 2; // HDLC address + control
  if (end - p < 1) return malformed(out, "PPP header cut");
  // Protocol field: 1 byte when compressed (odd first byte), else 2.
  if ((buf[p] & 1) === 1) return pppProtocol(buf[p], p + 1, out);
  if (end - p < 2) return malformed(out, "PPP header cut");
  return pppProtocol(u16(buf, p), p + 2, out);
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
      if (end - off < 16) return malformed(out, `SLL header cut: ${end - off} of 16 bytes`);
      return etherType(buf, u16(buf, off + 14), off + 16, end, out);
    case LINKTYPE.LINUX_SLL2:
      if (end - off < 20) return malformed(out, `SLL2 header cut: ${end - off} of 20 bytes`);
      return etherType(buf, u16(buf, off), off + 20, end, out);
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
      return ppp(buf, off, end, out);
    case LINKTYPE.PPP_ETHER:
      if (end - off < 8) return malformed(out, `PPPoE header cut: ${end - off} of 8 bytes`);
      return pppProtocol(u16(buf, off + 6), off + 8, out);
    default:
      return stop(out, "unknown-link");
  }
}

const LINKTYPE_NAMES: Record<number, string> = {
  [LINKTYPE.NULL]: "BSD loopback (NULL)",
  [LINKTYPE.ETHERNET]: "Ethernet",
  [LINKTYPE.PPP]: "PPP",
  [LINKTYPE.RAW_OPENBSD]: "raw IP (12)",
  [LINKTYPE.RAW_BSDOS]: "raw IP (14)",
  [LINKTYPE.PPP_HDLC]: "PPP in HDLC framing",
  [LINKTYPE.PPP_ETHER]: "PPPoE",
  [LINKTYPE.RAW]: "raw IP",
  [LINKTYPE.LOOP]: "OpenBSD loopback (LOOP)",
  [LINKTYPE.LINUX_SLL]: "Linux cooked (SLL)",
  [LINKTYPE.IPV4]: "raw IPv4",
  [LINKTYPE.IPV6]: "raw IPv6",
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
