/**
 * One table-driven check per scenario rule (lib/explain/scenarios.ts), on
 * hand-built captures: each row is "STATE/event -> verdict", named like
 * smoltcp's state/event tests. Each rule needs the book's wire evidence and
 * nothing less, so most rows come in pairs: the evidence, and the ordinary
 * traffic that only looks like it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { BuiltSegment } from "../support/explain_build.ts";
import { buildMixedPcap, type BuiltIcmp } from "../support/explain_icmp.ts";
import { explainBytes } from "../support/explain_run.ts";

const CI = 1000, SI = 5000;
/** A segment from the client (A); seq/ack relative to the ISNs. */
const C = (flags: string, seq: number, ack: number, t: number, len = 0): BuiltSegment => ({
  fromA: true,
  flags,
  seq: CI + seq,
  ack: ack < 0 ? 0 : SI + ack,
  len,
  t,
});
/** A segment from the server (B). */
const S = (flags: string, seq: number, ack: number, t: number, len = 0): BuiltSegment => ({
  fromA: false,
  flags,
  seq: SI + seq,
  ack: ack < 0 ? 0 : CI + ack,
  len,
  t,
});
/** Handshake and one echo of 5 bytes (client 1..6, server 1..6), ending at t = 0.02. */
const OPEN: BuiltSegment[] = [
  C("S", 0, -1, 0),
  S("SA", 0, 1, 0.001),
  C("A", 1, 1, 0.002),
  C("PA", 1, 1, 0.01, 5),
  S("A", 1, 6, 0.011),
  S("PA", 1, 6, 0.015, 5),
  C("A", 6, 6, 0.02),
];

interface Row {
  name: string;
  segs: (BuiltSegment | BuiltIcmp)[];
  scenario: string;
  /** Patterns the sentence must contain / must not contain. */
  says?: RegExp[];
  never?: RegExp[];
  phase?: string;
}

const ROWS: Row[] = [
  {
    name: "ESTABLISHED/server FIN, client FIN -> normal (the server closed first)",
    segs: [...OPEN, S("FA", 6, 6, 0.1), C("FA", 6, 7, 0.101), S("A", 7, 7, 0.102)],
    scenario: "normal",
    says: [/server closed first \(FIN at frame 8\)/, /cannot tell/],
    never: [/still talking|still wrote/],
  },
  {
    name: "CLOSE-WAIT/client data after the server's FIN, server RST -> server-process-terminated",
    segs: [
      ...OPEN,
      S("FA", 6, 6, 0.1),
      C("A", 6, 7, 0.101),
      C("PA", 6, 7, 1.0, 4),
      S("R", 7, -1, 1.0001),
    ],
    scenario: "server-process-terminated",
    says: [/FIN at frame 8/, /first at frame 10/, /RST \(frame 11\)/],
  },
  {
    name:
      "CLOSE-WAIT/client data after the server's FIN, capture ends -> server-process-terminated",
    segs: [...OPEN, S("FA", 6, 6, 0.1), C("A", 6, 7, 0.101), C("PA", 6, 7, 1.0, 4)],
    scenario: "server-process-terminated",
    says: [/shows no RST/],
  },
  {
    name: "CLOSE-WAIT/client data the server acknowledges, both FINs -> half-close (server first)",
    segs: [
      ...OPEN,
      S("FA", 6, 6, 0.1),
      C("PA", 6, 7, 0.2, 4),
      S("A", 7, 10, 0.201),
      C("FA", 10, 7, 0.3),
      S("A", 7, 11, 0.301),
    ],
    scenario: "half-close",
    says: [/server sent FIN first \(frame 8\)/],
  },
  {
    name: "FIN-WAIT-2/server FIN acknowledged, capture ends -> open",
    segs: [...OPEN, S("FA", 6, 6, 0.1), C("A", 6, 7, 0.101)],
    scenario: "open",
    says: [/server sent FIN \(frame 8\)/],
  },
  {
    name: "ESTABLISHED/1-byte segment at nextseq-1 without idle time, both FINs -> normal",
    segs: [
      ...OPEN,
      C("PA", 5, 6, 0.03, 1),
      S("A", 6, 6, 0.031),
      C("FA", 6, 6, 0.05),
      S("FA", 6, 7, 0.051),
      C("A", 7, 7, 0.052),
    ],
    scenario: "normal",
    never: [/keepalive/],
  },
  {
    name: "ESTABLISHED/probe after 2 s idle answered -> keepalive-alive",
    segs: [...OPEN, C("A", 5, 6, 2.02), S("A", 6, 6, 2.021)],
    scenario: "keepalive-alive",
    says: [/first at frame 8/, /1 answered/],
    phase: "keepalive",
  },
  {
    name: "ESTABLISHED/two probes after idle, nothing back -> keepalive-dead-peer",
    segs: [...OPEN, C("A", 5, 6, 2.02), C("A", 5, 6, 3.02), C("A", 5, 6, 4.02)],
    scenario: "keepalive-dead-peer",
    says: [/3 keepalive probe\(s\) from the client \(first at frame 8\)/],
  },
  {
    name: "TIME-WAIT/probes after both FINs -> not keepalive-dead-peer",
    segs: [
      ...OPEN,
      C("FA", 6, 6, 0.05),
      S("FA", 6, 7, 0.051),
      C("A", 7, 7, 0.052),
      C("A", 6, 7, 2.1),
      C("A", 6, 7, 3.1),
    ],
    scenario: "normal",
  },
  {
    name: "ESTABLISHED/probe after idle answered by RST -> keepalive-reset",
    segs: [...OPEN, C("A", 5, 6, 2.02), S("R", 6, -1, 2.021)],
    scenario: "keepalive-reset",
    says: [/frame 8/, /RST .*frame 9/],
  },
  {
    name: "ESTABLISHED/ICMP fragmentation needed, session goes on -> normal + path MTU",
    segs: [
      ...OPEN.slice(0, 3),
      C("PA", 1, 1, 0.01, 5),
      { icmpCode: 4, quote: C("PA", 1, 1, 0.01, 5), t: 0.011 },
      C("PA", 1, 1, 0.012, 5),
      S("A", 1, 6, 0.013),
      C("FA", 6, 1, 0.05),
      S("FA", 1, 7, 0.051),
      C("A", 7, 2, 0.052),
    ],
    scenario: "normal",
    says: [/Path MTU: .*frame 5/],
    never: [/unreachable host\b(?! *\.)|cannot be reached/],
    phase: "path-mtu",
  },
  {
    name:
      "ESTABLISHED/ICMP host unreachable, nothing more from the server -> server-host-unreachable",
    segs: [
      ...OPEN,
      C("PA", 6, 6, 0.1, 5),
      { icmpCode: 1, quote: C("PA", 6, 6, 0.1, 5), t: 0.101 },
      C("PA", 6, 6, 0.4, 5),
      { icmpCode: 1, quote: C("PA", 6, 6, 0.4, 5), t: 0.401 },
    ],
    scenario: "server-host-unreachable",
    says: [/ICMP host unreachable came back \(frame 9, 2 in all\)/],
  },
  {
    name: "SYN-SENT/SYN x3, nothing back -> syn-timeout (the capture's end stated truly)",
    segs: [C("S", 0, -1, 0), C("S", 0, -1, 1), C("S", 0, -1, 3)],
    scenario: "syn-timeout",
    says: [/sent 3 time\(s\) \(frames 1–3\)/, /capture ends 3 s after the first SYN/],
    never: [/one-sided/],
  },
  {
    name: "SYN-SENT/one SYN as the capture ends -> open (too soon to tell)",
    segs: [C("S", 0, -1, 0)],
    scenario: "open",
    says: [/too soon to tell/],
  },
  {
    name: "SYN-SENT/bare ACK from the server, client RST -> abort (not syn-timeout)",
    segs: [C("S", 0, -1, 0), S("A", 1, 0, 0.001), C("R", 0, -1, 0.002)],
    scenario: "abort",
    says: [/no SYN,ACK \(frame 2\)/, /RST \(frame 3\)/],
  },
  {
    name:
      "ESTABLISHED/silence, client data, RST without ACK and seq = its ACK -> server-crash-reboot",
    segs: [...OPEN, C("PA", 6, 6, 0.5, 4), S("R", 6, -1, 0.5001)],
    scenario: "server-crash-reboot",
    says: [/frame 8/, /RST \(frame 9\) without ACK/],
  },
  {
    name: "ESTABLISHED/RST,ACK 7 ms after the server's own data -> abort (not a reboot)",
    segs: [...OPEN, C("PA", 6, 6, 0.017, 4), S("RA", 6, 10, 0.022)],
    scenario: "abort",
    says: [/application abort/, /frame 9/],
    never: [/reboot/],
  },
  {
    name: "ESTABLISHED/RST without ACK right after an exchange -> abort",
    segs: [...OPEN, C("PA", 6, 6, 0.021, 4), S("R", 6, -1, 0.0211)],
    scenario: "abort",
    says: [/no ACK flag/, /cannot tell/],
  },
  {
    name:
      "FIN-WAIT-1/server data after the client's FIN, client RST -> abort (closed, not shut down)",
    segs: [
      ...OPEN,
      C("FA", 6, 6, 0.03),
      S("PA", 6, 6, 0.031, 8),
      S("FA", 14, 6, 0.032),
      C("R", 7, -1, 0.033),
    ],
    scenario: "abort",
    says: [/client closed first \(FIN at frame 8\)/, /first at frame 9/, /RST \(frame 11\)/],
  },
  {
    name: "ESTABLISHED/client data retransmitted with nothing back -> server-host-crash",
    segs: [
      ...OPEN,
      C("PA", 6, 6, 0.1, 4),
      C("PA", 6, 6, 0.3, 4),
      C("PA", 6, 6, 0.7, 4),
      C("PA", 6, 6, 1.5, 4),
    ],
    scenario: "server-host-crash",
    says: [/retransmitted 3 time\(s\)/],
    phase: "stall",
  },
  {
    name:
      "one-sided/client direction only, retransmissions -> open, says the server's direction is missing",
    segs: [
      C("S", 0, -1, 0),
      C("A", 1, 1, 0.002),
      C("PA", 1, 1, 0.01, 5),
      C("PA", 1, 1, 0.3, 5),
      C("PA", 1, 1, 0.7, 5),
      C("PA", 1, 1, 1.5, 5),
    ],
    scenario: "open",
    says: [/server's segments are missing/, /cannot be told from a one-sided capture/],
    never: [/crash/],
  },
  {
    name: "ESTABLISHED/client FIN, server data after it, server FIN -> half-close",
    segs: [
      ...OPEN.slice(0, 3),
      C("FA", 1, 1, 0.01),
      S("PA", 1, 2, 0.02, 8),
      C("A", 2, 9, 0.021),
      S("FA", 9, 2, 0.03),
      C("A", 2, 10, 0.031),
    ],
    scenario: "half-close",
    says: [/client sent FIN first \(frame 4\)/, /8 byte\(s\)/],
  },
  {
    name: "ESTABLISHED/FINs crossed -> simultaneous-close",
    segs: [
      ...OPEN,
      C("FA", 6, 6, 0.1),
      S("FA", 6, 6, 0.1001),
      C("A", 7, 7, 0.101),
      S("A", 7, 7, 0.1011),
    ],
    scenario: "simultaneous-close",
    says: [/frames 8 and 9/],
  },
  {
    name: "SYN-SENT/RST,ACK from the server -> connection-refused",
    segs: [C("S", 0, -1, 0), S("RA", 0, 1, 0.001)],
    scenario: "connection-refused",
    says: [/RST \(frame 2\)/],
  },
];

for (const row of ROWS) {
  test(`scenario: ${row.name}`, async () => {
    const conns = await explainBytes(buildMixedPcap(row.segs));
    assert.equal(conns.length, 1, conns.map((c) => c.summary).join("\n"));
    const c = conns[0];
    assert.equal(c.scenario, row.scenario, c.summary);
    for (const re of row.says ?? []) assert.match(c.summary, re);
    for (const re of row.never ?? []) assert.doesNotMatch(c.summary, re);
    if (row.phase) {
      assert.ok(c.phases.some((p) => p.name === row.phase), JSON.stringify(c.phases));
    }
  });
}
