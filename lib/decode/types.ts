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
  | "unknown-link" // a link type the decoder does not know
  | "malformed"; // a labelled decode failure (see `error`)

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
  /** Why decoding failed (kind "malformed"), e.g. "IPv4 header length 12 < 20". Empty otherwise. */
  error: string;
  /** 4 or 6 for IP packets, 0 otherwise. */
  ipVersion: 0 | 4 | 6;
  /** The buffer the offsets refer to (the frame's buffer). */
  buf: Uint8Array;
  /** Offsets of the source and destination addresses in `buf` (4 or 16 bytes each). */
  srcOff: number;
  dstOff: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
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
  /** TCP options; -1 when absent. */
  mss: number;
  wscale: number;
  sackPermitted: boolean;
  /** SACK blocks as flat [left0, right0, left1, right1, …]; `sackCount` pairs are valid. */
  sack: number[];
  sackCount: number;
  tsVal: number;
  tsEcr: number;
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
