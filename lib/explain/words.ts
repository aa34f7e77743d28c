/**
 * Small wording helpers the scenario sentences share: side names, intervals,
 * ICMP codes, durations.
 * @module
 */
import type { ConnFacts } from "../tcp/conn.ts";

/** "client" or "server" for side 0 or 1. */
export function who(side: number): "client" | "server" {
  return side === 0 ? "client" : "server";
}

/**
 * Seconds with a sensible precision ("0.2 s", "1.66 s", "127 s").
 *
 * @example
 * ```ts
 * secs(0.2034); // "0.203 s"
 * ```
 */
export function secs(s: number): string {
  if (s >= 100) return `${Math.round(s)} s`;
  if (s >= 10) return `${s.toFixed(1)} s`;
  return `${Number(s.toPrecision(3))} s`;
}

/**
 * A list of intervals, shortened in the middle when long.
 *
 * @example
 * ```ts
 * intervalList([0.2, 0.41, 0.83]); // "0.2, 0.41, 0.83 s"
 * ```
 */
export function intervalList(xs: number[]): string {
  const fmt = (x: number) => String(Number(x.toPrecision(3)));
  const parts = xs.length > 8
    ? [...xs.slice(0, 6).map(fmt), "…", fmt(xs[xs.length - 1])]
    : xs.map(fmt);
  return `${parts.join(", ")} s`;
}

/**
 * Whether intervals roughly double (RTO backoff): each at least 1.5× the
 * previous, ignoring a first short tail-loss probe (Linux) and SYN linear
 * timeouts.
 *
 * @example
 * ```ts
 * backoffDoubles([0.2, 0.21, 0.43, 0.83]); // true
 * ```
 */
export function backoffDoubles(xs: number[]): boolean {
  const ys = xs.length > 2 && xs[1] < xs[0] * 1.5 ? xs.slice(1) : xs;
  for (let i = 1; i < ys.length; i++) if (ys[i] < ys[i - 1] * 1.5) return false;
  return true;
}

/** ICMP destination-unreachable wording and the errno a program gets. */
export function icmpWords(type: number, code: number): { what: string; errno: string } {
  const v6 = type === 1;
  if (v6) {
    if (code === 4) return { what: "ICMPv6 port unreachable", errno: "ECONNREFUSED" };
    if (code === 1) return { what: "ICMPv6 administratively prohibited", errno: "EACCES" };
    if (code === 0) return { what: "ICMPv6 no route to destination", errno: "ENETUNREACH" };
    return { what: `ICMPv6 destination unreachable (code ${code})`, errno: "EHOSTUNREACH" };
  }
  if (code === 0) return { what: "ICMP net unreachable", errno: "ENETUNREACH" };
  if (code === 1) return { what: "ICMP host unreachable", errno: "EHOSTUNREACH" };
  if (code === 3) return { what: "ICMP port unreachable", errno: "ECONNREFUSED" };
  if (code === 13) return { what: "ICMP administratively prohibited", errno: "EHOSTUNREACH" };
  return { what: `ICMP destination unreachable (code ${code})`, errno: "EHOSTUNREACH" };
}

/** Capture duration of a connection in seconds. */
export function span(f: ConnFacts): number {
  return Math.max(0, f.lastTime - f.firstTime);
}
