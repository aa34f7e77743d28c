/**
 * The per-namespace sysctls that make the book's minutes take seconds. They
 * are set inside the lab's client namespace only (the host keeps its own),
 * and the lab prints each with the value it replaced.
 * @module
 */

/** One sysctl the lab sets. */
export interface LabSysctl {
  key: string;
  value: string;
  /** What it controls and what the new value means here. */
  why: string;
}

/** Set in the client namespace. */
export const CLIENT_SYSCTLS: readonly LabSysctl[] = [
  {
    key: "net.ipv4.tcp_retries2",
    value: "2",
    why: "data retransmissions before ETIMEDOUT: a few seconds (default 15: about 15 min)",
  },
  {
    key: "net.ipv4.tcp_syn_retries",
    value: "1",
    why: "SYN retransmissions before ETIMEDOUT, on top of the linear ones (default 6)",
  },
  {
    key: "net.ipv4.tcp_syn_linear_timeouts",
    value: "1",
    why:
      "SYN retransmissions 1 s apart before backoff (default 4): 3 SYNs, ETIMEDOUT at about 3 s " +
      "(defaults: about 2 min)",
  },
  {
    key: "net.ipv4.tcp_keepalive_time",
    value: "1",
    why: "idle seconds before the first keepalive probe (default 7200)",
  },
  {
    key: "net.ipv4.tcp_keepalive_intvl",
    value: "1",
    why: "seconds between keepalive probes (default 75)",
  },
  {
    key: "net.ipv4.tcp_keepalive_probes",
    value: "3",
    why: "unanswered probes before ETIMEDOUT (default 9)",
  },
];

/** Set in the server namespace. */
export const SERVER_SYSCTLS: readonly LabSysctl[] = [
  {
    key: "net.ipv4.icmp_ratelimit",
    value: "0",
    why: "no rate limit on the ICMP errors the simulated unreachable host sends (default 1000 ms)",
  },
];

/** A sysctl as applied: the value found in the fresh namespace and the one set. */
export interface AppliedSysctl extends LabSysctl {
  namespace: "client" | "server" | "router";
  was: string;
}
