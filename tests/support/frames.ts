/**
 * Hand-built frames for the decoder's unit tests: a Frame around bytes (at an
 * offset inside a larger buffer, as the reader delivers), and Ethernet, IPv4,
 * IPv6 and TCP headers from the test ranges (198.18.0.0/15, 2001:db8::/32).
 * @module
 */
import type { Frame } from "../../lib/capture/types.ts";
import { newFrame } from "../../lib/capture/mod.ts";
import { HEADER_NAMES, MALFORMED, TCP_ACK, UNSUPPORTED_TUNNELS } from "../../lib/decode/mod.ts";

export function frameOf(bytes: number[], linkType: number, caplen = bytes.length): Frame {
  const f = newFrame();
  // Put the frame at an offset inside a larger buffer, as the reader does.
  const buf = new Uint8Array(bytes.length + 8);
  buf.set(bytes, 5);
  f.index = 1;
  f.buf = buf;
  f.offset = 5;
  f.caplen = caplen;
  f.origLen = bytes.length;
  f.linkType = linkType;
  return f;
}

export const be16 = (x: number) => [x >> 8, x & 255];
export const be32 = (x: number) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
export const ETH = (type: number) => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, ...be16(type)];

export function ipv4(
  proto: number,
  payload: number[],
  opts: { frag?: number; ihlWords?: number } = {},
) {
  const ihl = opts.ihlWords ?? 5;
  const hdr = [
    0x40 | ihl,
    0,
    ...be16(ihl * 4 + payload.length),
    0x12,
    0x34,
    ...be16(opts.frag ?? 0x4000),
    64,
    proto,
    0,
    0,
    198,
    18,
    0,
    1,
    198,
    18,
    0,
    2,
  ];
  while (hdr.length < ihl * 4) hdr.push(1);
  return [...hdr, ...payload];
}

export function ipv6(next: number, payload: number[]) {
  const src = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1];
  const dst = [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 2];
  return [0x60, 0, 0, 0, ...be16(payload.length), next, 61, ...src, ...dst, ...payload];
}

export function tcp(opts: number[] = [], data: number[] = [], flags = TCP_ACK, ns = false) {
  while (opts.length % 4) opts.push(1);
  const off = (20 + opts.length) / 4;
  return [
    ...be16(40000),
    ...be16(9877),
    ...be32(0xfffffff0),
    ...be32(123456789),
    (off << 4) | (ns ? 1 : 0),
    flags,
    ...be16(502),
    0,
    0,
    0,
    0,
    ...opts,
    ...data,
  ];
}

/** Every reason string the decoder may put in `Packet.error` (besides "unsupported link type N"). */
const STABLE = new Set<string>([
  ...Object.values(MALFORMED),
  ...HEADER_NAMES.map((n) => `${n} header cut`),
  ...UNSUPPORTED_TUNNELS.map((n) => `unsupported tunnel: ${n}`),
  "unsupported compression: PPP Van Jacobson",
  "unsupported encryption: 802.11 protected frame",
]);

/** Whether `error` is one of the decoder's documented, stable reasons. */
export function stableReason(error: string): boolean {
  return STABLE.has(error) || /^unsupported link type \d+$/.test(error);
}
