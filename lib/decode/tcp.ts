/**
 * TCP header: every field, and the options MSS, window scale, SACK-permitted,
 * SACK blocks and timestamps. Options cut by the snaplen or with a bad length
 * end option parsing (as far as the bytes go), not the decode.
 * @module
 */
import { u16, u32 } from "./bytes.ts";
import { cut, malformed } from "./packet.ts";
import { type Packet, TCP_SYN } from "./types.ts";

/** Field offsets in the TCP header (RFC 9293 §3.1; as smoltcp's `wire::tcp::field`). */
const SRC_PORT = 0;
const DST_PORT = 2;
const SEQ_NUM = 4;
const ACK_NUM = 8;
/** Data offset (high nibble) and the NS flag (low bit). */
const DATA_OFF = 12;
const FLAGS = 13;
const WIN_SIZE = 14;
/** Header length without options; where the options start. */
const HEADER_LEN = 20;

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERM = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMP = 8;

/** NOP, NOP, timestamps (kind 8, length 10): how Linux starts nearly every non-SYN segment. */
const NOP_NOP_TS = 0x0101080a;

function options(buf: Uint8Array, p: number, end: number, out: Packet): void {
  if (end - p >= 12 && u32(buf, p) === NOP_NOP_TS) {
    out.tsVal = u32(buf, p + 4);
    out.tsEcr = u32(buf, p + 8);
    p += 12;
  }
  while (p < end) {
    const kind = buf[p];
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      p++;
      continue;
    }
    if (end - p < 2) return;
    const len = buf[p + 1];
    if (len < 2 || len > end - p) return;
    if (kind === OPT_MSS && len === 4) out.mss = u16(buf, p + 2);
    else if (kind === OPT_WSCALE && len === 3) out.wscale = buf[p + 2];
    else if (kind === OPT_SACK_PERM && len === 2) out.sackPermitted = true;
    else if (kind === OPT_TIMESTAMP && len === 10) {
      out.tsVal = u32(buf, p + 2);
      out.tsEcr = u32(buf, p + 6);
    } else if (kind === OPT_SACK && len >= 10 && (len - 2) % 8 === 0) {
      const n = Math.min((len - 2) >> 3, out.sack.length >> 1);
      for (let i = 0; i < n; i++) {
        out.sack[2 * i] = u32(buf, p + 2 + 8 * i);
        out.sack[2 * i + 1] = u32(buf, p + 6 + 8 * i);
      }
      out.sackCount = n;
    }
    p += len;
  }
}

/**
 * Decodes a TCP header at `off`. `wireLen` is the TCP length from the IP
 * header; `end` is where the captured bytes stop.
 *
 * @example
 * ```ts
 * import { type Packet, TCP_SYN } from "./types.ts";
 * declare const buf: Uint8Array, ipOff: number, ihl: number, totalLen: number;
 * declare const frameEnd: number, pkt: Packet;
 * tcp(buf, ipOff + ihl, totalLen - ihl, frameEnd, pkt); // pkt.kind === "tcp"
 * ```
 */
export function tcp(buf: Uint8Array, off: number, wireLen: number, end: number, out: Packet): void {
  if (end - off < HEADER_LEN) {
    cut(out, "TCP");
    return;
  }
  const hlen = (buf[off + DATA_OFF] >> 4) * 4;
  if (hlen < HEADER_LEN) {
    malformed(out, "TCP header length < 20");
    return;
  }
  if (hlen > wireLen) {
    malformed(out, "TCP header longer than the IP payload");
    return;
  }
  out.kind = "tcp";
  out.srcPort = u16(buf, off + SRC_PORT);
  out.dstPort = u16(buf, off + DST_PORT);
  out.seq = u32(buf, off + SEQ_NUM);
  out.ack = u32(buf, off + ACK_NUM);
  out.flags = buf[off + FLAGS] | ((buf[off + DATA_OFF] & 1) << 8);
  out.window = u16(buf, off + WIN_SIZE);
  if (hlen > HEADER_LEN && (!out.synOptionsOnly || (out.flags & TCP_SYN) !== 0)) {
    options(buf, off + HEADER_LEN, Math.min(off + hlen, end), out);
  }
  const payloadOff = off + hlen;
  const payloadLen = wireLen - hlen;
  const captured = end - payloadOff;
  out.payloadOff = payloadOff;
  out.payloadLen = payloadLen;
  out.payloadCaptured = captured <= 0 ? 0 : captured < payloadLen ? captured : payloadLen;
}
