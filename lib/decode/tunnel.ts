/**
 * Tunnels: the inner packet is what TCP analysis sees (the outer headers are
 * forgotten; `Packet.tunnel` names them). IP-in-IP (4in4, 6in4, 4in6, 6in6),
 * GRE (RFC 2784/2890; PPTP's version 1 with PPP; ERSPAN types I–III; WCCP
 * redirect; Aruba's 802.11 frames; MPLS; bridged Ethernet), and over UDP:
 * VXLAN (4789), VXLAN-GPE (4790), Geneve (6081), GTP-U (2152), GRE-in-UDP
 * (4754), AYIYA (5072), L2TPv2 (1701: PPP), Teredo (3544), on either port as
 * Wireshark does. L2TPv3 (IP protocol 115, or version 3 on UDP 1701) is
 * "unsupported": its cookie length is configured, not carried.
 * @module
 */
import { u16 } from "./bytes.ts";
import { ETH_TEB, ethernet, etherType, knownNonIp, nextProtocol, ppp } from "./ethertype.ts";
import { addTunnel, cut, nest, stop, unsupported } from "./packet.ts";
import { wlan } from "./wlan.ts";
import { LENGTH_NOTE, type Packet } from "./types.ts";

/** {@link tunnel} result: not a tunnel, decode the transport normally. */
export const NOT_TUNNEL = -2;

const PROTO_IPIP = 4;
const PROTO_UDP = 17;
const PROTO_IPV6 = 41;
const PROTO_GRE = 47;

const PORT_VXLAN = 4789;
const PORT_VXLAN_GPE = 4790;
const PORT_GENEVE = 6081;
const PORT_GTPU = 2152;
const PORT_GRE_UDP = 4754;
const PORT_AYIYA = 5072;
const PORT_L2TP = 1701;
const PORT_TEREDO = 3544;
const PROTO_L2TP = 115;

const GRE_CSUM = 0x8000;
const GRE_ROUTING = 0x4000;
const GRE_KEY = 0x2000;
const GRE_SEQ = 0x1000;
const GRE_ACK = 0x0080;
const GRE_ERSPAN_2 = 0x88be;
const GRE_ERSPAN_3 = 0x22eb;
const GRE_WCCP = 0x883e;
const GRE_PPP = 0x880b;

function isAruba(proto: number): boolean {
  return proto >= 0x8200 && proto <= 0x9000 && (proto & 0xf) === 0;
}

/**
 * A GRE header at `off` and what it carries.
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const b = new Uint8Array([0x00, 0x00, 0x08, 0x00]); // no flags, protocol IPv4
 * const out = newPacket();
 * gre(b, 0, b.length, out, "GRE"); // 4
 * out.tunnel; // "GRE"
 * ```
 */
export function gre(buf: Uint8Array, off: number, end: number, out: Packet, name: string): number {
  if (end - off < 4) return cut(out, "GRE");
  const flags = u16(buf, off);
  const proto = u16(buf, off + 2);
  const version = flags & 7;
  let p = off + 4;
  if (version === 0) {
    if (flags & GRE_ROUTING) return unsupported(out, "unsupported tunnel: GRE source routing");
    if (flags & GRE_CSUM) p += 4;
    if (flags & GRE_KEY) p += 4;
    if (flags & GRE_SEQ) p += 4;
  } else if (version === 1) { // PPTP: key (payload length, call id) always, seq and ack optional
    p += 4;
    if (flags & GRE_SEQ) p += 4;
    if (flags & GRE_ACK) p += 4;
  } else return unsupported(out, "unsupported tunnel: GRE version");
  if (p > end) return cut(out, "GRE");
  if (proto === 0) return stop(out, "non-ip"); // keepalive
  if (!nest(out)) return -1;
  addTunnel(out, name);
  switch (proto) {
    case ETH_TEB:
      return ethernet(buf, p, end, out);
    case GRE_ERSPAN_2: // type II has an 8-byte header (and the S bit); type I has none
      addTunnel(out, "ERSPAN");
      if (flags & GRE_SEQ) {
        if (end - p < 8) return cut(out, "ERSPAN");
        p += 8;
      }
      return ethernet(buf, p, end, out);
    case GRE_ERSPAN_3: // 12 bytes, plus an 8-byte platform subheader when O is set
      addTunnel(out, "ERSPAN");
      if (end - p < 12) return cut(out, "ERSPAN");
      return ethernet(buf, p + (buf[p + 11] & 1 ? 20 : 12), end, out);
    case GRE_WCCP: // a 4-byte redirect header unless IPv4 follows at once
      if (end - p < 1) return cut(out, "WCCP");
      if (buf[p] >> 4 !== 4) p += 4;
      out.ipVersion = 4;
      return p;
    case GRE_PPP: // PPTP: PPP in HDLC-like framing (address and control may be omitted)
      if (end - p >= 2 && buf[p] === 0xff && buf[p + 1] === 0x03) p += 2;
      return ppp(buf, p, end, out);
  }
  if (isAruba(proto)) return wlan(buf, p, end, out);
  const r = etherType(buf, proto, p, end, out);
  if (r < 0 && out.kind === "non-ip" && !knownNonIp(proto)) {
    return unsupported(out, "unsupported tunnel: GRE");
  }
  return r;
}

function gtpu(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 8) return NOT_TUNNEL;
  const flags = buf[off];
  // GTPv1, protocol type GTP, message type G-PDU; others (echo, errors) stay UDP.
  if (flags >> 5 !== 1 || (flags & 0x10) === 0 || buf[off + 1] !== 0xff) return NOT_TUNNEL;
  if (!nest(out)) return -1;
  addTunnel(out, "GTP-U");
  let p = off + 8;
  if (flags & 7) { // sequence number, N-PDU number, next extension header type
    if (end - p < 4) return cut(out, "GTP-U");
    let next = buf[p + 3];
    p += 4;
    for (let i = 0; next !== 0; i++) {
      if (i === 16 || end - p < 1) return cut(out, "GTP-U");
      const n = buf[p] * 4;
      if (n === 0 || end - p < n) return cut(out, "GTP-U");
      next = buf[p + n - 1];
      p += n;
    }
  }
  if (end - p < 1) return cut(out, "GTP-U");
  const v = buf[p] >> 4;
  if (v === 4 || v === 6) {
    out.ipVersion = v;
    return p;
  }
  return unsupported(out, "unsupported tunnel: GTP-U");
}

function geneve(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 8) return cut(out, "Geneve");
  if (!nest(out)) return -1;
  addTunnel(out, "Geneve");
  const proto = u16(buf, off + 2);
  const p = off + 8 + (buf[off] & 0x3f) * 4;
  if (p > end) return cut(out, "Geneve");
  if (proto === ETH_TEB) return ethernet(buf, p, end, out);
  const r = etherType(buf, proto, p, end, out);
  if (r < 0 && out.kind === "non-ip" && !knownNonIp(proto)) {
    return unsupported(out, "unsupported tunnel: Geneve");
  }
  return r;
}

function ayiya(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 8) return cut(out, "AYIYA");
  if ((buf[off + 2] & 15) !== 1) return NOT_TUNNEL; // only "forward" carries a packet
  if (!nest(out)) return -1;
  addTunnel(out, "AYIYA");
  const p = off + 8 + (1 << (buf[off] >> 4)) + (buf[off + 1] >> 4) * 4;
  if (p > end) return cut(out, "AYIYA");
  const next = buf[off + 3];
  if (next === PROTO_IPIP || next === PROTO_IPV6) {
    out.ipVersion = next === PROTO_IPIP ? 4 : 6;
    return p;
  }
  return unsupported(out, "unsupported tunnel: AYIYA");
}

/** L2TP version 2 data messages (PPP); control messages stay UDP; version 3 is not decoded. */
function l2tp(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 2) return cut(out, "L2TP");
  const flags = u16(buf, off);
  const version = flags & 15;
  if (flags & 0x8000 || (version !== 2 && version !== 3)) return NOT_TUNNEL; // control, not L2TP
  if (version === 3) return unsupported(out, "unsupported tunnel: L2TPv3");
  if (!nest(out)) return -1;
  addTunnel(out, "L2TP");
  let p = off + 6 + (flags & 0x4000 ? 2 : 0) + (flags & 0x0800 ? 4 : 0);
  if (flags & 0x0200) {
    if (end - p < 2) return cut(out, "L2TP");
    p += 2 + u16(buf, p);
  }
  if (p > end) return cut(out, "L2TP");
  if (end - p >= 2 && buf[p] === 0xff && buf[p + 1] === 0x03) p += 2;
  return ppp(buf, p, end, out);
}

/** Teredo: optional authentication and origin indications, then IPv6. */
function teredo(buf: Uint8Array, off: number, end: number, out: Packet): number {
  let p = off;
  if (end - p >= 4 && buf[p] === 0 && buf[p + 1] === 1) p += 13 + buf[p + 2] + buf[p + 3];
  if (end - p >= 8 && buf[p] === 0 && buf[p + 1] === 0) p += 8;
  if (end - p < 40 || buf[p] >> 4 !== 6) return NOT_TUNNEL;
  if (!nest(out)) return -1;
  addTunnel(out, "Teredo");
  out.ipVersion = 6;
  return p;
}

function udp(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 8) return NOT_TUNNEL;
  const sp = u16(buf, off);
  const dp = u16(buf, off + 2);
  const p = off + 8;
  if (dp === PORT_VXLAN || sp === PORT_VXLAN) {
    if (end - p < 8) return cut(out, "VXLAN");
    if (!nest(out)) return -1;
    addTunnel(out, "VXLAN");
    return ethernet(buf, p + 8, end, out);
  }
  if (dp === PORT_GENEVE || sp === PORT_GENEVE) return geneve(buf, p, end, out);
  if (dp === PORT_VXLAN_GPE || sp === PORT_VXLAN_GPE) {
    if (end - p < 8) return cut(out, "VXLAN-GPE");
    if (!nest(out)) return -1;
    addTunnel(out, "VXLAN-GPE");
    const next = buf[p] & 0x04 ? buf[p + 3] : 3; // without the P bit: Ethernet
    return nextProtocol(buf, next, p + 8, end, out, "VXLAN-GPE");
  }
  if (dp === PORT_GTPU || sp === PORT_GTPU) return gtpu(buf, p, end, out);
  if (dp === PORT_GRE_UDP || sp === PORT_GRE_UDP) return gre(buf, p, end, out, "GRE-in-UDP");
  if (dp === PORT_AYIYA || sp === PORT_AYIYA) return ayiya(buf, p, end, out);
  if (dp === PORT_L2TP || sp === PORT_L2TP) return l2tp(buf, p, end, out);
  if (dp === PORT_TEREDO || sp === PORT_TEREDO) return teredo(buf, p, end, out);
  return NOT_TUNNEL;
}

/**
 * After an IP header whose protocol is `out.ipProto` and whose transport starts
 * at `off` (the packet ends at `ipEnd` on the wire, `end` as captured): the
 * inner IP header's offset (with `out.ipVersion` set), -1 (kind set), or
 * {@link NOT_TUNNEL}. The inner packet is bounded by the outer one, unless the
 * outer one is a first fragment (`more`): then the rest of the inner packet is
 * in later fragments and counts as not captured.
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const out = newPacket(); // decoded so far: an IPv6 header (40 bytes) of next header 4, IPv4
 * out.ipVersion = 6;
 * out.ipProto = 4;
 * tunnel(new Uint8Array(60), 40, 60, 60, false, out); // 40
 * out.tunnel; // "IPv4-in-IPv6"
 * ```
 */
export function tunnel(
  buf: Uint8Array,
  off: number,
  ipEnd: number,
  end: number,
  more: boolean,
  out: Packet,
): number {
  const proto = out.ipProto;
  if (proto !== PROTO_UDP && proto !== PROTO_GRE && proto !== PROTO_IPIP && proto !== PROTO_IPV6) {
    if (proto === PROTO_L2TP) return unsupported(out, "unsupported tunnel: L2TPv3");
    return NOT_TUNNEL;
  }
  out.wireEnd = ipEnd;
  out.wireNote = more ? LENGTH_NOTE.OUTER_FRAGMENT : LENGTH_NOTE.OUTER;
  out.wireSoft = more;
  if (proto === PROTO_UDP) return udp(buf, off, end, out);
  if (proto === PROTO_GRE) return gre(buf, off, end, out, "GRE");
  if (!nest(out)) return -1;
  const v = proto === PROTO_IPIP ? 4 : 6;
  addTunnel(out, `IPv${v}-in-IPv${out.ipVersion}`);
  out.ipVersion = v;
  return off;
}
