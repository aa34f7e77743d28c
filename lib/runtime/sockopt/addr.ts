/**
 * Socket addresses as bytes: sockaddr_in / sockaddr_in6 parsed and built
 * (Linux layout), and a canonical address form for comparing ends.
 * @module
 */
import type { Endpoint } from "./types.ts";

/** AF_INET on Linux. */
export const AF_INET = 2;
/** AF_INET6 on Linux. */
export const AF_INET6 = 10;

/**
 * Parses a sockaddr_in / sockaddr_in6 into an {@link Endpoint}; undefined for other families.
 *
 * @example
 * ```ts
 * parseSockaddr(new Uint8Array([2, 0, 0x26, 0x95, 127, 0, 0, 1])); // { address: "127.0.0.1", port: 9877 }
 * ```
 */
export function parseSockaddr(b: Uint8Array): Endpoint | undefined {
  const family = b[0] | (b[1] << 8);
  const port = (b[2] << 8) | b[3];
  if (family === AF_INET) return { address: b.subarray(4, 8).join("."), port };
  if (family !== AF_INET6) return undefined;
  const words: string[] = [];
  for (let i = 8; i < 24; i += 2) words.push(((b[i] << 8) | b[i + 1]).toString(16));
  return { address: normalizeAddress(words.join(":")), port };
}

/**
 * A canonical form for comparing addresses: IPv6 compressed, IPv4-mapped as plain IPv4.
 *
 * @example
 * ```ts
 * normalizeAddress("::ffff:127.0.0.1"); // "127.0.0.1"
 * normalizeAddress("0:0:0:0:0:0:0:1");  // "::1"
 * ```
 */
export function normalizeAddress(address: string): string {
  const a = address.toLowerCase().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!a.includes(":")) return a;
  const mapped = /^(?:0*:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  const words = expandIpv6(a);
  if (!words) return a;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return [words[6] >> 8, words[6] & 255, words[7] >> 8, words[7] & 255].join(".");
  }
  return compressIpv6(words);
}

function expandIpv6(a: string): number[] | undefined {
  const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  if (t.length && t[t.length - 1].includes(".")) return undefined;
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const words = [...h, ...Array(Math.max(fill, 0)).fill("0"), ...t].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : undefined;
}

function compressIpv6(words: number[]): string {
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return hex.slice(0, best).join(":") + "::" + hex.slice(best + bestLen).join(":");
}

/**
 * Builds a sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes) for a numeric address.
 * Throws for a string that is not a numeric IPv4 or IPv6 address.
 *
 * @example
 * ```ts
 * buildSockaddr("127.0.0.1", 9877); // Uint8Array [2, 0, 0x26, 0x95, 127, 0, 0, 1, 0, …]
 * ```
 */
export function buildSockaddr(address: string, port: number): Uint8Array {
  const a = address.replace(/^\[|\]$/g, "");
  if (!a.includes(":")) {
    const parts = a.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
      throw new Error(`Cannot build a socket address: '${address}' is not a numeric address`);
    }
    const b = new Uint8Array(16);
    b[0] = AF_INET;
    b[2] = port >> 8;
    b[3] = port & 255;
    b.set(parts, 4);
    return b;
  }
  const words = expandIpv6(a.toLowerCase().replace(/%.*$/, ""));
  if (!words) {
    throw new Error(`Cannot build a socket address: '${address}' is not a numeric address`);
  }
  const b = new Uint8Array(28);
  b[0] = AF_INET6;
  b[2] = port >> 8;
  b[3] = port & 255;
  words.forEach((w, i) => {
    b[8 + 2 * i] = w >> 8;
    b[9 + 2 * i] = w & 255;
  });
  return b;
}
