/**
 * One sentence per scenario: what happened, what the book expects next, and
 * what deviates in this capture. Each reads only the connection's facts.
 * @module
 */
import {
  BYTES,
  DATA_AFTER_PEER_FIN,
  FIN_ACKED_FRAME,
  FIN_FRAME,
  KEEPALIVE_ACKS,
  KEEPALIVES,
  RETRANS,
  SYNS,
  UNANSWERED_KEEPALIVES,
  UNANSWERED_RETRANS,
} from "../tcp/conn.ts";
import type { TcpConn } from "../tcp/conn.ts";
import { backoffDoubles, icmpWords, intervalList, secs, span, who } from "./words.ts";
import { deadPeerProber, stalledSide } from "./scenarios.ts";

function ep(c: TcpConn, side: number): string {
  const e = side === 0 ? c.client : c.server;
  return e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
}

function ending(c: TcpConn): string {
  const f = c.facts;
  if (f.rstFrame) return `reset by the ${who(f.rstSide)} (frame ${f.rstFrame})`;
  if (f.p[FIN_FRAME] && f.p[FIN_FRAME + 1]) return "closed by both sides";
  if (f.firstFinSide >= 0) return `half-closed by the ${who(f.firstFinSide)}`;
  return "still open when the capture ends";
}

/** midstream */
export function midstream(c: TcpConn): string {
  return `No handshake in the capture (it started mid-connection): ${ep(c, 1)} is guessed to ` +
    `be the server (lower port); the connection is ${ending(c)}.`;
}

/** connection-refused */
export function refused(c: TcpConn): string {
  const f = c.facts;
  const tries = f.p[SYNS] > 1 ? ` after ${f.p[SYNS]} SYNs` : "";
  return `Connection refused: the SYN to ${ep(c, 1)} was answered by RST${tries} (no process ` +
    `listens on port ${c.server.port}); connect() fails with ECONNREFUSED (§4.3).`;
}

/** server-host-unreachable */
export function unreachable(c: TcpConn): string {
  const f = c.facts;
  const { what, errno } = icmpWords(f.icmpType, f.icmpCode);
  const count = f.icmpCount > 1 ? `, ${f.icmpCount} in all` : "";
  const when = f.established
    ? `while the client sent data (retransmitted ${f.p[RETRANS]} time(s))`
    : "in answer to the SYN";
  const next = f.established
    ? "Linux treats it as a soft error: it keeps retransmitting and the program gets " +
      `${errno} when it gives up (§5.14)`
    : `connect() fails at once with ${errno} instead of retrying (§4.3)`;
  return `${what} came back (first at frame ${f.icmpFrame}${count}) ${when}: ` +
    `${ep(c, 1)} cannot be reached; ${next}.`;
}

/** syn-timeout */
export function synTimeout(c: TcpConn): string {
  const f = c.facts;
  const iv = f.intervals ? ` at intervals ${intervalList(f.intervals)}` : "";
  const left = span(f) < 120
    ? `; the capture ends ${secs(span(f))} after the first SYN, before connect() gives up`
    : "";
  return `No answer to the SYN: sent ${f.p[SYNS]} time(s)${iv} to ${ep(c, 1)} (host down, or a ` +
    `firewall drops it); connect() fails with ETIMEDOUT after about 127 s on Linux ` +
    `(tcp_syn_retries=6, first retries ~1 s apart)${left} (§4.3).`;
}

/** keepalive-reset */
export function keepaliveReset(c: TcpConn): string {
  const f = c.facts;
  const prober = 1 - f.rstSide;
  return `A keepalive probe from the ${who(prober)} was answered by RST from the ` +
    `${who(f.rstSide)} (frame ${f.rstFrame}): the peer crashed and rebooted and knows no such ` +
    `connection; the ${who(prober)}'s program gets ECONNRESET (§7.5).`;
}

/** keepalive-dead-peer */
export function keepaliveDead(c: TcpConn): string {
  const f = c.facts;
  const s = deadPeerProber(c);
  const ts = f.keepaliveTimes ?? [];
  const gaps = ts.slice(1).map((t, i) => Math.round((t - ts[i]) * 1e3) / 1e3);
  const iv = gaps.length ? ` at intervals ${intervalList(gaps)}` : "";
  const end = f.rstSide === s
    ? `then the ${who(s)} sent RST (Linux gives up this way) and its program gets ETIMEDOUT`
    : `the capture ends before the ${who(s)} gives up (ETIMEDOUT after idle + interval × count)`;
  return `${f.p[UNANSWERED_KEEPALIVES + s]} keepalive probe(s) from the ${who(s)}${iv} went ` +
    `unanswered: the ${who(1 - s)} is dead or unreachable; ${end} (§7.5).`;
}

/** simultaneous-close */
export function simultaneousClose(c: TcpConn): string {
  const f = c.facts;
  const acked = f.p[FIN_ACKED_FRAME] && f.p[FIN_ACKED_FRAME + 1]
    ? "both FINs were acknowledged"
    : "not every FIN was acknowledged in the capture";
  return `Simultaneous close: the FINs crossed (frames ${f.p[FIN_FRAME]} and ${
    f.p[FIN_FRAME + 1]
  }); ` +
    `both sides go FIN-WAIT-1 → CLOSING → TIME-WAIT; ${acked} (TCPv1 §18.9).`;
}

/** server-process-terminated */
export function serverTerminated(c: TcpConn): string {
  const f = c.facts;
  const head =
    `The server closed first (FIN at frame ${f.p[FIN_FRAME + 1]}) while the client was ` +
    `still talking: the server process ended (killed, crashed, or shut down, §5.16)`;
  if (f.rstSide === 1) {
    const wrote = f.p[DATA_AFTER_PEER_FIN] > 0
      ? `its FIN arrived, the client wrote anyway (${f.p[DATA_AFTER_PEER_FIN]} byte(s)), the`
      : `the client wrote nothing after that FIN, yet the`;
    return `${head}; ${wrote} server's kernel answered RST (frame ${f.rstFrame}): ` +
      `the client reads EOF ("server ` +
      `terminated prematurely") or ECONNRESET, and a second write gets EPIPE (§5.12, §5.13).`;
  }
  if (f.p[FIN_FRAME]) {
    return `${head}; the client then closed too: a client that reads the socket reports ` +
      `"server terminated prematurely" (§5.12, §6.7).`;
  }
  return `${head}; the client is left in CLOSE-WAIT: its next write will draw an RST from the ` +
    `server (§5.12), which the capture does not show.`;
}

/** server-crash-reboot */
export function crashReboot(c: TcpConn): string {
  const f = c.facts;
  const tries = f.p[RETRANS] > 0
    ? `; before it, the client retransmitted ${f.p[RETRANS]} time(s) while the server was down`
    : "";
  return `The server answered the client's data with RST (frame ${f.rstFrame}) without ever ` +
    `sending FIN: the server host crashed and rebooted and knows no such connection${tries}; ` +
    `the client's read fails with ECONNRESET (§5.15).`;
}

/** abort */
export function abort(c: TcpConn): string {
  const f = c.facts;
  const s = f.rstSide;
  const after = f.firstFinSide >= 0 ? ` after the ${who(f.firstFinSide)}'s FIN` : "";
  return `The ${who(s)} aborted the connection with RST (frame ${f.rstFrame})${after} without ` +
    `data having just arrived from the ${who(1 - s)}: SO_LINGER with a zero timeout, or a ` +
    `process that exited with unread data; the ${who(1 - s)} gets ECONNRESET (§7.5).`;
}

/** server-host-crash */
export function hostCrash(c: TcpConn): string {
  const f = c.facts;
  const s = stalledSide(c);
  const ivs = f.intervals ?? [];
  const iv = ivs.length ? ` at intervals ${intervalList(ivs)}` : "";
  const shape = ivs.length >= 3 && !backoffDoubles(ivs)
    ? " (the intervals do not double as RTO backoff should)"
    : "";
  return `The ${who(s)}'s data was retransmitted ${
    f.p[UNANSWERED_RETRANS + s]
  } time(s)${iv}${shape} ` +
    `with no ACK, FIN or RST back: the ${who(1 - s)} host crashed or the path is down; the ` +
    `${who(s)} gets ETIMEDOUT after about 15 min on Linux (tcp_retries2=15; 9 min in the ` +
    `book), the capture ends ${secs(span(f))} after the first segment (§5.14).`;
}

/** half-close */
export function halfClose(c: TcpConn): string {
  const f = c.facts;
  const end = f.p[FIN_FRAME + 1]
    ? `then the server closed (FIN at frame ${f.p[FIN_FRAME + 1]}): every echo arrived`
    : "the server has not closed yet when the capture ends";
  return `Half-close: the client sent FIN (frame ${f.p[FIN_FRAME]}, shutdown SHUT_WR) and the ` +
    `server kept sending ${f.p[DATA_AFTER_PEER_FIN + 1]} byte(s) after it; ${end} (§6.6).`;
}

/** keepalive-alive */
export function keepaliveAlive(c: TcpConn): string {
  const f = c.facts;
  const s = f.p[KEEPALIVES] >= f.p[KEEPALIVES + 1] ? 0 : 1;
  return `Idle connection kept alive: ${f.p[KEEPALIVES + s]} keepalive probe(s) from the ` +
    `${who(s)}, ${f.p[KEEPALIVE_ACKS + 1 - s]} answered by ACK; the connection stays up and the ` +
    `program sees nothing (§7.5).`;
}

/** normal */
export function normal(c: TcpConn): string {
  const f = c.facts;
  const first = f.firstFinSide;
  const missing = [0, 1].filter((s) => !f.p[FIN_ACKED_FRAME + s]).map((s) =>
    `the ${who(s)}'s FIN was never acknowledged in the capture`
  );
  const merged = f.p[FIN_ACKED_FRAME + first] === f.p[FIN_FRAME + 1 - first]
    ? "3-segment close (the ACK rode on the FIN, as Linux does)"
    : "4-segment close as in the book";
  const tail = missing.length ? `; deviation: ${missing.join(", ")}` : "";
  return `Normal: handshake, ${f.p[BYTES]} byte(s) from the client and ${
    f.p[BYTES + 1]
  } from the ` +
    `server, ${merged}; the ${who(first)} holds TIME-WAIT for 2MSL${tail} (§5.6, §5.7).`;
}

/** open */
export function open(c: TcpConn): string {
  const f = c.facts;
  const state = c.fsm ? `client ${c.fsm[0].state}, server ${c.fsm[1].state}` : "states not tracked";
  if (!f.established) {
    return `Handshake not completed when the capture ends (${state}).`;
  }
  return `Still open when the capture ends (${state}), ${f.p[BYTES]} byte(s) from the client ` +
    `and ${f.p[BYTES + 1]} from the server; nothing went wrong in the part captured.`;
}
