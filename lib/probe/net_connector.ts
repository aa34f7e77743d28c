/**
 * The probe {@link Connector} on top of lib/runtime/net: one connect with a
 * deadline, its normalised errno turned into a probe outcome.
 * @module
 */
import type { NetApi } from "../runtime/net/types.ts";
import type { RawConnector } from "../runtime/sockopt/connect.ts";
import type { Connector, ProbeOutcome } from "./types.ts";

/**
 * The probe outcome for a normalised errno name.
 *
 * @example
 * ```ts
 * outcomeOf("ECONNREFUSED"); // "refused"
 * ```
 */
export function outcomeOf(code: string): Exclude<ProbeOutcome, "connected"> {
  switch (code) {
    case "ECONNREFUSED":
      return "refused";
    case "ETIMEDOUT":
      return "timeout";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "unreachable";
    default:
      return "error";
  }
}

/**
 * Builds a connector that uses `net.connect`.
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * const connector = netConnector(await getNet());
 * const a = await connector({ host: "h", address: "127.0.0.1", family: 4, port: 9877 }, 2000);
 * ```
 */
export function netConnector(net: NetApi): Connector {
  return async (target, timeoutMs) => {
    try {
      const conn = await net.connect({ host: target.address, port: target.port, timeoutMs });
      return {
        outcome: "connected",
        local: { address: conn.local.host, port: conn.local.port },
        close: () => Promise.resolve(conn.close()),
      };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      // The runtime refused the connect (Deno without --allow-net): not a probe
      // result; cmd/main.ts reports it as the missing permission.
      if (/^Requires \w+ access/.test(String(err?.message))) throw e;
      const errno = typeof err?.code === "string" ? err.code : "EOTHER";
      return { outcome: outcomeOf(errno), errno, message: err?.message };
    }
  };
}

/**
 * Builds a connector on the libc connect (exact errno and timing on both runtimes).
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * import { loadConnector } from "../runtime/sockopt/mod.ts";
 * const c = await loadConnector();
 * const connector = "reason" in c ? netConnector(await getNet()) : libcProbeConnector(c);
 * ```
 */
export function libcProbeConnector(raw: RawConnector): Connector {
  return async (target, timeoutMs) => {
    const r = await raw.connect(target.address, target.port, timeoutMs);
    if (!r.ok) return { outcome: outcomeOf(r.errno), errno: r.errno, ms: r.ms };
    return {
      outcome: "connected",
      local: r.local,
      ms: r.ms,
      close: () => Promise.resolve(r.close()),
    };
  };
}
