/**
 * Names and addresses of the lab's private network: two namespaces joined by
 * a veth pair, with documentation-range addresses (RFC 2544 198.18.0.0/15,
 * RFC 3849 2001:db8::/32) and no route out of it.
 * @module
 */

/** The client's and the server's address in one family. */
export interface AddrPair {
  client: string;
  server: string;
  /** Prefix length on the veth. */
  prefix: number;
}

/** IPv4 addresses on the veth pair. */
export const IPV4: AddrPair = { client: "198.18.0.1", server: "198.18.0.2", prefix: 24 };
/** IPv6 addresses on the veth pair (added with nodad, so usable at once). */
export const IPV6: AddrPair = { client: "2001:db8::1", server: "2001:db8::2", prefix: 64 };

/** The book's SERV_PORT, where the lab's server listens. */
export const LAB_PORT = 9877;

/** Namespace names the lab makes: tcpecho-<pid>-<hex>-c|s|r (the pid finds stale ones). */
export const NS_PATTERN = /^tcpecho-(\d+)-([0-9a-f]+)-([csr])$/;

/**
 * Addresses with a router between the ends (the slow scenarios): the client
 * on 198.18.S.0/24, the server on 198.19.S.0/24, the router .254 on both.
 */
export const ROUTED_IPV4 = { client: "198.18.0.1", server: "198.19.0.2", router: ".254" };

/** The names for one lab network. */
export interface LabNames {
  client: string;
  server: string;
  /** veth end in the client namespace (what tcpdump listens on). */
  clientDev: string;
  /** veth end in the server namespace. */
  serverDev: string;
  /** The router namespace (made only when the lab has a router). */
  router: string;
  /** The router's veth ends: towards the client, towards the server. */
  routerClientDev: string;
  routerServerDev: string;
}

/**
 * Unique names for one lab network (pid + random, so two labs can run at once).
 *
 * @example
 * ```ts
 * labNames(1234, "a1b2c3"); // { client: "tcpecho-1234-a1b2c3-c", clientDev: "tea1b2c3c", … }
 * ```
 */
export function labNames(pid: number, rand: string): LabNames {
  return {
    client: `tcpecho-${pid}-${rand}-c`,
    server: `tcpecho-${pid}-${rand}-s`,
    clientDev: `te${rand}c`.slice(0, 15),
    serverDev: `te${rand}s`.slice(0, 15),
    router: `tcpecho-${pid}-${rand}-r`,
    routerClientDev: `te${rand}rc`.slice(0, 15),
    routerServerDev: `te${rand}rs`.slice(0, 15),
  };
}

/**
 * A random lowercase hex string of `n` characters.
 *
 * @example
 * ```ts
 * randomHex(6); // "9f03ab"
 * ```
 */
export function randomHex(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(n / 2)));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, n);
}
