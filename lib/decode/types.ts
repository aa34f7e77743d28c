/**
 * Types of the decode layer. `decodeFrame` (lib/decode/mod.ts) fills ONE reusable
 * {@link Packet} per frame with zero-copy offsets into the frame's buffer; a
 * consumer copies what it keeps (addresses via `addrString`, etc.).
 * @module
 */

/** What a frame turned out to be. */
export type PacketKind =
  | "tcp"
  | "icmp-unreachable" // ICMP/ICMPv6 destination unreachable quoting an IP header (+ TCP ports/seq)
  | "udp"
  | "other-ip" // IP, but neither TCP, UDP nor ICMP unreachable (or other ICMP types)
  | "fragment" // a non-first IPv4/IPv6 fragment: never parsed as TCP
  | "non-ip" // ARP, LLDP, …
  | "unknown-link" // a link type the decoder does not know: error "unsupported link type N"
  | "unsupported" // IP/TCP may be inside, in a tunnel or encoding not decoded (see `error`)
  | "malformed"; // a labelled decode failure (see `error`)

/**
 * The reasons in `Packet.error`: short, stable strings (no offsets or counts,
 * the only number is a link type) so that a pipeline can count frames by them.
 *
 * - kind "unknown-link": `unsupported link type N` (N the LINKTYPE_ value).
 * - kind "unsupported": `unsupported tunnel: NAME`, NAME one of
 *   {@link UNSUPPORTED_TUNNELS}; or `unsupported compression: PPP Van Jacobson`;
 *   or `unsupported encryption: 802.11 protected frame`.
 * - kind "malformed": `NAME header cut` (NAME one of {@link HEADER_NAMES}: the
 *   bytes captured end inside that header), or one of {@link MALFORMED}.
 * - other kinds: empty.
 */
export const MALFORMED = {
  RAW_EMPTY: "raw IP frame is empty",
  RAW_VERSION: "raw IP frame is not IP version 4 or 6",
  IP_VERSION: "IP version disagrees with the header before it",
  IPV4_IHL: "IPv4 header length < 20",
  IPV4_OPTIONS: "IPv4 options cut",
  IPV4_TOTAL: "IPv4 total length < header length",
  IPV6_EXT: "IPv6 extension headers cut",
  TCP_HLEN: "TCP header length < 20",
  TCP_HLEN_IP: "TCP header longer than the IP payload",
  JUNIPER_MAGIC: "Juniper header without its magic",
  NESTED: "encapsulations nested too deep",
} as const;

/** The header names in "NAME header cut" reasons. */
export const HEADER_NAMES = [
  "Ethernet",
  "VLAN",
  "LLC",
  "SLL",
  "SLL2",
  "loopback",
  "PPP",
  "PPPoE",
  "Cisco HDLC",
  "FDDI",
  "ARCnet",
  "IPoIB",
  "NFLOG",
  "Juniper",
  "MPLS",
  "IPv4",
  "IPv6",
  "TCP",
  "ICMP",
  "ICMPv6",
  "GRE",
  "ERSPAN",
  "WCCP",
  "VXLAN",
  "Geneve",
  "GTP-U",
  "AYIYA",
  "L2TP",
  "NSH",
  "VXLAN-GPE",
  "802.11",
  "Token Ring",
  "IEEE 1394",
  "radiotap",
  "Prism",
  "AVS",
  "PPI",
  "PKTAP",
  "pflog",
  "enc",
  "IPNET",
  "netANALYZER",
] as const;

/** The NAMEs in "unsupported tunnel: NAME" reasons. */
export const UNSUPPORTED_TUNNELS = [
  "GRE", // a GRE protocol type not decoded
  "GRE version", // GRE version other than 0 and 1 (PPTP)
  "GRE source routing", // the R bit (RFC 1701 routing fields)
  "MPLS", // MPLS payload neither IP nor an Ethernet pseudowire
  "Geneve", // a Geneve protocol type not decoded
  "GTP-U", // a GTP-U payload that is not IP (e.g. PPP, Ethernet)
  "AYIYA", // an AYIYA next header that is neither IPv4 nor IPv6
  "NSH", // an NSH next protocol not decoded
  "VXLAN-GPE", // a VXLAN-GPE next protocol not decoded
  "L2TPv3", // L2TPv3 over IP (protocol 115) or UDP: its cookie length is configured, not sent
] as const;

/**
 * `Packet.lengthNote`: where two length fields disagree, the decoder uses the
 * smaller one (so nothing is read that is not there) and says which, here.
 */
export const LENGTH_NOTE = {
  /** IP's total length (IPv4) or 40 + payload length (IPv6) exceeds the frame's bytes on the wire: the frame's are used. */
  FRAME: "IP length exceeds the frame",
  /** PPPoE's payload length ends before IP's total length: PPPoE's is used. */
  PPPOE: "PPPoE length shorter than IP length",
  /** NFLOG's payload TLV ends before IP's total length: NFLOG's is used. */
  NFLOG: "NFLOG payload shorter than IP length",
  /** A tunnelled packet's IP length exceeds what the outer packet carries: the outer one is used. */
  OUTER: "inner IP length exceeds the outer packet",
  /**
   * The outer packet of a tunnel is a first fragment: the inner packet goes on in
   * later fragments (not reassembled), so the inner IP length is kept and the bytes
   * past this fragment count as not captured (as with a snaplen).
   */
  OUTER_FRAGMENT: "outer packet is a first fragment",
} as const;

/** TCP flag bits, as in the header's flags byte (plus NS). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;
/** The NS (nonce sum, now AE) bit from byte 12 of the TCP header, placed above the flags byte. */
export const TCP_NS = 0x100;

/** A decoded frame. Numbers use -1 for "absent" so the object keeps one shape. */
export interface Packet {
  /** Copied from the Frame. */
  frame: number;
  tsSec: number;
  tsNsec: number;
  kind: PacketKind;
  /**
   * Why the frame was not decoded (kinds "malformed", "unsupported", "unknown-link"), a
   * stable reason (see {@link MALFORMED}), e.g. "IPv4 header cut". Empty otherwise.
   */
  error: string;
  /** Set (see {@link LENGTH_NOTE}) when two length fields disagreed and the smaller was used. */
  lengthNote: string;
  /**
   * The tunnels the packet came through, outermost first, joined by "/" (e.g. "GRE",
   * "VXLAN", "IPv6-in-IPv4", "MPLS"); empty when none. The address fields describe the
   * innermost packet.
   */
  tunnel: string;
  /** 4 or 6 for IP packets, 0 otherwise. */
  ipVersion: 0 | 4 | 6;
  /** The buffer the offsets refer to (the frame's buffer). */
  buf: Uint8Array;
  /** Offsets of the source and destination addresses in `buf` (4 or 16 bytes each). */
  srcOff: number;
  dstOff: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /**
   * Decoder scratch, valid right after an IP header was read: where the IP
   * packet ends on the wire (offset in `buf`), its more-fragments flag, and
   * the final IPv6 next-header after the extension headers.
   */
  ipEnd: number;
  ipMore: boolean;
  ipNext: number;
  /**
   * Decoder scratch for the whole frame (set by `decodeFrame`): where the
   * current packet ends on the wire as far as the layers below it know
   * (offset in `buf`), the {@link Packet.lengthNote} to use when IP claims
   * more (`wireSoft`: then IP's length is kept, the bytes beyond `wireEnd`
   * count as not captured), and how many encapsulations are nested (bounded
   * by MAX_DEPTH).
   */
  wireEnd: number;
  wireNote: string;
  wireSoft: boolean;
  depth: number;
  /** LINKTYPE_* of the frame. */
  linkType: number;
  /** IP protocol / IPv6 final next header (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 …); -1 if not IP. */
  ipProto: number;
  // --- TCP (kind "tcp"); also srcPort/dstPort for UDP ---
  srcPort: number;
  dstPort: number;
  /** Raw 32-bit sequence and acknowledgement numbers (unsigned). */
  seq: number;
  ack: number;
  /** Flags byte (TCP_* bits), plus TCP_NS (0x100) when that bit is set. */
  flags: number;
  /** Raw window field (unscaled). */
  window: number;
  /** TCP payload: offset in `buf` and length on the wire (from IP lengths, not caplen). */
  payloadOff: number;
  payloadLen: number;
  /** Payload bytes actually captured (≤ payloadLen when snaplen cut it). */
  payloadCaptured: number;
  /**
   * TCP options; -1 when absent. With {@link Packet.synOptionsOnly} they are
   * read only on segments with SYN set (the rest show them absent).
   */
  mss: number;
  wscale: number;
  sackPermitted: boolean;
  /** SACK blocks as flat [left0, right0, left1, right1, …]; `sackCount` pairs are valid. */
  sack: number[];
  sackCount: number;
  tsVal: number;
  tsEcr: number;
  /**
   * Set by the caller, kept by the decoder: read TCP options only on SYN
   * segments. The window scale, the only option the TCP analysis uses, counts
   * only there; the explain engine sets it to skip the timestamps on every
   * other segment (`newPacket({ synOptionsOnly: true })`).
   */
  synOptionsOnly: boolean;
  // --- ICMP destination unreachable (kind "icmp-unreachable") ---
  icmpType: number;
  icmpCode: number;
  /** The quoted packet: IP version, address offsets, protocol, ports and TCP seq (-1 if not quoted). */
  quotedIpVersion: 0 | 4 | 6;
  quotedSrcOff: number;
  quotedDstOff: number;
  quotedProto: number;
  quotedSrcPort: number;
  quotedDstPort: number;
  quotedSeq: number;
}
