/**
 * The slowness verdict: one plain sentence, next to the book's verdict, that
 * says where a connection's time went, with the evidence (seconds, frames).
 * Only when worth saying:
 *  - the connection otherwise looks healthy (a calm book verdict: a failure
 *    verdict already explains its retransmissions and silences), and
 *  - its slow time is at least {@link SLOW_SHARE} of the duration and at least
 *    {@link SLOW_MIN_S}, or one slow stall lasts at least {@link LONG_STALL_S}
 *    and {@link LONG_STALL_SHARE} of the duration.
 * Slow time: loss recovery, receive-window stalls, Nagle waits, path-MTU
 * trouble, a retransmitted SYN, and the server application's answer time
 * (only with the roles known: a captured handshake).
 * A client that thinks or idles, and plain transfer, are not slowness.
 * @module
 */
import type { TcpConn } from "../tcp/conn.ts";
import { rttGuess } from "./timing_classify.ts";
import {
  C_HANDSHAKE,
  C_LOSS,
  C_NAGLE,
  C_PMTU,
  C_RWIN,
  C_SERVER_APP,
  type Cause,
  CAUSES,
  type Stall,
  type Timing,
} from "./timing.ts";

/** Share of the duration slow time must reach. */
export const SLOW_SHARE = 0.3;
/** ... and at least this many seconds. */
export const SLOW_MIN_S = 0.1;
/** One slow stall this long is worth a sentence on its own. */
export const LONG_STALL_S = 1;
/** ... and at least this share of the duration (a 1 s hiccup in a 20-minute connection is not why it was slow). */
export const LONG_STALL_SHARE = 0.01;

/** Book verdicts under which a slowness sentence is shown. */
const CALM = new Set([
  "normal",
  "half-close",
  "simultaneous-close",
  "open",
  "midstream",
  "keepalive-alive",
]);

/** The slowness verdict of one connection. */
export interface SlowVerdict {
  /** The dominant cause (a {@link CAUSES} id). */
  cause: Cause;
  /** Seconds of that cause, and of all slow causes. */
  seconds: number;
  slowSeconds: number;
  /** slowSeconds / duration (0-1). */
  share: number;
  /** Book section that helps ("" none): 2.11, 7.5, 7.9. */
  section: string;
  /** The sentence. */
  sentence: string;
}

/**
 * Seconds of each cause that count as slowness (index into CAUSES). The
 * server's application time counts only when the roles are known (the
 * handshake was captured): with roles guessed from the ports, which side
 * waited on which cannot be told.
 */
export function slowSeconds(t: Timing, rolesKnown = true): number[] {
  const out = [0, 0, 0, 0, 0, 0, 0, 0];
  out[C_HANDSHAKE] = t.stallCount[C_HANDSHAKE] > 0 ? t.seconds[C_HANDSHAKE] : 0;
  out[C_SERVER_APP] = rolesKnown ? t.answerSeconds[1] : 0;
  out[C_RWIN] = t.seconds[C_RWIN];
  out[C_LOSS] = t.seconds[C_LOSS];
  out[C_NAGLE] = t.seconds[C_NAGLE];
  out[C_PMTU] = t.seconds[C_PMTU];
  return out;
}

/**
 * The slowness verdict, or null when nothing is worth a sentence.
 *
 * @example
 * ```ts
 * // slowVerdict(timing, conn, "normal")?.sentence
 * // -> "It ended normally, but 62% of its 3.1 s went to 2 retransmission timeouts (…)."
 * ```
 */
export function slowVerdict(t: Timing, c: TcpConn, scenario: string): SlowVerdict | null {
  if (!CALM.has(scenario)) return null;
  // What follows an ended connection on its ports (no SYN) is explained by that one's verdict.
  if (c.continues > 0) return null;
  const dur = t.duration;
  if (dur <= 0) return null;
  const known = !c.rolesGuessed;
  const secs = slowSeconds(t, known);
  let total = 0, top = -1;
  for (let i = 0; i < secs.length; i++) {
    total += secs[i];
    if (secs[i] > 0 && (top < 0 || secs[i] > secs[top])) top = i;
  }
  if (top < 0) return null;
  const longest = t.stalls.find((s) => isSlowStall(s) && (known || s.cause !== C_SERVER_APP));
  // A long stall is worth a sentence when it is also 1% of the connection or more.
  const long = longest !== undefined && longest.seconds >= LONG_STALL_S &&
    longest.seconds >= LONG_STALL_SHARE * dur;
  if (!long && !(total >= SLOW_SHARE * dur && total >= SLOW_MIN_S)) return null;
  if (long && longest.cause !== top && secs[longest.cause] * 2 > secs[top]) top = longest.cause;
  const share = Math.min(1, total / dur);
  const lead = scenario === "normal" || scenario === "half-close" ||
      scenario === "simultaneous-close"
    ? "It ended normally, but"
    : "Slow:";
  const what = describe(t, c, top, secs[top]);
  return {
    cause: CAUSES[top],
    seconds: secs[top],
    slowSeconds: total,
    share,
    section: SECTION[top],
    sentence: `${lead} ${pct(secs[top] / dur)} of its ${sec(dur)} went to ${what.text}${
      what.section ? ` (§${what.section})` : ""
    }.`,
  };
}

const SECTION = ["", "", "", "7.5", "", "7.9", "2.11", ""];

function isSlowStall(s: Stall): boolean {
  if (s.cause === C_HANDSHAKE) return s.kind !== "handshake";
  if (s.cause === C_SERVER_APP) return s.kind === "answer";
  return s.cause === C_RWIN || s.cause === C_LOSS || s.cause === C_NAGLE || s.cause === C_PMTU;
}

function describe(
  t: Timing,
  c: TcpConn,
  cause: number,
  seconds: number,
): { text: string; section: string } {
  const stalls = t.stalls.filter((s) => s.cause === cause && isSlowStall(s));
  const who = (side: number) => side === 0 ? "client" : "server";
  // The three longest, in time order.
  const ev = (list: Stall[]) =>
    list.slice(0, 3).sort((a, b) => a.firstFrame - b.firstFrame)
      .map((s) => `${sec(s.seconds)} at ${frames(s)}`).join(", ");
  // " (…)" with them, or nothing: the cause's stalls may all be shorter than
  // the connection's longest ones, which are the only ones kept (TOP_STALLS).
  const inParens = (list: Stall[]) => list.length > 0 ? ` (${ev(list)})` : "";
  switch (cause) {
    case C_LOSS: {
      const rto = stalls.filter((s) => s.kind === "rto" || s.kind === "tlp");
      const sent = t.bytes[0] + t.bytes[1];
      const rtx = t.retransBytes[0] + t.retransBytes[1];
      const loss = sent > 0
        ? `; ${rtx} of ${sent} bytes were retransmitted (${pct(rtx / sent)})`
        : "";
      if (t.timeouts > 0 && rto.length > 0) {
        return {
          text: `${count(t.timeouts, "retransmission timeout")} (${ev(rto)})${loss}`,
          section: "",
        };
      }
      return { text: `loss recovery${inParens(stalls)}${loss}`, section: "" };
    }
    case C_RWIN: {
      const zero = stalls.filter((s) => s.kind === "zero-window");
      if (zero.length > 0) {
        const z = zero[0];
        const recv = who(1 - z.side);
        return {
          text:
            `the ${recv}'s zero receive window, ${sec(seconds)} in all (longest ${
              sec(z.seconds)
            } at ${frames(z)}): the ${recv} stopped reading while the ${
              who(z.side)
            } had more to send, ` +
            `the ${who(z.side)} sent window probes`,
          section: "7.5 SO_RCVBUF",
        };
      }
      const s = stalls[0];
      const recv = s ? who(1 - s.side) : "receiver";
      return {
        text: `a full receive window${
          inParens(stalls)
        }: the ${recv} read slower than the data came`,
        section: "2.11, §7.5 SO_RCVBUF",
      };
    }
    case C_NAGLE: {
      const avg = t.nagleWaits > 0 ? seconds / t.nagleWaits : 0;
      return {
        text: `${
          count(t.nagleWaits, "small write")
        } held by Nagle's algorithm until the peer's delayed ACK (about ${ms(avg)} each${
          stalls.length > 0 ? `, longest ${ev(stalls.slice(0, 1))}` : ""
        }): write-write-read; TCP_NODELAY or one write per request avoids it`,
        section: "7.9 TCP_NODELAY",
      };
    }
    case C_PMTU: {
      const icmp = stalls.some((s) => s.kind === "frag-needed");
      return {
        text: icmp
          ? `path-MTU trouble: an ICMP "fragmentation needed", then smaller segments${
            inParens(stalls)
          }`
          : `a path-MTU black hole: large segments were retransmitted and never acknowledged while small ones passed${
            inParens(stalls)
          }`,
        section: "2.11",
      };
    }
    case C_HANDSHAKE: {
      // Only what was captured: a SYN sent again with no SYN-ACK before it, or
      // a SYN or SYN-ACK sent again after the server had answered.
      const unanswered = stalls.filter((s) => s.kind === "syn-retransmission");
      const answered = stalls.filter((s) => s.kind === "syn-ack-lost");
      const rest = stalls.filter((s) =>
        s.kind === "handshake-retried" && s.seconds >= LONG_STALL_S
      );
      const parts = [];
      if (unanswered.length > 0 || answered.length === 0) {
        parts.push(`the first SYN went unanswered${inParens(unanswered)}`);
      }
      if (answered.length > 0) {
        parts.push(
          `the server answered but the handshake did not complete, and SYN or SYN-ACK was sent again${
            inParens(answered)
          }`,
        );
      }
      const after = rest.length > 0
        ? `; it completed ${sec(rest[0].seconds)} after the last (${frames(rest[0])})`
        : "";
      return { text: `the handshake: ${parts.join("; ")}${after}`, section: "" };
    }
    default: {
      // What the packets show, not why: an answer it was slow to give and a
      // message of its own (a timer, a person typing) look the same on the wire.
      // Without the SYN the round trip is an upper bound (the ACK delays).
      const rtt = rttGuess(t, c);
      const bound = t.lastSynTime >= 0 && !t.synAckFirst ? "" : "at most ";
      return {
        text: `the server's application, the times between the client's data and the server's next${
          inParens(stalls)
        }${rtt > 0 ? `, while the round trip took ${bound}${ms(rtt)}` : ""}`,
        section: "",
      };
    }
  }
}

/** "frames 812–813" or "frame 7". */
export function frames(s: Stall): string {
  return s.firstFrame === s.lastFrame
    ? `frame ${s.firstFrame}`
    : `frames ${s.firstFrame}–${s.lastFrame}`;
}

/** Seconds for people: "3.1 s", "0.84 s", "40 ms". */
export function sec(s: number): string {
  if (s < 0.1) return ms(s);
  return `${s >= 10 ? s.toFixed(0) : s >= 1 ? s.toFixed(1) : s.toFixed(2)} s`;
}

function ms(s: number): string {
  const m = s * 1e3;
  return `${m >= 10 ? m.toFixed(0) : m.toFixed(1)} ms`;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
