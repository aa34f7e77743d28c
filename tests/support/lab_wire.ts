/**
 * An independent reading of a lab capture with tshark (not tcpecho's own
 * decoder), and the wire sequence each docs/scenarios.md scenario must show. Not a test file.
 * @module
 */
import { spawnSync } from "node:child_process";

/** One TCP segment or ICMP error, as tshark reads it. */
export interface WirePacket {
  frame: number;
  /** Sent by the client (198.18.0.1 or 2001:db8::1). */
  fromClient: boolean;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  len: number;
  /** ICMP type/code for an ICMP error, else undefined. */
  icmp?: { type: number; code: number };
  retransmission: boolean;
  keepalive: boolean;
}

const FIELDS = [
  "frame.number",
  "ip.src",
  "ipv6.src",
  "tcp.flags.syn",
  "tcp.flags.ack",
  "tcp.flags.fin",
  "tcp.flags.reset",
  "tcp.len",
  "icmp.type",
  "icmp.code",
  "tcp.analysis.retransmission",
  "tcp.analysis.keep_alive",
];

/** Reads a capture's TCP and ICMP packets with tshark. */
export function readWire(file: string): WirePacket[] {
  const r = spawnSync("tshark", [
    "-r",
    file,
    "-T",
    "fields",
    "-E",
    "separator=/t",
    ...FIELDS.flatMap((f) => ["-e", f]),
    "-Y",
    "tcp or icmp",
  ], { timeout: 30_000 });
  if (r.status !== 0) throw new Error(`tshark failed on ${file}: ${r.stderr?.toString()}`);
  return r.stdout.toString().trim().split("\n").filter((l) => l !== "").map((line) => {
    const f = line.split("\t");
    const src = (f[1] || f[2]).split(",")[0];
    const icmp = f[8] ? { type: Number(f[8]), code: Number(f[9]) } : undefined;
    return {
      frame: Number(f[0]),
      fromClient: src === "198.18.0.1" || src === "2001:db8::1",
      syn: f[3] === "1" || f[3] === "True",
      ack: f[4] === "1" || f[4] === "True",
      fin: f[5] === "1" || f[5] === "True",
      rst: f[6] === "1" || f[6] === "True",
      len: Number(f[7] || 0),
      icmp,
      retransmission: f[10] !== undefined && f[10] !== "",
      keepalive: f[11] !== undefined && f[11] !== "",
    };
  });
}

const idx = (ps: WirePacket[], pred: (p: WirePacket) => boolean) => ps.findIndex(pred);
const lastIdx = (ps: WirePacket[], pred: (p: WirePacket) => boolean) => ps.findLastIndex(pred);
const tcp = (ps: WirePacket[]) => ps.filter((p) => !p.icmp);
const C = (p: WirePacket) => p.fromClient;
const S = (p: WirePacket) => !p.fromClient;

/** Handshake first: C SYN, S SYN+ACK, C ACK. */
function handshake(ps: WirePacket[]): string | undefined {
  const [a, b, c] = tcp(ps);
  const ok = a && b && c && C(a) && a.syn && !a.ack && S(b) && b.syn && b.ack && C(c) &&
    !c.syn && c.ack;
  return ok ? undefined : "no three-way handshake at the start";
}

/** What must hold on the wire for each lab scenario (undefined = holds; else why not). */
export const WIRE_CHECKS: Record<string, (ps: WirePacket[]) => string | undefined> = {
  normal: (ps) =>
    handshake(ps) ??
      (ps.some((p) => p.rst) ? "an RST" : undefined) ??
      (idx(ps, (p) => C(p) && p.fin) < 0 || idx(ps, (p) => S(p) && p.fin) <
          idx(ps, (p) => C(p) && p.fin)
        ? "the client's FIN does not come first"
        : undefined),
  "half-close": (ps) => {
    const cfin = idx(ps, (p) => C(p) && p.fin);
    if (cfin < 0) return "no client FIN";
    if (!ps.slice(cfin + 1).some((p) => S(p) && p.len > 0)) return "no server data after C FIN";
    return ps.some((p) => p.rst) ? "an RST" : handshake(ps);
  },
  "server-process-terminated": (ps) => {
    const sfin = idx(ps, (p) => S(p) && p.fin);
    const cfin = idx(ps, (p) => C(p) && p.fin);
    if (sfin < 0) return "no server FIN";
    if (cfin >= 0 && cfin < sfin) return "the client closed first";
    if (!ps.slice(0, sfin).some((p) => S(p) && p.len > 0)) return "no echo before the FIN";
    return ps.some((p) => S(p) && p.rst && idx(ps, (q) => q === p) < sfin)
      ? "server RST before its FIN"
      : handshake(ps);
  },
  "server-process-terminated-naive": (ps) => {
    const wrong = WIRE_CHECKS["server-process-terminated"](ps);
    if (wrong) return wrong;
    const sfin = idx(ps, (p) => S(p) && p.fin);
    const data = ps.findIndex((p, i) => i > sfin && C(p) && p.len > 0);
    if (data < 0) return "no client data after the server's FIN";
    if (!ps.slice(sfin + 1, data).some((p) => C(p) && p.ack && p.len === 0 && !p.fin)) {
      return "no ACK of the FIN before the client's data";
    }
    const rst = ps.findIndex((p, i) => i > data && S(p) && p.rst);
    return rst < 0 ? "no server RST after the client's data" : undefined;
  },
  "server-host-crash": (ps) => {
    const lastS = lastIdx(ps, S);
    const retrans = ps.slice(lastS + 1).filter((p) => C(p) && p.len > 0 && p.retransmission);
    if (retrans.length < 2) {
      return `only ${retrans.length} retransmission(s) after the server's last`;
    }
    return ps.some((p) => p.rst || p.fin || p.icmp) ? "FIN, RST or ICMP seen" : handshake(ps);
  },
  "server-host-unreachable": (ps) => {
    const icmp = ps.filter((p) => p.icmp && S(p));
    if (!icmp.some((p) => p.icmp!.type === 3 && p.icmp!.code === 1)) {
      return "no ICMP host unreachable (type 3 code 1) from the server side";
    }
    return ps.some((p) => p.rst || (S(p) && p.fin)) ? "RST or server FIN seen" : handshake(ps);
  },
  "server-crash-reboot": (ps) => {
    const lastData = lastIdx(ps, (p) => C(p) && p.len > 0);
    const rst = idx(ps, (p) => S(p) && p.rst);
    if (rst < 0 || rst < lastData) return "no server RST after the client's write";
    if (ps.slice(0, lastData).some((p) => S(p) && (p.fin || p.rst))) {
      return "a FIN or RST left the server before the client's write";
    }
    return ps.some((p) => S(p) && p.fin) ? "a server FIN" : handshake(ps);
  },
  "connection-refused": (ps) => {
    const t = tcp(ps);
    return t.length === 2 && C(t[0]) && t[0].syn && S(t[1]) && t[1].rst && t[1].ack
      ? undefined
      : "not exactly SYN then RST,ACK";
  },
  "syn-timeout": (ps) => {
    const syns = ps.filter((p) => C(p) && p.syn);
    if (syns.length < 2) return `only ${syns.length} SYN(s)`;
    return ps.some(S) ? "something came back from the server" : undefined;
  },
  "keepalive-alive": (ps) => {
    const ka = idx(ps, (p) => C(p) && p.keepalive);
    if (ka < 0) return "no keepalive probe";
    if (!ps.slice(ka + 1).some((p) => S(p) && p.ack && !p.rst)) return "probe not answered";
    return ps.some((p) => p.rst) ? "an RST" : handshake(ps);
  },
  "keepalive-dead-peer": (ps) => {
    const lastS = lastIdx(ps, S);
    const probes = ps.slice(lastS + 1).filter((p) => C(p) && p.keepalive);
    if (probes.length < 2) return `only ${probes.length} unanswered probe(s)`;
    return ps.slice(lastS + 1).some((p) => C(p) && p.rst) ? handshake(ps) : "no client RST";
  },
  "keepalive-reset": (ps) => {
    const rst = idx(ps, (p) => S(p) && p.rst);
    if (rst < 1 || !(C(ps[rst - 1]) && ps[rst - 1].keepalive)) return "no RST right after a probe";
    if (ps.slice(0, rst).some((p) => S(p) && (p.fin || p.rst))) return "server FIN/RST before";
    return handshake(ps);
  },
  abort: (ps) => {
    const rst = idx(ps, (p) => S(p) && p.rst);
    if (rst < 0) return "no server RST";
    if (ps.slice(0, rst).some((p) => p.fin)) return "a FIN before the RST";
    return ps.slice(0, rst).some((p) => S(p) && p.len > 0) ? handshake(ps) : "no echo before RST";
  },
};
WIRE_CHECKS["normal-ipv6"] = WIRE_CHECKS.normal;
