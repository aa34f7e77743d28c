/**
 * Link-type numbers (LINKTYPE_*, as in pcap and pcapng headers): the ones the
 * decoder knows and their readable names.
 * @module
 */

/** LINKTYPE_* values the decoder knows. */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  IEEE802_5: 6,
  ARCNET_BSD: 7,
  PPP: 9,
  FDDI: 10,
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  PPP_HDLC: 50,
  PPP_ETHER: 51,
  ATM_RFC1483: 100,
  RAW: 101,
  C_HDLC: 104,
  IEEE802_11: 105,
  LOOP: 108,
  ENC: 109,
  LINUX_SLL: 113,
  PFLOG: 117,
  PRISM: 119,
  RADIOTAP: 127,
  ARCNET_LINUX: 129,
  IEEE1394: 138,
  AVS: 163,
  JUNIPER_ETHER: 178,
  PPI: 192,
  PPP_WITH_DIR: 204,
  C_HDLC_WITH_DIR: 205,
  MPLS: 219,
  IPNET: 226,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  NETANALYZER: 240,
  NETANALYZER_TRANSPARENT: 241,
  IPOIB: 242,
  PKTAP: 258,
  LINUX_SLL2: 276,
} as const;

const LINKTYPE_NAMES: Record<number, string> = {
  [LINKTYPE.NULL]: "BSD loopback (NULL)",
  [LINKTYPE.ETHERNET]: "Ethernet",
  [LINKTYPE.IEEE802_5]: "Token Ring",
  [LINKTYPE.ARCNET_BSD]: "ARCnet (BSD)",
  [LINKTYPE.PPP]: "PPP",
  [LINKTYPE.FDDI]: "FDDI",
  [LINKTYPE.RAW_OPENBSD]: "raw IP (12)",
  [LINKTYPE.RAW_BSDOS]: "raw IP (14)",
  [LINKTYPE.PPP_HDLC]: "PPP in HDLC framing",
  [LINKTYPE.PPP_ETHER]: "PPPoE",
  [LINKTYPE.ATM_RFC1483]: "ATM (RFC 1483 LLC)",
  [LINKTYPE.RAW]: "raw IP",
  [LINKTYPE.C_HDLC]: "Cisco HDLC",
  [LINKTYPE.IEEE802_11]: "IEEE 802.11",
  [LINKTYPE.ENC]: "OpenBSD enc",
  [LINKTYPE.PFLOG]: "OpenBSD pflog",
  [LINKTYPE.PRISM]: "802.11 with Prism header",
  [LINKTYPE.RADIOTAP]: "802.11 with radiotap header",
  [LINKTYPE.IEEE1394]: "IP over IEEE 1394",
  [LINKTYPE.AVS]: "802.11 with AVS header",
  [LINKTYPE.PPI]: "PPI",
  [LINKTYPE.MPLS]: "MPLS",
  [LINKTYPE.IPNET]: "Solaris IPNET",
  [LINKTYPE.NETANALYZER]: "netANALYZER",
  [LINKTYPE.NETANALYZER_TRANSPARENT]: "netANALYZER transparent",
  [LINKTYPE.PKTAP]: "Apple PKTAP",
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
