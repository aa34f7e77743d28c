/**
 * How each slow-connection lab case runs (lab/slow_scenarios.ts lists them):
 * the router's fault rules, the bottleneck link, the serve and connect
 * commands, and the helpers the cases' checks read explain's verdict with.
 * @module
 */
import { LAB_PORT } from "./names.ts";
import type { ExplainVerdict } from "./explain.ts";
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
export function secondsOf(v: ExplainVerdict, cause: string): number {
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
export function first(v: ExplainVerdict, conditions: [boolean, string][]): string | undefined {
  if (!v.timing) return "explain gave no timing";
  const bad = conditions.find(([ok]) => !ok);
  return bad ? `${bad[1]} (${shares(v)})` : undefined;
}

export const timeouts = (v: ExplainVerdict): number =>
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
export async function control(s: LabSession) {
  bottleneck(s);
  await plain(s, BIG_DISCARD, ["--bulk", String(CONTROL_BYTES), "--discard"]);
}

/** The control's transfer: 2 s at the bottleneck's rate. */
export const CONTROL_BYTES = 24 << 20;

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
export async function randomLoss(s: LabSession) {
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
export async function tailLoss(s: LabSession) {
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
export async function synDrop(s: LabSession) {
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
export function slowReader(s: LabSession) {
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
export function writeWriteRead(nodelay: "on" | "off") {
  return (s: LabSession) =>
    plain(
      s,
      ["--lines"],
      ["--count", "10", "--interval", "0", "--size", "100", "--writes", "2", "--nodelay", nodelay],
    );
}

/** A server that thinks 2 s before answering the one request. */
export function serverThinks(s: LabSession) {
  return plain(s, ["--lines", "--delay", "2000"], [
    "--count",
    "1",
    "--size",
    "100",
  ]);
}

/** MTU 1280 on the router's server side, its ICMP "fragmentation needed" dropped. */
export async function pmtuBlackHole(s: LabSession) {
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
