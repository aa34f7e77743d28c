/**
 * The scenario verdict: one small documented predicate per BOOK.md scenario,
 * in ONE ordered list; the first predicate that holds names the connection.
 * Predicates read only {@link ConnFacts} (gathered while streaming), so a
 * verdict costs nothing per segment. The sentences (what the book expects
 * next, what deviates) live in sentences.ts.
 *
 * Why this order: evidence that explains everything else comes first (no
 * handshake seen; a refused or unanswered SYN; an ICMP error), then the
 * keepalive outcomes (their RST is the keepalive's, not an abort), crossed
 * FINs, the RST stories from most to least specific, silence after
 * retransmissions, and the orderly closes; `open` is the fallback.
 * @module
 */
import {
  BYTES,
  DATA_AFTER_PEER_FIN,
  FIN_FRAME,
  KEEPALIVES,
  SEGS,
  SYN_ACKS,
  SYNS,
  UNANSWERED_KEEPALIVES,
  UNANSWERED_RETRANS,
} from "../tcp/conn.ts";
import type { TcpConn } from "../tcp/conn.ts";
import * as say from "./sentences.ts";

/** One entry of the ordered list. */
export interface Scenario {
  /** BOOK.md scenario id. */
  id: string;
  /** BOOK.md section ("" when the book has none). */
  section: string;
  /** The predicate. */
  when(c: TcpConn): boolean;
  /** The one-sentence summary. */
  says(c: TcpConn): string;
}

/** The ordered list (first match wins). */
export const SCENARIOS: readonly Scenario[] = [
  {
    // No SYN or SYN,ACK seen: the roles are a guess (lower port = server).
    id: "midstream",
    section: "",
    when: (c) => c.rolesGuessed,
    says: say.midstream,
  },
  {
    // The SYN was answered by RST from the other side, with no SYN,ACK.
    id: "connection-refused",
    section: "4.3",
    when: (c) => c.facts.rstAnswersSyn,
    says: say.refused,
  },
  {
    // An ICMP destination unreachable quoted one of the connection's segments.
    id: "server-host-unreachable",
    section: "5.14",
    when: (c) => c.facts.icmpCount > 0,
    says: say.unreachable,
  },
  {
    // The client's SYN got nothing back: no SYN,ACK, no RST.
    id: "syn-timeout",
    section: "4.3",
    when: (c) => c.facts.p[SYNS] > 0 && !c.facts.established && c.facts.p[SYN_ACKS + 1] === 0,
    says: say.synTimeout,
  },
  {
    // A keepalive probe was answered by RST from the probed side.
    id: "keepalive-reset",
    section: "7.5",
    when: (c) => c.facts.rstAnswersKeepalive,
    says: say.keepaliveReset,
  },
  {
    // Keepalive probes went unanswered (≥ 2, or the prober then sent RST: Linux gives up).
    id: "keepalive-dead-peer",
    section: "7.5",
    when: (c) => deadPeerProber(c) >= 0,
    says: say.keepaliveDead,
  },
  {
    // Both sides sent FIN before receiving the other's FIN (the FINs crossed).
    id: "simultaneous-close",
    section: "TCPv1 18.9",
    when: (c) => c.facts.finsCrossed && c.facts.rstFrame === 0,
    says: say.simultaneousClose,
  },
  {
    // The server sent FIN first, after data, and then either answered later client
    // data with RST or the client never closed (it is still in CLOSE-WAIT).
    id: "server-process-terminated",
    section: "5.12",
    when: serverTerminated,
    says: say.serverTerminated,
  },
  {
    // The server answered client data with RST and never sent FIN.
    id: "server-crash-reboot",
    section: "5.15",
    when: (c) =>
      c.facts.rstSide === 1 && c.facts.rstAnswersData && c.facts.p[FIN_FRAME + 1] === 0 &&
      c.facts.established,
    says: say.crashReboot,
  },
  {
    // Any other RST: one side reset without data having just arrived from the other.
    id: "abort",
    section: "7.5",
    when: (c) => c.facts.rstFrame !== 0,
    says: say.abort,
  },
  {
    // A side retransmitted at least twice since the other side last sent anything,
    // and the capture ends in that silence.
    id: "server-host-crash",
    section: "5.14",
    when: (c) => stalledSide(c) >= 0,
    says: say.hostCrash,
  },
  {
    // The client sent FIN first and the server kept sending data after it.
    id: "half-close",
    section: "6.6",
    when: (c) => c.facts.firstFinSide === 0 && c.facts.p[DATA_AFTER_PEER_FIN + 1] > 0,
    says: say.halfClose,
  },
  {
    // Keepalive probes were sent and answered.
    id: "keepalive-alive",
    section: "7.5",
    when: (c) => c.facts.p[KEEPALIVES] + c.facts.p[KEEPALIVES + 1] > 0,
    says: say.keepaliveAlive,
  },
  {
    // Both sides sent FIN (no RST).
    id: "normal",
    section: "5.6",
    when: (c) => c.facts.p[FIN_FRAME] !== 0 && c.facts.p[FIN_FRAME + 1] !== 0,
    says: say.normal,
  },
  {
    // Fallback: the capture ends with the connection open (or half-open).
    id: "open",
    section: "",
    when: () => true,
    says: say.open,
  },
];

/** The verdict for a connection; the sentence is built only when read (--summary never does). */
export class Verdict {
  readonly scenario: string;
  readonly section: string;
  #conn: TcpConn;
  #says: (c: TcpConn) => string;
  #summary: string | undefined;

  constructor(s: Scenario, conn: TcpConn) {
    this.scenario = s.id;
    this.section = s.section;
    this.#conn = conn;
    this.#says = s.says;
  }

  /** One sentence a person can act on. */
  get summary(): string {
    return this.#summary ??= oneSided(this.#conn) + this.#says(this.#conn);
  }
}

/**
 * Runs the ordered list; the first predicate that holds decides.
 *
 * @example
 * ```ts
 * // verdict(conn) -> { scenario: "normal", section: "5.6", summary: "…" }
 * ```
 */
export function verdict(c: TcpConn): Verdict {
  for (const s of SCENARIOS) if (s.when(c)) return new Verdict(s, c);
  throw new Error("unreachable: the fallback scenario always matches");
}

/** The side whose keepalives went unanswered (-1 none); see keepalive-dead-peer. */
export function deadPeerProber(c: TcpConn): number {
  const f = c.facts;
  for (let s = 0; s < 2; s++) {
    const n = f.p[UNANSWERED_KEEPALIVES + s];
    const gaveUp = n >= 1 && f.rstSide === s && !f.rstAnswersData;
    if (n >= 2 || gaveUp) return s;
  }
  return -1;
}

/** The side stalled in retransmissions at the end of the capture (-1 none). */
export function stalledSide(c: TcpConn): number {
  const f = c.facts;
  for (let s = 0; s < 2; s++) if (f.p[UNANSWERED_RETRANS + s] >= 2 && f.prevSide === s) return s;
  return -1;
}

function serverTerminated(c: TcpConn): boolean {
  const f = c.facts;
  if (f.firstFinSide !== 1 || f.p[BYTES] + f.p[BYTES + 1] === 0) return false;
  if (f.rstSide === 1) return f.rstAnswersData;
  return f.rstFrame === 0 && (f.p[FIN_FRAME] === 0 || f.p[BYTES] > 0);
}

/** A prefix saying only one direction was captured (asymmetric routing, a filter). */
function oneSided(c: TcpConn): string {
  const f = c.facts;
  if (f.p[SEGS] > 0 && f.p[SEGS + 1] > 0) return "";
  const seen = f.p[SEGS] > 0 ? "client" : "server";
  return `Only the ${seen}'s direction is in the capture (one-sided): the other side's ` +
    `segments are inferred from acknowledgements. `;
}
