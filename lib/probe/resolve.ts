/**
 * Turns the host the user gave into probe targets: every address (--all) or
 * the first, restricted to IPv4 (-4) or IPv6 (-6). The lookup function is
 * injected (node:dns `lookup` in cmd/probe.ts) so this file stays testable.
 * @module
 */
import { TcpechoError } from "../errors.ts";
import type { ProbeTarget } from "./types.ts";

/** A getaddrinfo-style lookup returning every address. */
export type LookupAll = (
  host: string,
  opts: { all: true; family: 0 | 4 | 6 },
) => Promise<{ address: string; family: number }[]>;

/** Whether a string is a numeric IPv4 or IPv6 address (no lookup needed). */
export function numericFamily(host: string): 4 | 6 | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return 4;
  if (/^[0-9a-f:.]+$/i.test(host) && host.includes(":")) return 6;
  return undefined;
}

/**
 * Resolves `host` to the targets to probe.
 *
 * @example
 * ```ts
 * import { lookup } from "node:dns/promises";
 * await resolveTargets("localhost", 9877, { family: 0, all: true }, lookup);
 * // [{ host: "localhost", address: "::1", family: 6, port: 9877 }, { …"127.0.0.1"… }]
 * ```
 */
export async function resolveTargets(
  host: string,
  port: number,
  opts: { family: 0 | 4 | 6; all: boolean },
  lookup: LookupAll,
): Promise<ProbeTarget[]> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const numeric = numericFamily(bare);
  let found: { address: string; family: number }[];
  if (numeric !== undefined) found = [{ address: bare, family: numeric }];
  else {
    try {
      found = await lookup(bare, { all: true, family: opts.family });
    } catch (e) {
      const code = (e as { code?: string }).code ?? "ENOTFOUND";
      const fam = opts.family === 0 ? "" : ` to an IPv${opts.family} address`;
      throw new TcpechoError(`Cannot resolve '${host}'${fam}: ${code}`, {
        code: "ENOTFOUND",
        hint: "check the name, or give a numeric address",
        cause: e,
      });
    }
  }
  const wanted = found.filter((a) => opts.family === 0 || a.family === opts.family);
  if (wanted.length === 0) {
    throw new TcpechoError(`Cannot probe '${host}': it has no IPv${opts.family} address`, {
      code: "ENOTFOUND",
      hint: `resolved to ${found.map((a) => a.address).join(", ") || "nothing"}`,
    });
  }
  const unique = [...new Map(wanted.map((a) => [a.address, a])).values()];
  return (opts.all ? unique : unique.slice(0, 1)).map((a) => ({
    host,
    address: a.address,
    family: a.family === 6 ? 6 : 4,
    port,
  }));
}
