/**
 * The book's scenarios as lab recipes: how to cause each one with real kernel
 * TCP, what the book says the client program sees (docs/scenarios.md), what the client
 * must report (exit code and errno, docs/design.md), and what the lab simulates.
 * Order: the list `tcpecho lab --list` prints and `lab all` runs.
 * @module
 */
import { LAB_PORT } from "./names.ts";
import { NAIVE_SERVER_KILLED } from "./naive.ts";
import type { ExplainVerdict } from "./explain.ts";
import type { LabSession } from "./session.ts";
import { SLOW_SCENARIOS } from "./slow_scenarios.ts";

/** A slow-connection case (lab/slow_scenarios.ts): what explain's time attribution must say. */
export interface SlowCase {
  /** The cause explain must name (docs/slow.md ids), or "none" for the clean control. */
  cause: string;
  /** What must show, in words: the share of time, the stalls. */
  expect: string;
  /** Checks explain's timing and slowness verdict of the connection; why it differs, or undefined. */
  check(v: ExplainVerdict): string | undefined;
}

/** One lab scenario. */
export interface LabScenario {
  /** Lab id (`tcpecho lab ID`). */
  id: string;
  /** The docs/scenarios.md scenario id explain must give the capture. */
  verdict: string;
  /** docs/scenarios.md section. */
  section: string;
  /** Address family. */
  family: 4 | 6;
  /** One line for --list. */
  title: string;
  /** What the book says the client program sees (docs/scenarios.md). */
  book: string;
  /**
   * What the client must do: its exit code and, when it fails, the text on
   * stderr; or the signal the lab stopped it with.
   */
  expect: { exit: number; stderr?: RegExp; signal?: string };
  /**
   * Set for the slow-connection cases: they run with a router namespace between
   * client and server, the programs pinned to CPU 0, the kernel's own timers.
   */
  slow?: SlowCase;
  /** What the lab stands in for and how, when it simulates something. */
  simulated?: string;
  /** The steps, from the network being up to the client having ended. */
  run(s: LabSession): Promise<void>;
}

const connectArgs = (s: LabSession) => ["connect", s.serverAddr, String(LAB_PORT)];
const keepaliveArgs = (s: LabSession, duration: number, idle = 1) => [
  "probe",
  s.serverAddr,
  String(LAB_PORT),
  "--keepalive",
  "--keepidle",
  String(idle),
  "--keepintvl",
  "1",
  "--keepcnt",
  "3",
  "--duration",
  String(duration),
];

/** Client sends lines, waits for every echo, then EOF: the orderly close. */
async function normal(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(connectArgs(s));
  await s.echo("hello");
  await s.echo("world");
  c.closeStdin();
  s.note("client stdin: EOF (client half-closes, server closes)");
  await s.waitExit(c, 10_000, "let the client finish");
}

/** The server process is killed while the client still has stdin open. */
async function serverKilled(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(connectArgs(s));
  await s.echo("hello");
  await s.killServer();
  await s.waitExit(c, 10_000, "let the client see the FIN");
}

/** Server host silently gone, then the client writes. */
async function hostCrash(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(connectArgs(s));
  await s.echo("hello");
  s.dropAll();
  c.write("anyone there?\n");
  s.note('client stdin: "anyone there?" (retransmitted until tcp_retries2 gives up)');
  await s.waitExit(c, 20_000, "let the client time out");
}

/** ICMP host unreachable comes back for the client's data. */
async function unreachable(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(connectArgs(s));
  await s.echo("hello");
  s.rejectHostUnreachable();
  c.write("anyone there?\n");
  s.note('client stdin: "anyone there?"');
  await s.waitExit(c, 20_000, "let the client give up");
}

/** Destroys the server's TCP state without a single segment leaving it. */
async function forgetConnection(s: LabSession): Promise<void> {
  s.dropOutput();
  await s.killServer();
  s.destroyServerSockets();
  s.undrop();
}

/**
 * How long the simulated reboot lasts before the client writes: a real one
 * takes seconds; explain calls an RST a reboot's only after the server was
 * silent at least 50 ms (REBOOT_SILENCE_S), and on a fast machine killing the
 * process and destroying its socket alone take less than that.
 */
const REBOOT_PAUSE_MS = 200;

/** The server host crashes and reboots; the client then writes. */
async function crashReboot(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(connectArgs(s));
  await s.echo("hello");
  await forgetConnection(s);
  await new Promise((r) => setTimeout(r, REBOOT_PAUSE_MS));
  s.note(`${REBOOT_PAUSE_MS} ms pass (the reboot)`);
  c.write("after the reboot\n");
  s.note('client stdin: "after the reboot"');
  await s.waitExit(c, 10_000, "let the client meet the RST");
}

/** Nothing listens on the port. */
async function refused(s: LabSession): Promise<void> {
  const c = s.startClient(connectArgs(s));
  await s.waitExit(c, 10_000, "let the client be refused");
}

/** The server host is silent from the first SYN. */
async function synTimeout(s: LabSession): Promise<void> {
  s.dropAll();
  const c = s.startClient(connectArgs(s));
  await s.waitExit(c, 20_000, "let the client's SYNs time out");
}

/** Idle connection, keepalive probes answered, the watch ends with the peer alive. */
async function keepaliveAlive(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(keepaliveArgs(s, 3.5));
  await s.waitExit(c, 15_000, "let the keepalive watch end");
}

/** Idle connection, then the server host goes silent: probes unanswered. */
async function keepaliveDead(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(keepaliveArgs(s, 20));
  await s.waitFor(c, "stdout", "watching", 15_000, "see the keepalive watch start");
  s.dropAll();
  await s.waitExit(c, 20_000, "let the keepalive probes time out");
}

/** Idle connection; the server host crashes and reboots before the first probe. */
async function keepaliveReset(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(keepaliveArgs(s, 20, 2));
  await s.waitFor(c, "stdout", "watching", 15_000, "see the keepalive watch start");
  await forgetConnection(s);
  await s.waitExit(c, 20_000, "let a keepalive probe meet the RST");
}

/** Server echoes once, then closes with linger 0 (RST). */
async function abort(s: LabSession): Promise<void> {
  await s.startServer(["--reset-after", "1"]);
  const c = s.startClient(connectArgs(s));
  c.write("hello\n");
  s.note('client stdin: "hello" (the server echoes it, then aborts)');
  await s.waitExit(c, 10_000, "let the client see the RST");
}

/** Client sends everything and EOF at once; echoes (delayed) flow after its FIN. */
async function halfClose(s: LabSession): Promise<void> {
  await s.startServer(["--delay", "200"]);
  const c = s.startClient(connectArgs(s));
  c.write("one\ntwo\nthree\n");
  c.closeStdin();
  s.note('client stdin: "one", "two", "three", EOF at once (server echoes each 200 ms later)');
  await s.waitExit(c, 10_000, "let the client receive every echo");
}

const CRASH = "nft drops every packet in and out of the server namespace (ARP still works, " +
  "as when a router in between still answers): a host that crashed, or a cable pulled";
const REBOOT = "nft drops everything the server sends; its process is killed (its FIN is " +
  "dropped) and its socket destroyed with ss -K (that RST is dropped too); then the drop " +
  "is removed. Its kernel now knows no such connection, as after a reboot. tcpecho serve " +
  "is not restarted";

/** Every lab scenario, in the order `lab all` runs them. */
export const LAB_SCENARIOS: readonly LabScenario[] = [
  {
    id: "normal",
    verdict: "normal",
    section: "5.6",
    family: 4,
    title: "echo two lines, EOF, orderly close",
    book: "echoes, exit 0",
    expect: { exit: 0 },
    run: normal,
  },
  {
    id: "half-close",
    verdict: "half-close",
    section: "6.6",
    family: 4,
    title: "client FIN first while (delayed) echoes keep coming",
    book: "all echoes arrive, exit 0",
    expect: { exit: 0 },
    run: halfClose,
  },
  {
    id: "server-process-terminated",
    // On the wire this run is a server-first orderly close (the select-based client
    // closes at once): explain calls that `normal` and names §5.12/§6.7 in the sentence.
    // §5.12's own evidence (client data after the FIN, then RST) is the naive run's.
    verdict: "normal",
    section: "5.12",
    family: 4,
    title: "kill -9 the server process mid-connection",
    book: 'read returns EOF while an echo is expected: "server terminated prematurely"',
    expect: { exit: 3, stderr: /server terminated prematurely/ },
    run: serverKilled,
  },
  NAIVE_SERVER_KILLED,
  {
    id: "server-host-crash",
    verdict: "server-host-crash",
    section: "5.14",
    family: 4,
    title: "server host goes silent, client writes",
    book: "ETIMEDOUT after the last retransmission",
    expect: { exit: 6, stderr: /ETIMEDOUT/ },
    simulated: CRASH,
    run: hostCrash,
  },
  {
    id: "server-host-unreachable",
    verdict: "server-host-unreachable",
    section: "5.14",
    family: 4,
    title: "client's data answered by ICMP host unreachable",
    book: "EHOSTUNREACH / ENETUNREACH",
    expect: { exit: 7, stderr: /EHOSTUNREACH/ },
    simulated: "nft in the server namespace rejects the client's segments with ICMP type 3 " +
      "code 1 (host unreachable), from the server's own address: on a real path a router " +
      "sends it when the host stops answering ARP",
    run: unreachable,
  },
  {
    id: "server-crash-reboot",
    verdict: "server-crash-reboot",
    section: "5.15",
    family: 4,
    title: "server host crashes and reboots silently, client writes",
    book: "ECONNRESET on read",
    expect: { exit: 4, stderr: /ECONNRESET/ },
    simulated: REBOOT,
    run: crashReboot,
  },
  {
    id: "connection-refused",
    verdict: "connection-refused",
    section: "4.3",
    family: 4,
    title: "nothing listens on port 9877",
    book: "ECONNREFUSED",
    expect: { exit: 5, stderr: /ECONNREFUSED/ },
    run: refused,
  },
  {
    id: "syn-timeout",
    verdict: "syn-timeout",
    section: "4.3",
    family: 4,
    title: "server host silent from the first SYN",
    book: "ETIMEDOUT",
    expect: { exit: 6, stderr: /ETIMEDOUT/ },
    simulated: CRASH,
    run: synTimeout,
  },
  {
    id: "keepalive-alive",
    verdict: "keepalive-alive",
    section: "7.5",
    family: 4,
    title: "idle connection, keepalive probes answered",
    book: "nothing: connection stays up",
    expect: { exit: 0 },
    run: keepaliveAlive,
  },
  {
    id: "keepalive-dead-peer",
    verdict: "keepalive-dead-peer",
    section: "7.5",
    family: 4,
    title: "idle connection, server host goes silent",
    book: "ETIMEDOUT after idle + interval × count",
    expect: { exit: 6, stderr: /ETIMEDOUT/ },
    simulated: CRASH,
    run: keepaliveDead,
  },
  {
    id: "keepalive-reset",
    verdict: "keepalive-reset",
    section: "7.5",
    family: 4,
    title: "idle connection, server host crashes and reboots",
    book: "ECONNRESET",
    expect: { exit: 4, stderr: /ECONNRESET/ },
    simulated: REBOOT,
    run: keepaliveReset,
  },
  {
    id: "abort",
    verdict: "abort",
    section: "7.5",
    family: 4,
    title: "server echoes one line, then closes with SO_LINGER 0 (RST)",
    book: "peer: ECONNRESET",
    expect: { exit: 4, stderr: /ECONNRESET/ },
    run: abort,
  },
  {
    id: "normal-ipv6",
    verdict: "normal",
    section: "5.6",
    family: 6,
    title: "normal, over IPv6 (2001:db8::1 -> 2001:db8::2)",
    book: "echoes, exit 0",
    expect: { exit: 0 },
    run: normal,
  },
];

/**
 * The scenario with this id, or undefined.
 *
 * @example
 * ```ts
 * findScenario("abort")?.verdict; // "abort"
 * ```
 */
export function findScenario(id: string): LabScenario | undefined {
  return LAB_SCENARIOS.find((s) => s.id === id) ?? SLOW_SCENARIOS.find((s) => s.id === id);
}
