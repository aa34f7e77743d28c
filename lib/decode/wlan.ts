/**
 * IEEE 802.11 data frames (link types 105, 127 radiotap, 163 AVS, 119 Prism,
 * and inside Aruba's GRE): the MAC header (24 bytes, 30 with a fourth address,
 * + QoS control, + HT control), then LLC/SNAP. Management and control frames
 * and null data are "non-ip"; protected (encrypted) data is "unsupported".
 * @module
 */
import { llc } from "./ethertype.ts";
import { cut, stop, unsupported } from "./packet.ts";
import type { Packet } from "./types.ts";

/**
 * An 802.11 frame at `off`: the IP header offset, or -1 with `out.kind` set.
 * Of an A-MSDU only the first subframe is decoded.
 *
 * @example
 * ```ts
 * import { newPacket } from "./packet.ts";
 * const f = new Uint8Array(32); // a data frame to the AP: 24-byte header, then LLC/SNAP
 * f.set([0x08, 0x01]);
 * f.set([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], 24);
 * wlan(f, 0, f.length, newPacket()); // 32
 * ```
 */
export function wlan(buf: Uint8Array, off: number, end: number, out: Packet): number {
  if (end - off < 2) return cut(out, "802.11");
  const fc0 = buf[off];
  const fc1 = buf[off + 1];
  if (((fc0 >> 2) & 3) !== 2) return stop(out, "non-ip"); // management or control
  const subtype = fc0 >> 4;
  if (subtype & 4) return stop(out, "non-ip"); // null function: no data
  let h = 24;
  if ((fc1 & 3) === 3) h += 6; // to and from DS: a fourth address
  let amsdu = false;
  if (subtype & 8) { // QoS data: QoS control, and HT control when the order bit is set
    if (end - off < h + 2) return cut(out, "802.11");
    amsdu = (buf[off + h] & 0x80) !== 0;
    h += fc1 & 0x80 ? 6 : 2;
  }
  if (end - off < h) return cut(out, "802.11");
  if (fc1 & 0x40) return unsupported(out, "unsupported encryption: 802.11 protected frame");
  let p = off + h;
  if (amsdu) p += 14; // the first A-MSDU subframe (DA, SA, length), then its LLC
  return llc(buf, p, end, out);
}
