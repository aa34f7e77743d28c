/**
 * The reusable {@link Packet}: created once with every field initialised (one
 * stable object shape for the JIT), reset per frame.
 * @module
 */
import type { Frame } from "../capture/types.ts";
import type { Packet, PacketKind } from "./types.ts";

/** Maximum SACK blocks in one TCP header (40 option bytes). */
export const MAX_SACK_BLOCKS = 4;

/**
 * A Packet with every field initialised; pass it to `decodeFrame` for each frame.
 * `synOptionsOnly` makes the decoder read TCP options only on SYN segments
 * (see {@link Packet.synOptionsOnly}).
 *
 * @example
 * ```ts
 * import { readCapture } from "../capture/mod.ts";
 * import type { ByteSource } from "../capture/mod.ts";
 * import { decodeFrame } from "./mod.ts";
 * declare const src: ByteSource;
 * const pkt = newPacket();
 * await readCapture(src, (f) => decodeFrame(f, pkt));
 * ```
 */
export function newPacket(opts: { synOptionsOnly?: boolean } = {}): Packet {
  return {
    frame: 0,
    tsSec: 0,
    tsNsec: 0,
    kind: "non-ip",
    error: "",
    lengthNote: "",
    tunnel: "",
    ipVersion: 0,
    buf: new Uint8Array(0),
    srcOff: -1,
    dstOff: -1,
    ttl: -1,
    ipEnd: 0,
    ipMore: false,
    ipNext: 0,
    wireEnd: 0,
    wireNote: "",
    wireSoft: false,
    depth: 0,
    linkType: -1,
    ipProto: -1,
    srcPort: -1,
    dstPort: -1,
    seq: -1,
    ack: -1,
    flags: 0,
    window: -1,
    payloadOff: -1,
    payloadLen: 0,
    payloadCaptured: 0,
    mss: -1,
    wscale: -1,
    sackPermitted: false,
    sack: new Array<number>(MAX_SACK_BLOCKS * 2).fill(0),
    sackCount: 0,
    tsVal: -1,
    tsEcr: -1,
    synOptionsOnly: opts.synOptionsOnly ?? false,
    icmpType: -1,
    icmpCode: -1,
    quotedIpVersion: 0,
    quotedSrcOff: -1,
    quotedDstOff: -1,
    quotedProto: -1,
    quotedSrcPort: -1,
    quotedDstPort: -1,
    quotedSeq: -1,
  };
}

/**
 * Copies the frame's identity into `out` and resets every other field but
 * the TCP header's ({@link resetTcpHeader}: a TCP decode sets them all, so
 * decodeFrame resets them only when the packet turns out not to be TCP).
 *
 * @example
 * ```ts
 * import type { Frame } from "../capture/types.ts";
 * declare const frame: Frame;
 * const pkt = newPacket();
 * resetPacket(frame, pkt); // pkt.kind === "non-ip"
 * resetTcpHeader(pkt); // pkt.srcPort === -1
 * ```
 */
export function resetPacket(frame: Frame, out: Packet): void {
  out.frame = frame.index;
  out.tsSec = frame.tsSec;
  out.tsNsec = frame.tsNsec;
  out.kind = "non-ip";
  out.error = "";
  out.lengthNote = "";
  out.tunnel = "";
  out.ipVersion = 0;
  out.buf = frame.buf;
  out.srcOff = -1;
  out.dstOff = -1;
  out.ttl = -1;
  out.linkType = frame.linkType;
  out.ipProto = -1;
  out.mss = -1;
  out.wscale = -1;
  out.sackPermitted = false;
  out.sackCount = 0;
  out.tsVal = -1;
  out.tsEcr = -1;
  out.icmpType = -1;
  out.icmpCode = -1;
  out.quotedIpVersion = 0;
  out.quotedSrcOff = -1;
  out.quotedDstOff = -1;
  out.quotedProto = -1;
  out.quotedSrcPort = -1;
  out.quotedDstPort = -1;
  out.quotedSeq = -1;
}

/**
 * Resets the fields a TCP decode sets (ports, numbers, flags, window,
 * payload); returns `out`.
 *
 * @example
 * ```ts
 * resetTcpHeader(newPacket()).seq; // -1
 * ```
 */
export function resetTcpHeader(out: Packet): Packet {
  out.srcPort = -1;
  out.dstPort = -1;
  out.seq = -1;
  out.ack = -1;
  out.flags = 0;
  out.window = -1;
  out.payloadOff = -1;
  out.payloadLen = 0;
  out.payloadCaptured = 0;
  return out;
}

/** At most this many nested encapsulations (tunnels, inner Ethernet frames) per frame. */
export const MAX_DEPTH = 8;

/**
 * Marks `out` as a "NAME header cut" failure; returns -1.
 *
 * @example
 * ```ts
 * const out = newPacket();
 * cut(out, "Ethernet"); // -1
 * out.error; // "Ethernet header cut"
 * ```
 */
export function cut(out: Packet, name: string): number {
  out.kind = "malformed";
  out.error = `${name} header cut`;
  return -1;
}

/**
 * Marks `out` as an encapsulation the decoder does not decode; returns -1.
 *
 * @example
 * ```ts
 * const out = newPacket();
 * unsupported(out, "unsupported tunnel: GRE"); // -1
 * out.kind; // "unsupported"
 * ```
 */
export function unsupported(out: Packet, why: string): number {
  out.kind = "unsupported";
  out.error = why;
  return -1;
}

/**
 * Enters one more encapsulation; false (with `out` marked malformed) when too deep.
 *
 * @example
 * ```ts
 * import { ethernet } from "./ethertype.ts";
 * import type { Packet } from "./types.ts";
 * function bridged(buf: Uint8Array, off: number, end: number, out: Packet): number {
 *   if (!nest(out)) return -1; // nested more than MAX_DEPTH deep: out.kind === "malformed"
 *   return ethernet(buf, off, end, out);
 * }
 * ```
 */
export function nest(out: Packet): boolean {
  if (++out.depth <= MAX_DEPTH) return true;
  malformed(out, "encapsulations nested too deep");
  return false;
}

/**
 * Notes a tunnel on the packet (outermost first).
 *
 * @example
 * ```ts
 * const out = newPacket();
 * addTunnel(out, "VXLAN");
 * addTunnel(out, "MPLS");
 * out.tunnel; // "VXLAN/MPLS"
 * ```
 */
export function addTunnel(out: Packet, name: string): void {
  out.tunnel = out.tunnel === "" ? name : `${out.tunnel}/${name}`;
}

/**
 * Marks `out` as a labelled decode failure (never an exception); returns -1.
 *
 * @example
 * ```ts
 * const out = newPacket();
 * malformed(out, "IPv4 header length 16 < 20"); // -1
 * out.kind; // "malformed"
 * ```
 */
export function malformed(out: Packet, why: string): number {
  out.kind = "malformed";
  out.error = why;
  return -1;
}

/**
 * Sets the kind and returns -1 (for "stop decoding here" results).
 *
 * @example
 * ```ts
 * import type { Packet } from "./types.ts";
 * function linkUnknown(out: Packet): number {
 *   return stop(out, "non-ip");
 * }
 * ```
 */
export function stop(out: Packet, kind: PacketKind): number {
  out.kind = kind;
  return -1;
}
