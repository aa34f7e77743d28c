/**
 * The scenario verdict: one small documented rule per docs/scenarios.md scenario, in
 * ONE ordered list; the first rule that holds names the connection. Ids,
 * sections and trouble flags come from the catalogue (catalogue.ts); each
 * rule requires the wire evidence the book describes and nothing less
 * (docs/scenarios.md gives, per id, what the wire shows and the rule).
 * Rules read the tracker's facts (through facts.ts) and the explain layer's
 * {@link WireFacts}; the sentences live in sentences.ts.
 *
 * Why this order: evidence that explains everything else comes first (no
 * handshake seen; a refused or unanswered SYN; an ICMP unreachable), then
 * the keepalive outcomes (their RST is the keepalive's, not an abort),
 * crossed FINs, the RST stories from most to least specific, silence after
 * retransmissions, the orderly closes; `open` is the fallback.
 * @module
 */
import type { TcpConn } from "../tcp/conn.ts";
import { scenarioInfo } from "./catalogue.ts";
import {
  bothFins,
  bothFinsAcked,
  CLIENT,
  dataAfterPeerFin,
  finAckedFrame,
  finFrame,
  peerOf,
  segs,
  SERVER,
  syns,
  twoSided,
  unansweredRetrans,
} from "./facts.ts";
import * as say from "./sentences.ts";
import { REBOOT_SILENCE_S, WireFacts } from "./wire.ts";

/** One entry of the ordered list. */
export interface Scenario {
  /** Catalogue id. */
  id: string;
  /** The rule. */
  when(c: TcpConn, w: WireFacts): boolean;
  /** The one-sentence summary. */
  says(c: TcpConn, w: WireFacts): string;
}

/** The ordered list (first match wins). */
export const SCENARIOS: readonly Scenario[] = [
  {
    // No SYN or SYN,ACK seen: the roles are a guess (lower port = server).
    id: "midstream",
    when: (c) => c.rolesGuessed,
    says: say.midstream,
  },
  {
    // The SYN was answered by RST from the other side, with no SYN,ACK.
    id: "connection-refused",
    when: (c) => c.facts.rstAnswersSyn,
    says: say.refused,
  },
  {
    // An ICMP unreachable that is not a path-MTU event, and nothing more from
    // the host it is about.
    id: "server-host-unreachable",
    when: (_c, w) => w.unreach > 0 && !w.heardAfterUnreach,
    says: say.unreachable,
  },
  {
    // SYN(s) from the client and nothing at all back: no segment, no ICMP (and the
    // client did not give up with RST: that is an abort). One SYN at the very end
    // of the capture (< 1 s, Linux's first SYN retry) cannot tell: `open` says so.
    id: "syn-timeout",
    when: (c, w) =>
      syns(c, CLIENT) > 0 && segs(c, SERVER) === 0 && !c.facts.established && w.unreach === 0 &&
      c.facts.rstFrame === 0 && !tooSoonToTell(c, w),
    says: say.synTimeout,
  },
  {
    // A real keepalive probe was answered by RST (no orderly close before it).
    id: "keepalive-reset",
    when: (c, w) => w.rstAnswersProbe && !bothFinsAckedBefore(c, w.rstFrame),
    says: say.keepaliveReset,
  },
  {
    // Real probes went unanswered by a peer whose direction was captured.
    id: "keepalive-dead-peer",
    when: (c, w) => deadPeerProber(c, w) >= 0,
    says: say.keepaliveDead,
  },
  {
    // Both sides sent FIN before receiving the other's FIN (the FINs crossed).
    id: "simultaneous-close",
    when: (c) => c.facts.finsCrossed && c.facts.rstFrame === 0,
    says: say.simultaneousClose,
  },
  {
    // The server sent FIN first and the client then wrote data (§5.12); not when
    // the connection then closed in order both ways (that is a half-close).
    id: "server-process-terminated",
    when: serverTerminated,
    says: say.serverTerminated,
  },
  {
    // After a silence, the server answered the client's data with an RST that has
    // no ACK flag and seq = the client's ACK, and it never sent FIN.
    id: "server-crash-reboot",
    when: crashReboot,
    says: say.crashReboot,
  },
  {
    // Any other RST.
    id: "abort",
    when: (c) => c.facts.rstFrame !== 0,
    says: say.abort,
  },
  {
    // A side sent the same segment three times or more with nothing back from the
    // other side (whose direction is in the capture); the capture ends in that silence.
    id: "server-host-crash",
    when: (c, w) => stalledSide(c, w) >= 0,
    says: say.hostCrash,
  },
  {
    // One side sent FIN first and the other kept sending data after it.
    id: "half-close",
    when: (c) => halfCloser(c) >= 0,
    says: say.halfClose,
  },
  {
    // A real keepalive probe (after ≥ 1 s idle) was answered.
    id: "keepalive-alive",
    when: (_c, w) => w.side[0].answered + w.side[1].answered > 0,
    says: say.keepaliveAlive,
  },
  {
    // Both sides sent FIN (no RST), either one first.
    id: "normal",
    when: bothFins,
    says: say.normal,
  },
  {
    // Fallback: the capture ends with the connection open (or shows one direction).
    id: "open",
    when: () => true,
    says: say.open,
  },
];

/** Each scenario's catalogue entry, in list order (looked up once). */
const INFO = SCENARIOS.map((s) => scenarioInfo(s.id));

/** The verdict for a connection; the sentence is built only when read (--summary never does). */
export class Verdict {
  readonly scenario: string;
  readonly section: string;
  readonly trouble: boolean;
  #conn: TcpConn;
  #wire: WireFacts;
  #says: (c: TcpConn, w: WireFacts) => string;
  #summary: string | undefined;

  constructor(s: Scenario, conn: TcpConn, wire: WireFacts, info = scenarioInfo(s.id)) {
    this.scenario = s.id;
    this.section = info.section;
    this.trouble = info.trouble;
    this.#conn = conn;
    this.#wire = wire;
    this.#says = s.says;
  }

  /** One sentence a person can act on. */
  get summary(): string {
    return this.#summary ??= say.oneSided(this.#conn) + this.#says(this.#conn, this.#wire) +
      say.pathMtu(this.#wire);
  }
}

/**
 * Runs the ordered list; the first rule that holds decides. `w` is what the
 * explain engine gathered for the connection (an empty one claims nothing).
 *
 * @example
 * ```ts
 * import type { TcpConn } from "../tcp/conn.ts";
 * import type { WireFacts } from "./wire.ts";
 * declare const conn: TcpConn, wire: WireFacts; // a tracked connection and its wire evidence
 * const v = verdict(conn, wire); // v.scenario: "normal", v.section: "5.6", v.summary: "…"
 * ```
 */
export function verdict(c: TcpConn, w: WireFacts = new WireFacts()): Verdict {
  if (shortcut.plainClose && plainClose(c, w)) {
    return new Verdict(SCENARIOS[NORMAL], c, w, INFO[NORMAL]);
  }
  for (let i = 0; i < SCENARIOS.length; i++) {
    const s = SCENARIOS[i];
    if (s.when(c, w)) return new Verdict(s, c, w, INFO[i]);
  }
  throw new Error("unreachable: the fallback scenario always matches");
}

/** Where `normal` is in the ordered list. */
const NORMAL = SCENARIOS.findIndex((s) => s.id === "normal");

/**
 * The rules {@link plainClose} was written against: the ids before `normal`,
 * in order. A test fails when the list changes, so that the shortcut is
 * checked again.
 */
export const BEFORE_NORMAL = [
  "midstream",
  "connection-refused",
  "server-host-unreachable",
  "syn-timeout",
  "keepalive-reset",
  "keepalive-dead-peer",
  "simultaneous-close",
  "server-process-terminated",
  "server-crash-reboot",
  "abort",
  "server-host-crash",
  "half-close",
  "keepalive-alive",
] as const;

/**
 * Whether {@link verdict} takes the shortcut for plain orderly closes (tests
 * turn it off to check that the ordered walk gives every connection the same
 * verdict).
 */
export const shortcut = { plainClose: true };

/**
 * A plain orderly close: both FINs, and none of the evidence a rule before
 * `normal` needs, so the ordered walk would end at `normal`. Each condition
 * fails one earlier rule: no guessed roles (midstream), no RST answering the
 * SYN (connection-refused) nor any RST (keepalive-reset, abort), no ICMP
 * unreachable (server-host-unreachable), the handshake completed
 * (syn-timeout), both FINs (keepalive-dead-peer, server-crash-reboot), FINs
 * that did not cross (simultaneous-close), no client data after the server's
 * FIN (server-process-terminated), no side that sent one segment three times
 * (server-host-crash), no data after the first FIN from the other side
 * (half-close), no answered keepalive probe (keepalive-alive). Most
 * connections of a busy capture are these; the walk tries 13 rules for each.
 */
function plainClose(c: TcpConn, w: WireFacts): boolean {
  const f = c.facts;
  return bothFins(c) && !c.rolesGuessed && !f.rstAnswersSyn && f.rstFrame === 0 &&
    w.rstFrame === 0 && w.unreach === 0 && f.established && !f.finsCrossed &&
    w.client.dataAfterPeerFinFrame === 0 && w.client.sameRetrans < 2 &&
    w.server.sameRetrans < 2 && w.client.answered === 0 && w.server.answered === 0 &&
    halfCloser(c) < 0;
}

/** Seconds Linux waits before its first SYN retransmission. */
export const SYN_RETRY_S = 1;

/**
 * The capture ends less than {@link SYN_RETRY_S} after the first SYN: too
 * soon to tell an unanswered SYN from a slow answer, however many copies of
 * the SYN were seen in that time (a SYN seen twice 1 ms apart, as on a
 * capture of two encapsulations, is no timeout).
 */
export function tooSoonToTell(c: TcpConn, w: WireFacts): boolean {
  return syns(c, CLIENT) >= 1 && w.captureEnd >= 0 && c.facts.synTime >= 0 &&
    w.captureEnd - c.facts.synTime < SYN_RETRY_S;
}

/** Both FINs were acknowledged before `frame` (0: at all). */
function bothFinsAckedBefore(c: TcpConn, frame: number): boolean {
  if (!bothFinsAcked(c)) return false;
  return frame === 0 || Math.max(finAckedFrame(c, CLIENT), finAckedFrame(c, SERVER)) < frame;
}

/**
 * The side whose real keepalive probes went unanswered (-1 none): ≥ 2 probes
 * with nothing back, or ≥ 1 then the prober's own RST (Linux gives up this
 * way); the peer's direction must be in the capture and no FIN exchange done.
 */
export function deadPeerProber(c: TcpConn, w: WireFacts): number {
  if (bothFins(c) || !twoSided(c)) return -1;
  for (let s = 0; s < 2; s++) {
    const n = w.side[s].unanswered;
    const gaveUp = n >= 1 && w.rstSide === s && w.rstAfterFrame === 0;
    if (n >= 2 || gaveUp) return s;
  }
  return -1;
}

/**
 * The side stalled in retransmissions at the end of the capture (-1 none): it
 * sent the same segment at least three times (two retransmissions) with nothing
 * back, and the peer's direction is in the capture. A bare last FIN retransmitted
 * after both sides closed is not a crash (it is a deviation `normal` names).
 */
export function stalledSide(c: TcpConn, w: WireFacts): number {
  if (!twoSided(c)) return -1;
  const f = c.facts;
  for (let s = 0; s < 2; s++) {
    if (unansweredRetrans(c, s) < 2 || w.side[s].sameRetrans < 2 || f.prevSide !== s) continue;
    if (bothFins(c) && w.side[s].retransLen === 0) continue;
    return s;
  }
  return -1;
}

/** The side that sent FIN first while the other kept sending data (-1 none). */
export function halfCloser(c: TcpConn): number {
  const s = c.facts.firstFinSide;
  if (s < 0 || c.facts.rstFrame !== 0) return -1;
  return dataAfterPeerFin(c, peerOf(s)) > 0 ? s : -1;
}

function serverTerminated(c: TcpConn, w: WireFacts): boolean {
  const f = c.facts;
  if (f.firstFinSide !== SERVER || w.side[CLIENT].dataAfterPeerFinFrame === 0) return false;
  if (f.rstFrame !== 0) return f.rstSide === SERVER;
  return !bothFinsAcked(c);
}

function crashReboot(c: TcpConn, w: WireFacts): boolean {
  const f = c.facts;
  if (!f.established || !twoSided(c) || finFrame(c, SERVER) !== 0) return false;
  if (w.rstSide !== SERVER || w.rstHasAck || !w.rstSeqIsAck || !f.rstAnswersData) return false;
  return w.rstSilence >= REBOOT_SILENCE_S;
}
