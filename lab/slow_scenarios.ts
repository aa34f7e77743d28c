/**
 * The slow-connection cases (docs/slow.md) as lab recipes: each makes one
 * cause of slowness on real kernel TCP with tcpecho's own serve and connect,
 * and says what explain's time attribution must name. They run with a router
 * namespace between client and server (drops go in its forward hook: dropped
 * in the sender's own output hook, a packet counts as unsent and is resent
 * within microseconds), serve and connect pinned to CPU 0 (unpinned, veth
 * reorders packets and the control is not clean), and the kernel's own TCP
 * timers (nothing shortened: the timeouts are what is measured).
 * @module
 */
import { LAB_PORT } from "./names.ts";
import type { ExplainVerdict } from "./explain.ts";
import type { LabScenario } from "./scenarios.ts";
import type { LabSession } from "./session.ts";
import { waitUntil } from "./wait.ts";

/** The nft table of the router's faults. */
const TABLE = "inet tcpecho_slow";

const port = String(LAB_PORT);
const target = (s: LabSession) => ["connect", s.serverAddr, port];

/** Adds one rule to the router's forward hook. */
function routerRule(s: LabSession, rule: string, what: string): void {
  s.net.nft(
    "router",
    `add table ${TABLE}; add chain ${TABLE} hold ` +
      `{ type filter hook forward priority 0; policy accept; }; add rule ${TABLE} hold ${rule}`,
  );
  s.note(`nft (router): ${what}`);
}

/** Removes the router's rules. */
function routerClear(s: LabSession): void {
  s.net.exec("router", ["nft", `delete table ${TABLE}`]);
  s.note("nft (router): rule removed");
}

/** Packets the router's rule has dropped (its counter). */
function dropped(s: LabSession): number {
  const out = s.net.exec("router", ["nft", `list table ${TABLE}`]);
  return Number(/packets (\d+)/.exec(out)?.[1] ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds of one cause in explain's timing (0 when absent). */
function secondsOf(v: ExplainVerdict, cause: string): number {
  return v.timing?.seconds[cause] ?? 0;
}

/** How the time went, for a failure message: "loss 1.21 s, transfer 0.02 s; slow: loss". */
function shares(v: ExplainVerdict): string {
  const t = v.timing;
  if (!t) return "no timing";
  const parts = Object.entries(t.seconds).filter(([, x]) => x >= 0.0005)
    .map(([k, x]) => `${k} ${x.toFixed(3)} s`);
  const stall = t.largestStall ? `; largest stall ${t.largestStall.kind}` : "";
  return `${parts.join(", ")}${stall}; slow: ${v.slow ? v.slow.cause : "none"}`;
}

/** The first failed condition's text with the shares, or undefined when all hold. */
function first(v: ExplainVerdict, conditions: [boolean, string][]): string | undefined {
  if (!v.timing) return "explain gave no timing";
  const bad = conditions.find(([ok]) => !ok);
  return bad ? `${bad[1]} (${shares(v)})` : undefined;
}

const timeouts = (v: ExplainVerdict): number =>
  (v.timing?.stalls ?? []).filter((x) => x.kind === "rto" || x.kind === "tlp").length;

/** serve, then connect with `args`, wait for it to end. */
async function plain(s: LabSession, serve: string[], args: string[], waitMs = 30_000) {
  await s.startServer(serve);
  const c = s.startClient([...target(s), ...args]);
  await s.waitExit(c, waitMs, "let the client finish");
}

/**
 * A discard server reading 4 MiB at a time: on Bun --max-buffer is also the
 * socket's SO_RCVBUF (the default 64 KiB kept the window full: the pinned
 * server shares its CPU with the client, and the control read as slow).
 */
const BIG_DISCARD = ["--discard", "--max-buffer", String(4 << 20)];

/** The clean control: 24 MiB to a discard server over a 100 Mbit/s link, nothing in the way. */
async function control(s: LabSession) {
  bottleneck(s);
  await plain(s, BIG_DISCARD, ["--bulk", String(CONTROL_BYTES), "--discard"]);
}

/** The control's transfer: 2 s at the bottleneck's rate. */
const CONTROL_BYTES = 24 << 20;

/**
 * A 100 Mbit/s link towards the server (tc tbf on the router): the path, not
 * the receiving program, sets the pace, as on a real network. Without it the
 * veth pair outruns the server (measured on Bun: a zero window for 30-45% of
 * the transfer, which explain rightly calls slow). 100 ms of queue: with 10 ms
 * the queue overflowed and loss recovery took 16-26% of the time.
 */
function bottleneck(s: LabSession): void {
  const dev = s.net.names.routerServerDev;
  s.net.exec("router", [
    "tc",
    "qdisc",
    "add",
    "dev",
    dev,
    "root",
    "tbf",
    "rate",
    "100mbit",
    "burst",
    "64kb",
    "latency",
    "100ms",
  ]);
  s.note("router: a 100 Mbit/s link towards the server (tc tbf, 100 ms of queue)");
}

/** 5% of the client's full-sized segments dropped at random by the router. */
async function randomLoss(s: LabSession) {
  routerRule(
    s,
    `tcp dport ${port} ip length > 1000 numgen random mod 100 < 5 drop`,
    "drop 5% of the client's full-sized segments at random (numgen random)",
  );
  // Over the control's link too: 2 s at the path's pace, so the server's drain
  // at the end (0.2 s seen at load 37 without it) stays a small share.
  bottleneck(s);
  await plain(s, BIG_DISCARD, ["--bulk", String(CONTROL_BYTES), "--discard"]);
}

/** The one request is dropped for 1 s: only timeouts can repair a tail loss. */
async function tailLoss(s: LabSession) {
  routerRule(
    s,
    `tcp dport ${port} tcp flags & (syn | fin | rst) == 0 ip length > 52 drop`,
    "drop the client's data segments (its only request, the tail of what it sends)",
  );
  await s.startServer([]);
  const c = s.startClient([...target(s), "--count", "1", "--size", "100"]);
  await s.waitFor(c, "stdout", "ECHO", 15_000, "see the client connect");
  await sleep(1000);
  s.note("1 s after the request was first sent");
  routerClear(s);
  await s.waitExit(c, 30_000, "let the client get its echo");
}

/** The first SYN is dropped: the handshake waits for the SYN's retransmission (1 s). */
async function synDrop(s: LabSession) {
  routerRule(
    s,
    `tcp dport ${port} tcp flags & (syn | ack) == syn counter drop`,
    "drop the client's SYNs",
  );
  await s.startServer([]);
  const c = s.startClient([...target(s), "--count", "1", "--size", "100"]);
  // The client's start-up time varies with the load: wait for the drop itself.
  await waitUntil(() => dropped(s) > 0, 15_000, "see the first SYN dropped", s.signal);
  s.note("the first SYN was dropped (the rule's counter)");
  routerClear(s);
  await s.waitExit(c, 30_000, "let the client finish");
}

/** A server with a 16 KiB receive buffer reading 64,000 bytes a second. */
function slowReader(s: LabSession) {
  // The window the server offers in its SYN-ACK must fit the small buffer: set
  // after accept alone, SO_RCVBUF shrank a buffer the client had already been
  // offered more of, the kernel dropped what did not fit, and the run read as
  // retransmission timeouts (measured: a third of the bytes retransmitted).
  s.net.exec("server", ["sh", "-c", `echo '4096 16384 16384' > /proc/sys/net/ipv4/tcp_rmem`]);
  s.note("server: net.ipv4.tcp_rmem = 4096 16384 16384 (its namespace only)");
  return plain(
    s,
    ["--discard", "--read-rate", "64000", "--rcvbuf", "16384", "--max-buffer", "16384"],
    ["--bulk", String(128 << 10), "--discard"],
  );
}

/** 10 requests of 100 bytes, each written in two writes, answered once whole. */
function writeWriteRead(nodelay: "on" | "off") {
  return (s: LabSession) =>
    plain(
      s,
      ["--lines"],
      ["--count", "10", "--interval", "0", "--size", "100", "--writes", "2", "--nodelay", nodelay],
    );
}

/** A server that thinks 2 s before answering the one request. */
function serverThinks(s: LabSession) {
  return plain(s, ["--lines", "--delay", "2000"], [
    "--count",
    "1",
    "--size",
    "100",
  ]);
}

/** MTU 1280 on the router's server side, its ICMP "fragmentation needed" dropped. */
async function pmtuBlackHole(s: LabSession) {
  const dev = s.net.names.routerServerDev;
  s.net.exec("router", ["ip", "link", "set", dev, "mtu", "1280"]);
  s.note("router: MTU 1280 towards the server (both ends keep 1500 and say MSS 1460)");
  s.net.nft(
    "router",
    `add table ${TABLE}; add chain ${TABLE} out ` +
      `{ type filter hook output priority 0; policy accept; }; ` +
      `add rule ${TABLE} out icmp type destination-unreachable drop`,
  );
  s.note("nft (router): drop its own ICMP destination unreachable (fragmentation needed)");
  await s.startServer([]);
  const c = s.startClient([...target(s), "--bulk", "8000"]);
  await s.waitFor(c, "stdout", "BULK", 15_000, "see the client connect");
  await sleep(4000);
  c.kill("SIGTERM");
  s.note("4 s later: the client is stopped (SIGTERM), as a user gives up");
  await s.waitExit(c, 10_000, "let the client stop");
}

/** The slow-connection scenarios, in the order `tcpecho lab slow` runs them. */
export const SLOW_SCENARIOS: readonly LabScenario[] = [
  {
    id: "slow-control",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "control: 24 MiB bulk over a 100 Mbit/s link, nothing in the way",
    book: "every byte sent, exit 0; no slowness",
    expect: { exit: 0 },
    run: control,
    slow: {
      cause: "none",
      expect: "no slowness sentence, under 0.05 s of loss time",
      check: (v) =>
        first(v, [
          [!v.slow, "a slowness sentence on the clean control"],
          // On a busy machine a pinned receiver can answer late enough for one
          // tail-loss probe (measured: 6 ms at load 17); never a real timeout.
          [secondsOf(v, "loss") < 0.05, "0.05 s or more of loss time on the clean control"],
          [v.timing?.client.goodBytes === CONTROL_BYTES, "not all the bytes from the client"],
        ]),
    },
  },
  {
    id: "slow-random-loss",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "the control's 24 MiB, the router drops 5% of the client's segments",
    book: "every byte sent, exit 0; retransmissions",
    expect: { exit: 0 },
    simulated: "nft numgen random in the router's forward hook: a lossy path",
    run: randomLoss,
    slow: {
      cause: "loss",
      expect: "retransmitted bytes and loss time; a slowness sentence, if any, names loss",
      check: (v) =>
        first(v, [
          [(v.timing?.client.retransmittedBytes ?? 0) > 0, "no retransmitted bytes"],
          [secondsOf(v, "loss") > 0, "no loss time"],
          // Over the 100 Mbit/s link the queue makes the RTT long enough for loss
          // recovery to cost 30% of the time: a loss sentence, or none, never another.
          [!v.slow || v.slow.cause === "loss", "a slowness sentence that is not loss"],
        ]),
    },
  },
  {
    id: "slow-tail-loss",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "the one request dropped for 1 s: timeouts with backoff",
    book: "the echo arrives late, exit 0",
    expect: { exit: 0 },
    simulated: "nft in the router's forward hook drops the client's data for 1 s",
    run: tailLoss,
    slow: {
      cause: "loss",
      expect: "loss: 2 or more retransmission timeouts, over 0.8 s",
      check: (v) =>
        first(v, [
          [timeouts(v) >= 2, "fewer than 2 timeouts"],
          [secondsOf(v, "loss") > 0.8, "loss time under 0.8 s"],
          [v.slow?.cause === "loss", "the slowness is not loss"],
          [/retransmission timeouts? \(/.test(v.slow?.sentence ?? ""), "no timeouts named"],
        ]),
    },
  },
  {
    id: "slow-syn-drop",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "the first SYN dropped: the handshake waits for its retransmission",
    book: "connects 1 s late, exit 0",
    expect: { exit: 0 },
    simulated: "nft in the router's forward hook drops the client's SYNs for 0.5 s",
    run: synDrop,
    slow: {
      cause: "handshake",
      expect: "handshake: a SYN retransmission, about 1 s",
      check: (v) =>
        first(v, [
          [v.timing?.largestStall?.kind === "syn-retransmission", "largest stall not the SYN's"],
          [secondsOf(v, "handshake") > 0.9, "handshake under 0.9 s"],
          [v.slow?.cause === "handshake", "the slowness is not the handshake"],
        ]),
    },
  },
  {
    id: "slow-reader",
    verdict: "normal",
    section: "7.5",
    family: 4,
    title: "128 KiB to a server reading 64,000 B/s, SO_RCVBUF 16 KiB: zero window",
    book: "every byte sent, exit 0; the receiver's window closes",
    expect: { exit: 0 },
    run: slowReader,
    slow: {
      cause: "receive-window",
      expect: "receive-window: over 0.3 s, named in the sentence",
      check: (v) =>
        first(v, [
          [secondsOf(v, "receive-window") > 0.3, "receive-window time under 0.3 s"],
          [v.slow?.cause === "receive-window", "the slowness is not the receive window"],
          [/receive window/.test(v.slow?.sentence ?? ""), "no receive window in the sentence"],
        ]),
    },
  },
  {
    id: "slow-nagle",
    verdict: "normal",
    section: "7.9",
    family: 4,
    title: "write-write-read, TCP_NODELAY off: Nagle waits for a delayed ACK",
    book: "each round trip waits for the server's delayed ACK (~40 ms), exit 0",
    expect: { exit: 0 },
    run: writeWriteRead("off"),
    slow: {
      cause: "nagle",
      expect: "nagle: over 0.1 s, the sentence names TCP_NODELAY",
      check: (v) =>
        first(v, [
          [secondsOf(v, "nagle") > 0.1, "nagle time under 0.1 s"],
          [v.slow?.cause === "nagle", "the slowness is not nagle"],
          [/TCP_NODELAY/.test(v.slow?.sentence ?? ""), "TCP_NODELAY not named"],
        ]),
    },
  },
  {
    id: "slow-nodelay",
    verdict: "normal",
    section: "7.9",
    family: 4,
    title: "write-write-read, TCP_NODELAY on: no wait",
    book: "fast round trips, exit 0",
    expect: { exit: 0 },
    run: writeWriteRead("on"),
    slow: {
      cause: "none",
      expect: "no nagle time, no Nagle sentence",
      check: (v) =>
        first(v, [
          [secondsOf(v, "nagle") === 0, "nagle time with TCP_NODELAY on"],
          // A run of 0.1-0.2 s: on a loaded machine a server descheduled for 0.1 s
          // is rightly "answering late" (seen once at load 16); never Nagle.
          [v.slow?.cause !== "nagle", "a Nagle sentence with TCP_NODELAY on"],
        ]),
    },
  },
  {
    id: "slow-pmtu-blackhole",
    // Seen from the client, unanswered retransmissions: explain's book verdict is a
    // crashed host (the path is down for large segments), so no slowness sentence
    // (only calm verdicts get one); the time attribution names the black hole.
    verdict: "server-host-crash",
    section: "2.11",
    family: 4,
    title: "8000 bytes over an MTU-1280 hop, its ICMP dropped: a black hole",
    book: "the large segments never arrive; the client hangs until stopped",
    expect: { exit: 143, signal: "SIGTERM" },
    simulated: "MTU 1280 on the router's server side, nft drops the router's ICMP " +
      "destination unreachable (a firewall eating fragmentation-needed)",
    run: pmtuBlackHole,
    slow: {
      cause: "pmtu",
      expect: "pmtu: over 1 s, the largest stall a black hole",
      check: (v) =>
        first(v, [
          [secondsOf(v, "pmtu") > 1, "pmtu time under 1 s"],
          [v.timing?.largestStall?.kind === "black-hole", "largest stall not a black hole"],
          [!v.slow || v.slow.cause === "pmtu", "a slowness sentence that is not pmtu"],
        ]),
    },
  },
  {
    id: "slow-server-think",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "a server that thinks 2 s before answering",
    book: "the echo arrives after 2 s, exit 0; the application, not the network",
    expect: { exit: 0 },
    run: serverThinks,
    slow: {
      cause: "server-app",
      expect: "server-app: the largest stall, about 2 s, the sentence blames the application",
      check: (v) =>
        first(v, [
          [v.timing?.largestStall?.cause === "server-app", "largest stall not server-app"],
          [(v.timing?.largestStall?.seconds ?? 0) > 1.9, "largest stall under 1.9 s"],
          [v.slow?.cause === "server-app", "the slowness is not the server's application"],
          [
            /server's application answering late \(2\.\d s at frames/.test(v.slow?.sentence ?? ""),
            "the sentence does not blame the server's application",
          ],
        ]),
    },
  },
];
