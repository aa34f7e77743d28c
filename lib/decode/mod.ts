/**
 * The decode layer: a Frame's bytes -> one reused {@link Packet} with zero-copy
 * offsets. Link layer -> IPv4/IPv6 -> TCP | UDP | ICMP(v6). A malformed packet
 * is a labelled result (kind "malformed", `error` says why), never an exception.
 *
 * @example
 * ```ts
 * import { addrString, decodeFrame, newPacket } from "./mod.ts";
 * import { readCapture } from "../capture/mod.ts";
 * import type { ByteSource } from "../capture/mod.ts";
 * declare const src: ByteSource; // a file or stdin
 * const pkt = newPacket();
 * const sources: string[] = [];
 * await readCapture(src, (frame) => {
 *   decodeFrame(frame, pkt);
 *   if (pkt.kind === "tcp") {
 *     sources.push(`${addrString(pkt.buf, pkt.srcOff, pkt.ipVersion)}:${pkt.srcPort}`);
 *   }
 * });
 * ```
 * @module
 */
import type { Frame } from "../capture/types.ts";
import { icmp4, icmp6 } from "./icmp.ts";
import { ipv4 } from "./ipv4.ts";
import { ipv6, ipv6WireEnd } from "./ipv6.ts";
import { ethernet } from "./ethertype.ts";
import { linkLayer, LINKTYPE } from "./link.ts";
import { resetPacket, resetTcpHeader } from "./packet.ts";
import { tcp } from "./tcp.ts";
import { NOT_TUNNEL, tunnel } from "./tunnel.ts";
import { LENGTH_NOTE, type Packet } from "./types.ts";

export { addrString } from "./addr.ts";
export { newPacket } from "./packet.ts";
export { knownLinkType, LINKTYPE, linkTypeName } from "./link.ts";
export * from "./types.ts";

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMP6 = 58;

function transport(buf: Uint8Array, p: number, end: number, out: Packet): void {
  const proto = out.ipProto;
  if (proto === PROTO_UDP) {
    out.kind = "udp";
    if (end - p >= 4) {
      out.srcPort = (buf[p] << 8) | buf[p + 1];
      out.dstPort = (buf[p + 2] << 8) | buf[p + 3];
    }
  } else if (proto === PROTO_ICMP && out.ipVersion === 4) icmp4(buf, p, end, out);
  else if (proto === PROTO_ICMP6 && out.ipVersion === 6) icmp6(buf, p, end, out);
  if (out.kind === "non-ip") out.kind = "other-ip";
}

/**
 * Decodes `frame` into `out` (reset first) and returns `out`. Never throws on
 * packet content: failures are `kind: "malformed"` with `error` set. Tunnels
 * are followed: the fields describe the innermost packet (`tunnel` names the
 * layers). Length rule: the packet ends where IP says, but never past the
 * frame's bytes on the wire, PPPoE's/NFLOG's length or the outer packet of a
 * tunnel; when IP claims more, the smaller is used and `lengthNote` says so.
 *
 * @example
 * ```ts
 * import type { Frame } from "../capture/types.ts";
 * import { TCP_SYN } from "./types.ts";
 * declare const frame: Frame; // from readCapture
 * const pkt = newPacket();
 * decodeFrame(frame, pkt);
 * const isSyn = pkt.kind === "tcp" && (pkt.flags & TCP_SYN) !== 0; // pkt.mss is its MSS option
 * ```
 */
export function decodeFrame(frame: Frame, out: Packet): Packet {
  resetPacket(frame, out);
  const buf = frame.buf;
  let end = frame.offset + frame.caplen;
  if (end > buf.length) end = buf.length;
  out.wireEnd = frame.offset + (frame.origLen > frame.caplen ? frame.origLen : frame.caplen);
  out.wireNote = LENGTH_NOTE.FRAME;
  out.wireSoft = false;
  out.depth = 0;
  let ip = frame.linkType === LINKTYPE.ETHERNET
    ? ethernet(buf, frame.offset, end, out)
    : linkLayer(buf, frame.offset, end, frame.linkType, out);
  while (ip >= 0) {
    let p: number;
    let ipEnd: number;
    let more: boolean;
    if (out.ipVersion === 4) {
      p = ipv4(buf, ip, end, out);
      if (p < 0) return resetTcpHeader(out);
      ipEnd = out.ipEnd;
      more = out.ipMore;
    } else {
      p = ipv6(buf, ip, end, out);
      if (p < 0) return resetTcpHeader(out);
      ipEnd = ipv6WireEnd(buf, ip, end);
      more = out.ipMore;
    }
    if (ipEnd > out.wireEnd) {
      out.lengthNote = out.wireNote;
      if (!out.wireSoft) ipEnd = out.wireEnd;
    }
    const capEnd = ipEnd < end ? ipEnd : end;
    if (out.ipProto === PROTO_TCP) {
      // tcp() sets every TCP header field, or none when it fails.
      tcp(buf, p, ipEnd - p, capEnd, out);
      return out.kind === "tcp" ? out : resetTcpHeader(out);
    }
    ip = tunnel(buf, p, ipEnd, capEnd, more, out);
    if (ip === NOT_TUNNEL) {
      resetTcpHeader(out);
      transport(buf, p, capEnd, out);
      return out;
    }
    if (ip < 0 && out.kind === "non-ip") out.kind = "other-ip"; // e.g. ARP inside VXLAN
    end = capEnd;
  }
  return resetTcpHeader(out);
}
