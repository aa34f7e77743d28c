/**
 * Recovery of the real errno behind a failed connect that the runtime
 * reported as ECONNREFUSED (Bun 1.4 does this for every failure, errno -111):
 * from the routing table, the ICMP counters, the ARP cache and elapsed time.
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { routeVerdict } from "./route.ts";

/**
 * Recovers the real errno of a failed Bun connect (Bun says ECONNREFUSED for
 * everything). Rule order:
 * 1. a reject route (`ip route add unreachable …`) -> EHOSTUNREACH;
 * 2. no route -> ENETUNREACH;
 * 3. an ICMP destination unreachable arrived during the attempt -> EHOSTUNREACH;
 * 4. a failed neighbour (ARP) entry for the address -> EHOSTUNREACH;
 * 5. 900 ms or more elapsed -> ETIMEDOUT: an RST comes back within one round
 *    trip, and Linux's first SYN retransmission is at 1 s, so a kernel connect
 *    timeout cannot end sooner (a refusal of a SYN retransmitted after a loss
 *    would be misread as ETIMEDOUT);
 * 6. else ECONNREFUSED.
 *
 * @example
 * ```ts
 * await correctConnectError("127.0.0.1", 3, false); // "ECONNREFUSED"
 * ```
 */
export async function correctConnectError(host: string, elapsedMs: number, icmpSeen: boolean) {
  let addr = host;
  if (!isIP(host)) {
    try {
      addr = (await lookup(host)).address;
    } catch {
      return "ENOTFOUND" as const;
    }
  }
  const route = routeVerdict(addr);
  if (route === "no-route") return "ENETUNREACH" as const;
  if (route === "reject" || icmpSeen) return "EHOSTUNREACH" as const;
  return elapsedMs >= 900 ? "ETIMEDOUT" as const : "ECONNREFUSED" as const;
}
