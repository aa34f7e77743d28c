/**
 * What the kernel's routing table and neighbour cache say about a destination,
 * read from /proc (Linux). Bun reports every failed connect as ECONNREFUSED
 * (errno -111, measured with Bun 1.4); bun.ts uses this to recover the real
 * errno: no route -> ENETUNREACH, a reject route -> EHOSTUNREACH, a failed
 * neighbour (ARP) entry -> EHOSTUNREACH.
 *
 * The parsers are pure (text in, answer out); {@link routeVerdict} reads /proc.
 * @module
 */
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";

/** RTF_REJECT from linux/route.h: an unreachable/prohibit/blackhole route. */
const RTF_REJECT = 0x0200;

/** What the routing table says about one destination. */
export type RouteVerdict = "route" | "no-route" | "reject" | "unknown";

function ipv4ToInt(a: string): number | undefined {
  const p = a.split(".").map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return undefined;
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

/** /proc/net/route stores addresses as little-endian hex. */
function leHex(h: string): number {
  const n = parseInt(h, 16) >>> 0;
  return (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;
}

/**
 * Longest-prefix match of an IPv4 address against /proc/net/route text (main table).
 *
 * @example
 * ```ts
 * ipv4RouteVerdict("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n" +
 *   "*\t000612C6\t00000000\t0201\t0\t0\t0\t00FFFFFF\n", "198.18.6.2"); // "reject"
 * ```
 */
export function ipv4RouteVerdict(text: string, addr: string): RouteVerdict {
  const ip = ipv4ToInt(addr);
  if (ip === undefined) return "unknown";
  let best = -1;
  let verdict: RouteVerdict = "no-route";
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = leHex(f[1]);
    const mask = leHex(f[7]);
    const bits = mask.toString(2).replace(/0/g, "").length;
    if (((ip & mask) >>> 0) !== dest || bits <= best) continue;
    best = bits;
    verdict = parseInt(f[3], 16) & RTF_REJECT ? "reject" : "route";
  }
  return verdict;
}

/** Whether an address is loopback or assigned to one of this host's interfaces. */
function isLocal(addr: string): boolean {
  if (addr.startsWith("127.") || addr === "::1") return true;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (i.address === addr) return true;
  }
  return false;
}

/**
 * Whether the neighbour (ARP) cache holds a failed entry for an on-link IPv4
 * address (/proc/net/arp flags 0x0: the kernel asked and nobody answered).
 *
 * @example
 * ```ts
 * arpFailed("IP address HW type Flags HW address Mask Device\n198.18.5.3 0x1 0x0 00:00:00:00:00:00 * v0\n", "198.18.5.3"); // true
 * ```
 */
export function arpFailed(text: string, addr: string): boolean {
  return text.split("\n").slice(1).some((line) => {
    const f = line.trim().split(/\s+/);
    return f[0] === addr && f[2] === "0x0";
  });
}

/** Expands an IPv6 address to 32 hex digits, or undefined if it is not one. */
function ipv6Hex(a: string): string | undefined {
  if (!a.includes(":") || a.includes(".")) return undefined;
  const [head, tail, more] = a.split("::");
  if (more !== undefined) return undefined;
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail ? tail.split(":") : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0 || (tail === undefined && h.length !== 8)) return undefined;
  const groups = [...h, ...Array(fill).fill("0"), ...t];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => g.padStart(4, "0")).join("").toLowerCase();
}

function hexToBits(h: string): string {
  return [...h].map((c) => parseInt(c, 16).toString(2).padStart(4, "0")).join("");
}

/**
 * Longest-prefix match of an IPv6 address against /proc/net/ipv6_route text.
 * The kernel's catch-all reject route (::/0 on lo) means no route at all.
 *
 * @example
 * ```ts
 * ipv6RouteVerdict("00000000000000000000000000000000 00 00000000000000000000000000000000 00 " +
 *   "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo\n", "2001:db8::1");
 * // "no-route"
 * ```
 */
export function ipv6RouteVerdict(text: string, addr: string): RouteVerdict {
  const hex = ipv6Hex(addr);
  if (hex === undefined) return "unknown";
  const bits = hexToBits(hex);
  let best = -1;
  let verdict: RouteVerdict = "no-route";
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const plen = parseInt(f[1], 16);
    if (plen <= best || hexToBits(f[0]).slice(0, plen) !== bits.slice(0, plen)) continue;
    best = plen;
    const reject = (parseInt(f[8], 16) & RTF_REJECT) !== 0;
    verdict = !reject ? "route" : plen === 0 ? "no-route" : "reject";
  }
  return verdict;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The kernel's view of a numeric destination: "reject" (unreachable route or,
 * for IPv4, a failed ARP entry), "no-route", "route", or "unknown" (non-Linux,
 * local address, not numeric).
 *
 * @example
 * ```ts
 * routeVerdict("127.0.0.1"); // "unknown" (local: nothing to correct)
 * ```
 */
export function routeVerdict(addr: string): RouteVerdict {
  if (isLocal(addr)) return "unknown";
  if (ipv6Hex(addr) !== undefined) {
    const v6 = read("/proc/net/ipv6_route");
    return v6 === undefined ? "unknown" : ipv6RouteVerdict(v6, addr);
  }
  if (ipv4ToInt(addr) === undefined) return "unknown";
  const routes = read("/proc/net/route");
  if (routes === undefined) return "unknown";
  const v = ipv4RouteVerdict(routes, addr);
  if (v !== "route") return v;
  const arp = read("/proc/net/arp");
  return arp !== undefined && arpFailed(arp, addr) ? "reject" : "route";
}

/**
 * Reads InDestUnreachs from /proc/net/snmp text (the "Icmp:" header/value pair).
 *
 * @example
 * ```ts
 * snmpDestUnreachs("Icmp: InMsgs InDestUnreachs\nIcmp: 5 2\n"); // 2
 * ```
 */
export function snmpDestUnreachs(text: string): number {
  const rows = text.split("\n").filter((l) => l.startsWith("Icmp: "));
  if (rows.length < 2) return 0;
  const i = rows[0].trim().split(/\s+/).indexOf("InDestUnreachs");
  return i < 0 ? 0 : Number(rows[1].trim().split(/\s+/)[i]) || 0;
}

/**
 * ICMP destination-unreachable messages received so far (IPv4 + IPv6) in this
 * network namespace, or undefined off Linux. A rise across a failed connect
 * means an ICMP unreachable ended it (EHOSTUNREACH), not an RST.
 *
 * @example
 * ```ts
 * const before = icmpUnreachCount();
 * ```
 */
export function icmpUnreachCount(): number | undefined {
  const v4 = read("/proc/net/snmp");
  if (v4 === undefined) return undefined;
  const v6 = read("/proc/net/snmp6") ?? "";
  const m = /^Icmp6InDestUnreachs\s+(\d+)/m.exec(v6);
  return snmpDestUnreachs(v4) + (m ? Number(m[1]) : 0);
}
