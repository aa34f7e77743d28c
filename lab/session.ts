/**
 * One scenario's run: the lab network, the programs in it (tcpecho serve in
 * the server namespace, tcpecho connect or probe in the client namespace),
 * the faults (nft rules, killing, destroying sockets), and a timeline of what
 * the lab did, with times, for the report.
 * @module
 */
import { TcpechoError } from "../lib/errors.ts";
import type { Proc, ProcApi, ProcExit } from "../lib/runtime/proc/mod.ts";
import { IPV4, LAB_PORT } from "./names.ts";
import type { LabNet, Side } from "./netns.ts";
import { waitUntil, within } from "./wait.ts";

/** The nft table every lab fault lives in (one per namespace). */
const TABLE = "inet tcpecho_lab";

/** One thing the lab did, at a time since the scenario started. */
export interface TimelineEntry {
  t: number;
  what: string;
}

/** The context a scenario's steps run in. */
export class LabSession {
  /** What the lab did, in order. */
  readonly timeline: TimelineEntry[] = [];
  /** The server (tcpecho serve), once started. */
  server?: Proc;
  /** The client (tcpecho connect or probe), once started. */
  client?: Proc;
  private readonly started = Date.now();
  private readonly procs: Proc[] = [];

  constructor(
    readonly net: LabNet,
    private readonly proc: ProcApi,
    readonly signal: AbortSignal,
    readonly family: 4 | 6,
    /** `lab --trace`: the client runs with `--trace-file` into this file. */
    readonly traceFile?: string,
  ) {}

  /** Run each side's programs pinned to a CPU with taskset ({client: "0", server: "1"}). */
  pinCpus?: Partial<Record<Side, string>>;

  /** The server's address in this run's family. */
  get serverAddr(): string {
    return this.family === 6 ? this.net.ipv6.server : this.net.ipv4.server;
  }

  /** Adds a timeline entry. */
  note(what: string): void {
    this.timeline.push({ t: (Date.now() - this.started) / 1000, what });
  }

  /** Starts a program in a namespace (tracked, killed at cleanup). */
  spawn(side: Side, argv: string[]): Proc {
    const cpu = this.pinCpus?.[side];
    const pinned = cpu ? ["taskset", "-c", cpu, ...argv] : argv;
    const p = this.proc.spawn(this.net.inNs(side, pinned));
    this.procs.push(p);
    return p;
  }

  /** Starts `tcpecho serve` on port 9877 and waits until it listens. */
  async startServer(extra: string[] = []): Promise<Proc> {
    const args = ["serve", "--port", String(LAB_PORT), ...extra];
    const p = this.spawn("server", [...this.proc.selfCommand(), ...args]);
    this.server = p;
    await this.waitFor(p, "stderr", "listening on", 15_000, "start tcpecho serve");
    this.note(`server: tcpecho ${args.join(" ")}`);
    return p;
  }

  /**
   * Starts `tcpecho <args>` (connect or probe) in the client namespace; with
   * `lab --trace`, traced (`--trace-file`: its capture runs in that namespace).
   */
  startClient(args: string[]): Proc {
    if (this.traceFile !== undefined) args = [...args, "--trace-file", this.traceFile];
    const p = this.spawn("client", [...this.proc.selfCommand(), ...args]);
    this.client = p;
    this.note(`client: tcpecho ${args.join(" ")}`);
    p.exited.then((e) => this.note(`client ended: ${describeExit(e)}`));
    return p;
  }

  /** Waits until a program has printed `text` (or fails, naming `what`). */
  async waitFor(
    p: Proc,
    stream: "stdout" | "stderr",
    text: string,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    const seen = () => (stream === "stdout" ? p.stdout() : p.stderr()).includes(text);
    await waitUntil(() => seen() || p.exit() !== undefined, timeoutMs, what, this.signal);
    if (!seen()) {
      const tail = (p.stderr().trim().split("\n").pop() ?? "").slice(0, 300);
      throw new TcpechoError(
        `Cannot ${what}: the program ended (${describeExit(p.exit())}): ${tail}`,
        {
          code: "ELAB",
        },
      );
    }
  }

  /** Sends a line on the client's stdin and waits for its echo on stdout. */
  async echo(line: string): Promise<void> {
    const c = this.client!;
    c.write(line + "\n");
    this.note(`client stdin: "${line}"`);
    await this.waitFor(c, "stdout", line, 10_000, `see the echo of "${line}"`);
    this.note(`client stdout: "${line}" (echoed)`);
  }

  /** Waits for a program to end (bounded); throws when it does not. */
  async waitExit(p: Proc, timeoutMs: number, what: string): Promise<ProcExit> {
    const ended = await within(p.exited, timeoutMs, this.signal);
    if (ended === undefined) {
      throw new TcpechoError(`Cannot ${what}: still running after ${timeoutMs / 1000} s`, {
        code: "ETIMEDOUT",
      });
    }
    return ended;
  }

  /** Kills the serving process (SIGKILL: no chance to say goodbye) and waits for it. */
  async killServer(): Promise<void> {
    this.server!.kill("SIGKILL");
    await this.waitExit(this.server!, 5_000, "kill tcpecho serve");
    this.note("server process killed (SIGKILL)");
  }

  /** nft in the server namespace: drop every packet in and out (a silent host). */
  dropAll(): void {
    this.nftServer("input", "policy drop;");
    this.nftServer("output", "policy drop;");
    this.note("nft (server): drop every packet in and out");
  }

  /** nft in the server namespace: drop everything the server sends. */
  dropOutput(): void {
    this.nftServer("output", "policy drop;");
    this.note("nft (server): drop every packet the server sends");
  }

  /** nft in the server namespace: answer the client's TCP with ICMP host unreachable. */
  rejectHostUnreachable(): void {
    this.nftServer(
      "input",
      `ip saddr ${IPV4.client} tcp dport ${LAB_PORT} reject with icmp type host-unreachable;`,
    );
    this.note(
      "nft (server): answer the client's segments with ICMP host unreachable (type 3 code 1)",
    );
  }

  /** Removes every lab nft rule in the server namespace. */
  undrop(): void {
    this.net.exec("server", ["nft", `delete table ${TABLE}`]);
    this.note("nft (server): rules removed");
  }

  /** Destroys every TCP socket of the server namespace (ss -K) and checks none is left. */
  destroyServerSockets(): void {
    this.net.exec("server", ["ss", "-K", "-t", "-a"], "destroy the server's sockets (ss -K)");
    const left = this.net.exec("server", ["ss", "-H", "-t", "-a", "-n"]).trim();
    if (left !== "") {
      throw new TcpechoError(
        `Cannot destroy the server's TCP state: sockets left after ss -K: ${left}`,
        { code: "ELAB", hint: "the kernel needs CONFIG_INET_DIAG_DESTROY for ss -K" },
      );
    }
    this.note("server TCP state destroyed (ss -K): its kernel knows no connection");
  }

  /** Waits until the client namespace has an established connection to the lab port. */
  async established(): Promise<void> {
    await waitUntil(
      () =>
        this.net.exec("client", ["ss", "-H", "-t", "-n", "state", "established"])
          .includes(`:${LAB_PORT}`),
      10_000,
      "see the connection established",
      this.signal,
    );
  }

  /**
   * Waits until the client's connection is in CLOSE_WAIT (the server's FIN
   * arrived and was acknowledged) while the client program still runs.
   */
  async clientCloseWait(): Promise<void> {
    await waitUntil(
      () =>
        this.net.exec("client", ["ss", "-H", "-t", "-n", "state", "close-wait"])
          .includes(`:${LAB_PORT}`),
      10_000,
      "see the client's connection in CLOSE_WAIT",
      this.signal,
    );
    if (this.client?.exit() !== undefined) {
      throw new TcpechoError(
        `Cannot keep the client blind to the FIN: it ended (${describeExit(this.client.exit())})`,
        { code: "ELAB" },
      );
    }
    this.note("client socket in CLOSE_WAIT (FIN received); the client program has not noticed");
  }

  private nftServer(hook: "input" | "output", rule: string): void {
    const chain = `${hook} { type filter hook ${hook} priority 0; ${rule} }`;
    this.net.exec("server", ["nft", `add table ${TABLE}; add chain ${TABLE} ${chain}`]);
  }

  /** Kills (SIGKILL) every program this session started that still runs, and waits. */
  async stopAll(signal: AbortSignal): Promise<void> {
    for (const p of this.procs) p.kill("SIGKILL");
    for (const p of this.procs) await within(p.exited, 3_000, signal);
  }
}

/**
 * "exit 3", "signal SIGKILL" or "still running".
 *
 * @example
 * ```ts
 * describeExit({ code: 3, signal: null }); // "exit 3"
 * ```
 */
export function describeExit(e: ProcExit | undefined): string {
  if (e === undefined) return "still running";
  return e.signal ? `signal ${e.signal}` : `exit ${e.code}`;
}
