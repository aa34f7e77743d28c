/**
 * THE scenario catalogue: every verdict id (a contract, docs/scenarios.md, docs/design.md),
 * its book section, whether it is a sign of trouble, and its help text.
 * explain (scenarios.ts), the reports (summary colours, HTML highlighting),
 * `explain --help`, the lab and the tests all read this list, so they can
 * never disagree. Order: the order `--help` lists them.
 * @module
 */

/** One scenario of the catalogue. */
export interface ScenarioInfo {
  /** docs/scenarios.md scenario id (stable). */
  readonly id: string;
  /** Book section cited with the verdict ("" when the book has none). */
  readonly section: string;
  /** A sign of trouble: highlighted in the summary table and the HTML report. */
  readonly trouble: boolean;
  /** One line for `--help` and docs: what the wire shows. */
  readonly help: string;
}

/** Every scenario, in help order. */
export const CATALOGUE: readonly ScenarioInfo[] = [
  {
    id: "normal",
    section: "5.6",
    trouble: false,
    help: "handshake, data, both FINs (either side may close first)",
  },
  {
    id: "server-process-terminated",
    section: "5.12",
    trouble: true,
    help: "server FIN, then client data (in full: then the server's RST)",
  },
  {
    id: "server-host-crash",
    section: "5.14",
    trouble: true,
    help: "retransmissions and nothing back from a peer whose direction is captured",
  },
  {
    id: "server-host-unreachable",
    section: "5.14",
    trouble: true,
    help: "ICMP unreachable (not fragmentation-needed), then silence from that host",
  },
  {
    id: "server-crash-reboot",
    section: "5.15",
    trouble: true,
    help: "after a silence, an RST without ACK, seq = the client's ACK; no server FIN",
  },
  {
    id: "connection-refused",
    section: "4.3",
    trouble: true,
    help: "the SYN is answered by RST",
  },
  {
    id: "syn-timeout",
    section: "4.3",
    trouble: true,
    help: "SYN(s) and nothing at all back from the server",
  },
  {
    id: "keepalive-alive",
    section: "7.5",
    trouble: false,
    help: "a keepalive probe after ≥ 1 s idle was answered",
  },
  {
    id: "keepalive-dead-peer",
    section: "7.5",
    trouble: true,
    help: "keepalive probes after idle time went unanswered",
  },
  {
    id: "keepalive-reset",
    section: "7.5",
    trouble: true,
    help: "a keepalive probe after idle time was answered by RST",
  },
  {
    id: "half-close",
    section: "6.6",
    trouble: false,
    help: "one side sent FIN, the other kept sending data",
  },
  {
    id: "simultaneous-close",
    section: "TCPv1 18.9",
    trouble: false,
    help: "the two FINs crossed, no RST",
  },
  {
    id: "abort",
    section: "7.5",
    trouble: true,
    help: "any other RST (an application abort, SO_LINGER 0)",
  },
  {
    id: "open",
    section: "",
    trouble: false,
    help: "the capture ends with the connection open, or shows one direction",
  },
  {
    id: "midstream",
    section: "",
    trouble: false,
    help: "no handshake captured: roles guessed (lower port = server)",
  },
];

const BY_ID: ReadonlyMap<string, ScenarioInfo> = new Map(CATALOGUE.map((s) => [s.id, s]));

/** Every scenario id, in help order. */
export const SCENARIO_IDS: readonly string[] = CATALOGUE.map((s) => s.id);

/**
 * The catalogue entry for an id (throws on an unknown id: ids are a contract).
 *
 * @example
 * ```ts
 * scenarioInfo("normal").section; // "5.6"
 * ```
 */
export function scenarioInfo(id: string): ScenarioInfo {
  const s = BY_ID.get(id);
  if (s === undefined) throw new Error(`unknown scenario id: ${id}`);
  return s;
}

/**
 * Whether a verdict is a sign of trouble (unknown ids count as trouble).
 *
 * @example
 * ```ts
 * isTrouble("simultaneous-close"); // false
 * ```
 */
export function isTrouble(id: string): boolean {
  return BY_ID.get(id)?.trouble ?? true;
}

/**
 * A section as cited in text ("" when none): "§5.12", "TCPv1 §18.9".
 *
 * @example
 * ```ts
 * citeSection("TCPv1 18.9"); // "TCPv1 §18.9"
 * ```
 */
export function citeSection(section: string): string {
  if (!section) return "";
  return section.startsWith("TCPv1 ") ? "TCPv1 §" + section.slice(6) : "§" + section;
}
