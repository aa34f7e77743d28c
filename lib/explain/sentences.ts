/**
 * One sentence per scenario: what the packets show (with frame numbers),
 * what the book expects next, and, where the capture cannot decide, that it
 * cannot. Each reads only the connection's facts and its {@link WireFacts}.
 * @module
 */
import type { TcpConn } from "../tcp/conn.ts";
import {
  bothFins,
  bytes,
  CLIENT,
  dataAfterPeerFin,
  finAckedFrame,
  finFrame,
  peerOf,
  retrans,
  segs,
  SERVER,
  synAcks,
  syns,
  twoSided,
} from "./facts.ts";
import { backoffDoubles, icmpWords, intervalList, secs, span, who } from "./words.ts";
import { deadPeerProber, halfCloser, stalledSide, tooSoonToTell } from "./scenarios.ts";
import type { WireFacts } from "./wire.ts";
import { formatHostPort } from "../hostport.ts";

function ep(c: TcpConn, side: number): string {
  const e = side === 0 ? c.client : c.server;
  return formatHostPort(e.addr, e.port);
}

function ending(c: TcpConn): string {
  const f = c.facts;
  if (f.rstFrame) return `reset by the ${who(f.rstSide)} (frame ${f.rstFrame})`;
  if (bothFins(c)) {
    return `closed by both sides (FINs at frames ${finFrame(c, CLIENT)} and ${
      finFrame(c, SERVER)
    })`;
  }
  if (f.firstFinSide >= 0) {
    return `half-closed by the ${who(f.firstFinSide)} (FIN at frame ${
      finFrame(c, f.firstFinSide)
    })`;
  }
  return "still open when the capture ends";
}

function ms(s: number): string {
  return s < 1 ? `${Number((s * 1e3).toPrecision(3))} ms` : secs(s);
}

/**
 * The only side whose direction is in the capture, when the connection shows
 * the other side exists (the seen side acknowledged it, or it sent SYN,ACK);
 * -1 otherwise (both directions, or SYNs only: nothing shows a missing direction).
 */
export function onlySide(c: TcpConn): number {
  if (twoSided(c)) return -1;
  const seen = segs(c, CLIENT) > 0 ? CLIENT : SERVER;
  return c.facts.established || synAcks(c, seen) > 0 ? seen : -1;
}

/**
 * A prefix naming the missing direction of a one-sided capture ("" when both
 * directions are in it).
 */
export function oneSided(c: TcpConn): string {
  const seen = onlySide(c);
  if (seen < 0) return "";
  if (c.continues > 0) {
    // Not a missing direction: the other side had ended the connection.
    return `A one-sided continuation of connection #${c.continues}, which had ended on the ` +
      `same ports: only the ${who(seen)} (${ep(c, seen)}) sent (segments already on their ` +
      `way, or the ${who(seen)} had not taken the end), the ${who(peerOf(seen))} nothing more. `;
  }
  return `Only the ${who(seen)}'s direction (${ep(c, seen)} → ${ep(c, peerOf(seen))}) is in ` +
    `the capture; the ${who(peerOf(seen))}'s segments are missing (asymmetric routing or a ` +
    `capture filter), so what the ${who(peerOf(seen))} did cannot be told from a one-sided ` +
    `capture. `;
}

/** A suffix for path-MTU ICMP errors ("" when none). */
export function pathMtu(w: WireFacts): string {
  if (w.pmtu === 0) return "";
  const n = w.pmtu > 1 ? `, ${w.pmtu} in all` : "";
  return ` Path MTU: ICMP fragmentation needed / packet too big at frame ${w.pmtuFrame}${n} ` +
    `is path-MTU discovery (the sender shrinks its segments and goes on), not an ` +
    `unreachable host.`;
}

/** midstream */
export function midstream(c: TcpConn): string {
  if (c.continues > 0) {
    return `No handshake (it continues connection #${c.continues}): ${ep(c, 1)} is guessed ` +
      `to be the server (lower port); the connection is ${ending(c)}.`;
  }
  return `No handshake in the capture (it started mid-connection): ${ep(c, 1)} is guessed to ` +
    `be the server (lower port); the connection is ${ending(c)}.`;
}

/** connection-refused */
export function refused(c: TcpConn): string {
  const f = c.facts;
  const tries = syns(c, CLIENT) > 1 ? ` after ${syns(c, CLIENT)} SYNs` : "";
  return `Connection refused: the SYN to ${ep(c, 1)} was answered by RST (frame ${f.rstFrame})` +
    `${tries} (no process listens on port ${c.server.port}); connect() fails with ` +
    `ECONNREFUSED (§4.3).`;
}

/** server-host-unreachable */
export function unreachable(c: TcpConn, w: WireFacts): string {
  const f = c.facts;
  const { what, errno } = icmpWords(w.unreachType, w.unreachCode);
  const count = w.unreach > 1 ? `, ${w.unreach} in all` : "";
  const about = ep(c, w.unreachSide < 0 ? SERVER : w.unreachSide);
  const when = f.established
    ? `while the connection was established (${retrans(c, CLIENT)} client retransmission(s))`
    : "in answer to the SYN";
  const next = f.established
    ? "Linux treats it as a soft error: it keeps retransmitting and the program gets " +
      `${errno} when it gives up (§5.14)`
    : `connect() fails with ${errno} (§4.3)`;
  return `${what} came back (frame ${w.unreachFrame}${count}) ${when}, and nothing more came ` +
    `from ${about} in the capture: it cannot be reached; ${next}.`;
}

/** syn-timeout */
export function synTimeout(c: TcpConn, w: WireFacts): string {
  const f = c.facts;
  const n = syns(c, CLIENT);
  const frames = n > 1 ? `frames ${w.firstSynFrame}–${w.lastSynFrame}` : `frame ${w.firstSynFrame}`;
  const iv = f.intervals?.length ? ` at intervals ${intervalList(f.intervals)}` : "";
  let left = "";
  if (w.captureEnd >= 0 && f.synTime >= 0) {
    const after = w.captureEnd - f.synTime;
    left = after < 127
      ? `; the capture ends ${secs(after)} after the first SYN, before connect() would give up`
      : `; the capture goes on ${secs(after)} after the first SYN`;
  }
  return `No answer to the SYN: sent ${n} time(s) (${frames})${iv} to ${ep(c, 1)} and ` +
    `nothing came back from it in the capture (host down, or a firewall drops it); ` +
    `connect() fails with ETIMEDOUT after about 127 s on Linux (tcp_syn_retries=6)${left} (§4.3).`;
}

/** keepalive-reset */
export function keepaliveReset(_c: TcpConn, w: WireFacts): string {
  const prober = peerOf(w.rstSide);
  return `A keepalive probe from the ${who(prober)} (frame ${w.rstAfterFrame}, after ≥ 1 s ` +
    `idle) was answered by RST from the ${who(w.rstSide)} (frame ${w.rstFrame}): the ` +
    `${who(w.rstSide)}'s TCP knows no such connection (it crashed and rebooted, or the ` +
    `connection was dropped); the ${who(prober)}'s program gets ECONNRESET (§7.5).`;
}

function probeIntervals(w: WireFacts, s: number): string {
  const ts = w.probeTimes?.[s] ?? [];
  const gaps = ts.slice(1).map((t, i) => Math.round((t - ts[i]) * 1e3) / 1e3);
  return gaps.length ? ` at intervals ${intervalList(gaps)}` : "";
}

/** keepalive-dead-peer */
export function keepaliveDead(c: TcpConn, w: WireFacts): string {
  const s = deadPeerProber(c, w);
  const end = w.rstSide === s
    ? `then the ${who(s)} sent RST (frame ${w.rstFrame}; Linux gives up this way) and its ` +
      `program gets ETIMEDOUT`
    : `the capture ends before the ${who(s)} gives up (ETIMEDOUT after idle + interval × count)`;
  return `${w.side[s].unanswered} keepalive probe(s) from the ${who(s)} (first at frame ` +
    `${w.side[s].probeFrame})${probeIntervals(w, s)} got nothing back from the ${
      who(peerOf(s))
    }: ` +
    `it is dead or unreachable; ${end} (§7.5).`;
}

/** simultaneous-close */
export function simultaneousClose(c: TcpConn): string {
  const acked = finAckedFrame(c, CLIENT) && finAckedFrame(c, SERVER)
    ? "both FINs were acknowledged"
    : "not every FIN was acknowledged in the capture";
  return `Simultaneous close: the FINs crossed (frames ${finFrame(c, CLIENT)} and ` +
    `${finFrame(c, SERVER)}); both sides go FIN-WAIT-1 → CLOSING → TIME-WAIT; ${acked} ` +
    `(TCPv1 §18.9).`;
}

/** server-process-terminated */
export function serverTerminated(c: TcpConn, w: WireFacts): string {
  const f = c.facts;
  const head = `The server closed first (FIN at frame ${finFrame(c, SERVER)}) and the client ` +
    `then wrote ${dataAfterPeerFin(c, CLIENT)} byte(s) (first at frame ` +
    `${w.side[CLIENT].dataAfterPeerFinFrame}): the pattern of §5.12, a server socket closed (its ` +
    `process ended, was killed, or called close(), §5.16) while the client still wrote`;
  if (f.rstSide === SERVER) {
    return `${head}; the server's TCP answered with RST (frame ${f.rstFrame}): the client ` +
      `reads EOF ("server terminated prematurely") or ECONNRESET, and a further write gets ` +
      `EPIPE (§5.12, §5.13).`;
  }
  return `${head}; the capture shows no RST from the server (it would answer that data with ` +
    `one if its process is gone).`;
}

/** server-crash-reboot */
export function crashReboot(c: TcpConn, w: WireFacts): string {
  const tries = retrans(c, CLIENT) > 0
    ? `; before it the client retransmitted ${retrans(c, CLIENT)} time(s)`
    : "";
  return `After ${ms(w.rstSilence)} of silence from the server, the client's segment (frame ` +
    `${w.rstAfterFrame}) was answered by RST (frame ${w.rstFrame}) without ACK and with seq = ` +
    `that segment's ACK: the server's TCP has no record of the connection (RFC 9293 ` +
    `§3.10.7.1), as after a crash and reboot, and it never sent FIN${tries}; the client's ` +
    `read fails with ECONNRESET (§5.15).`;
}

/** abort */
export function abort(c: TcpConn, w: WireFacts): string {
  const f = c.facts;
  const s = f.rstSide;
  const o = peerOf(s);
  const peer = who(o);
  if (!f.established) {
    if (s === CLIENT && synAcks(c, SERVER) === 0 && segs(c, SERVER) > 0) {
      return `The server answered the SYN with a segment that is no SYN,ACK (frame ` +
        `${
          w.side[SERVER].firstFrame
        }) and the client answered that with RST (frame ${f.rstFrame}), ` +
        `as RFC 9293 §3.10.7.3 has a SYN-SENT endpoint do for an ACK that does not acknowledge ` +
        `its SYN; the handshake did not complete in the capture (§4.3).`;
    }
    const when = synAcks(c, SERVER) > 0 ? "after the server's SYN,ACK" : "before any answer";
    return `The handshake did not complete: the ${who(s)} reset (frame ${f.rstFrame}) ${when} ` +
      `(§4.3).`;
  }
  const late = w.side[o].dataAfterPeerFinFrame;
  if (f.firstFinSide === s && late !== 0 && late < f.rstFrame) {
    return `The ${who(s)} closed first (FIN at frame ${finFrame(c, s)}); the ${peer} then sent ` +
      `${dataAfterPeerFin(c, o)} byte(s) (first at frame ${late}) and the ${who(s)}'s TCP ` +
      `answered with RST (frame ${f.rstFrame}): its socket was closed while data still came ` +
      `(close(), not shutdown(SHUT_WR), §6.6), so that data is lost and the ${peer} gets ` +
      `ECONNRESET (§7.5).`;
  }
  const shape = w.rstHasAck
    ? ""
    : ` It carries no ACK flag${w.rstSeqIsAck ? " and its seq is the " + peer + "'s ACK" : ""}: ` +
      `the way a TCP answers a segment for a connection it has no record of; the capture ` +
      `cannot tell why the ${who(s)} lost it.`;
  const after = bothFins(c)
    ? ` after both FINs (frames ${finFrame(c, CLIENT)} and ${finFrame(c, SERVER)})`
    : f.firstFinSide >= 0
    ? ` after the ${who(f.firstFinSide)}'s FIN (frame ${finFrame(c, f.firstFinSide)})`
    : "";
  if (f.rstAnswersData && w.rstAfterFrame) {
    return `The ${who(s)} reset the connection (frame ${f.rstFrame})${after} ${
      ms(w.rstAfterDt)
    } after the ${peer}'s data (frame ${w.rstAfterFrame}): an application abort (it closed ` +
      `with unread data, or SO_LINGER 0), the ${peer} gets ECONNRESET (§7.5).${shape}`;
  }
  const last = w.rstAfterFrame
    ? `right after the ${peer}'s segment at frame ${w.rstAfterFrame}`
    : `after its own segment at frame ${w.rstPrevOwnFrame}`;
  return `The ${who(s)} aborted the connection with RST (frame ${f.rstFrame})${after}, ${last}, ` +
    `without data just having arrived from the ${peer}: SO_LINGER with a zero timeout, or a ` +
    `process that exited with unread data; the ${peer} gets ECONNRESET (§7.5).${shape}`;
}

/** server-host-crash */
export function hostCrash(c: TcpConn, w: WireFacts): string {
  const f = c.facts;
  const s = stalledSide(c, w);
  const ivs = f.intervals ?? [];
  const iv = ivs.length ? ` at intervals ${intervalList(ivs)}` : "";
  const shape = ivs.length >= 3 && !backoffDoubles(ivs)
    ? " (the intervals do not double as RTO backoff should)"
    : "";
  return `The ${who(s)}'s unacknowledged segment was retransmitted ${w.side[s].sameRetrans} ` +
    `time(s)${iv}${shape}` +
    ` with no ACK, FIN or RST back from the ${who(peerOf(s))} (whose direction is in the ` +
    `capture): its host crashed or the path is down; the ${who(s)} gets ETIMEDOUT after about ` +
    `15 min on Linux (tcp_retries2=15; 9 min in the book); the last retransmission (frame ` +
    `${f.lastFrame}) is ${secs(span(f))} after the connection's first segment (§5.14).`;
}

/** half-close */
export function halfClose(c: TcpConn): string {
  const s = halfCloser(c);
  const o = peerOf(s);
  const end = finFrame(c, o)
    ? `then the ${who(o)} closed too (FIN at frame ${finFrame(c, o)})`
    : `the ${who(o)} has not closed when the capture ends`;
  return `Half-close: the ${who(s)} sent FIN first (frame ${finFrame(c, s)}) and the ${who(o)} ` +
    `kept sending ${dataAfterPeerFin(c, o)} byte(s) after it, taken without RST (the ` +
    `${who(s)} still read, as after shutdown(SHUT_WR)); ${end} (§6.6).`;
}

/** keepalive-alive */
export function keepaliveAlive(c: TcpConn, w: WireFacts): string {
  const s = w.side[0].answered >= w.side[1].answered ? 0 : 1;
  const end = bothFins(c) ? `; the connection later closed: ${ending(c)}` : "";
  return `Idle connection kept alive: ${w.side[s].probes} keepalive probe(s) from the ${who(s)} ` +
    `after ≥ 1 s idle (first at frame ${w.side[s].probeFrame})${probeIntervals(w, s)}, ` +
    `${w.side[s].answered} answered by the ${
      who(peerOf(s))
    }; the program sees nothing${end} (§7.5).`;
}

/** normal */
export function normal(c: TcpConn): string {
  const f = c.facts;
  const first = f.firstFinSide;
  const missing = [0, 1].filter((s) => !finAckedFrame(c, s)).map((s) =>
    `the ${who(s)}'s FIN was never acknowledged in the capture`
  );
  const merged = finAckedFrame(c, first) === finFrame(c, peerOf(first))
    ? "3-segment close (the ACK rode on the FIN)"
    : "4-segment close as in the book";
  const order = first === SERVER
    ? `the server closed first (FIN at frame ${finFrame(c, SERVER)}) and the client answered ` +
      `with its FIN (frame ${finFrame(c, CLIENT)}) without writing more, a normal ending ` +
      `(a client that still had input to send reports "server terminated prematurely", ` +
      `§5.12, §6.7; the packets cannot tell whether it had)`
    : `the client closed first (FIN at frame ${finFrame(c, CLIENT)}), the server then ` +
      `(frame ${finFrame(c, SERVER)})`;
  const tail = missing.length ? `; deviation: ${missing.join(", ")}` : "";
  return `Normal: handshake, ${bytes(c, CLIENT)} byte(s) from the client and ` +
    `${bytes(c, SERVER)} from the server; ${order}, ${merged}; the ${who(first)} holds ` +
    `TIME-WAIT for 2MSL${tail} (§5.6, §5.7).`;
}

/** open */
export function open(c: TcpConn, w: WireFacts): string {
  const f = c.facts;
  const s = onlySide(c);
  if (s >= 0) {
    const fin = finFrame(c, s) ? `, its FIN at frame ${finFrame(c, s)}` : ", no FIN";
    return `The ${who(s)} sent ${segs(c, s)} segment(s), ${bytes(c, s)} byte(s)${fin}; ` +
      `whether the ${who(peerOf(s))} answered or closed cannot be told from a one-sided capture.`;
  }
  const state = c.fsm ? `client ${c.fsm[0].state}, server ${c.fsm[1].state}` : "states not tracked";
  if (!f.established) {
    const n = syns(c, CLIENT);
    const soon = tooSoonToTell(c, w)
      ? `; the capture ends ${secs(w.captureEnd - f.synTime)} after the ` +
        `${n === 1 ? "only SYN" : `first of ${n} SYNs`} (frame ${w.firstSynFrame}), too soon ` +
        `to tell an unanswered SYN from a slow answer`
      : "";
    return `Handshake not completed when the capture ends (${state})${soon}.`;
  }
  const closing = f.firstFinSide >= 0
    ? `the ${who(f.firstFinSide)} sent FIN (frame ${finFrame(c, f.firstFinSide)}) and the ` +
      `${who(peerOf(f.firstFinSide))} had not closed when the capture ends`
    : "nothing went wrong in the part captured";
  return `Still open when the capture ends (${state}), ${bytes(c, CLIENT)} byte(s) from the ` +
    `client and ${bytes(c, SERVER)} from the server; ${closing}.`;
}
