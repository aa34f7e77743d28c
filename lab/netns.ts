/**
 * The lab's private network: a client namespace and a server namespace joined
 * by a veth pair, IPv4 and IPv6 addresses, no default route (nothing leaves),
 * fast TCP timeouts set per namespace, and a destroy that kills every process
 * left inside before deleting the namespaces (their nft tables go with them).
 * @module
 */
import { existsSync } from "node:fs";
import process from "node:process";
import { TcpechoError } from "../lib/errors.ts";
import type { ProcApi } from "../lib/runtime/proc/mod.ts";
import { IPV4, IPV6, type LabNames, labNames, randomHex, ROUTED_IPV4 } from "./names.ts";
import { type AppliedSysctl, CLIENT_SYSCTLS, type LabSysctl, SERVER_SYSCTLS } from "./sysctls.ts";

/** Time limit for each short command (ip, nft, sysctl, ss). */
const COMMAND_MS = 10_000;

/** Which end of the lab (or the router between them, when there is one). */
export type Side = "client" | "server" | "router";

/** Options of {@link LabNet.create}. */
export interface LabNetOptions {
  /**
   * The third IPv4 octet and the third IPv6 group: 198.18.S.1/.2 and
   * 2001:db8:S::1/2 (default 0: the lab's own 198.18.0.1/.2, 2001:db8::1/2).
   * Tests give each file its own S so files can run at the same time.
   */
  subnet?: number;
  /** Set the lab's fast TCP timers in the namespaces (default true). */
  tuneTimers?: boolean;
  /**
   * A third namespace routing between the two (IPv4 only): client
   * 198.18.S.1/24, server 198.19.S.2/24, the router .254 on both sides. Faults
   * go in its forward hook, where a dropped packet is lost on the path; in the
   * sender's own output hook the kernel would resend it within microseconds.
   */
  router?: boolean;
}

/** A created lab network. */
export class LabNet {
  /** Sysctls set, with the values they replaced. */
  readonly sysctls: AppliedSysctl[] = [];
  /** The IPv4 addresses of the two ends. */
  readonly ipv4: { client: string; server: string };
  /** The IPv6 addresses of the two ends. */
  readonly ipv6: { client: string; server: string };
  private destroyed = false;

  private constructor(
    private readonly proc: ProcApi,
    readonly names: LabNames,
    private readonly opts: LabNetOptions = {},
  ) {
    const s = opts.subnet ?? 0;
    if (!(Number.isInteger(s) && s >= 0 && s <= 255)) {
      throw new TcpechoError(`Cannot use subnet ${s}: give 0 to 255`, { code: "ELAB" });
    }
    const v4 = (a: string) => a.replace(/^(198\.1[89])\.0\./, `$1.${s}.`);
    const v6 = (a: string) =>
      s === 0 ? a : a.replace(/^2001:db8::/, `2001:db8:${s.toString(16)}::`);
    this.ipv4 = opts.router
      ? { client: v4(ROUTED_IPV4.client), server: v4(ROUTED_IPV4.server) }
      : { client: v4(IPV4.client), server: v4(IPV4.server) };
    this.ipv6 = { client: v6(IPV6.client), server: v6(IPV6.server) };
  }

  /**
   * Creates the namespaces, veth pair, addresses and sysctls. On any failure
   * what was made is removed and a TcpechoError says which step failed.
   *
   * @example
   * ```ts
   * import { getProc } from "../lib/runtime/proc/mod.ts";
   * const net = LabNet.create(await getProc(), process.pid);
   * try { net.exec("client", ["ip", "addr"]); } finally { net.destroy(); }
   * ```
   */
  static create(proc: ProcApi, pid: number, opts: LabNetOptions = {}): LabNet {
    const net = new LabNet(proc, labNames(pid, randomHex(6)), opts);
    try {
      net.build();
    } catch (e) {
      net.destroy();
      throw e;
    }
    return net;
  }

  private build(): void {
    if (this.opts.router) return this.buildRouted();
    const n = this.names;
    this.must(["ip", "netns", "add", n.client], "create the client namespace");
    this.must(["ip", "netns", "add", n.server], "create the server namespace");
    this.must(
      ["ip", "link", "add", n.clientDev, "netns", n.client, "type", "veth"].concat(
        ["peer", "name", n.serverDev, "netns", n.server],
      ),
      "create the veth pair",
    );
    for (
      const [ns, dev, a] of [[n.client, n.clientDev, "client"], [
        n.server,
        n.serverDev,
        "server",
      ]] as const
    ) {
      this.must(["ip", "-n", ns, "link", "set", "lo", "up"], "bring up loopback");
      this.must(
        ["ip", "-n", ns, "addr", "add", `${this.ipv4[a]}/${IPV4.prefix}`, "dev", dev],
        "add IPv4",
      );
      this.must(
        [
          "ip",
          "-n",
          ns,
          "-6",
          "addr",
          "add",
          `${this.ipv6[a]}/${IPV6.prefix}`,
          "dev",
          dev,
          "nodad",
        ],
        "add IPv6",
      );
      this.must(["ip", "-n", ns, "link", "set", dev, "up"], "bring up the veth");
    }
    if (this.opts.tuneTimers === false) return;
    for (const s of CLIENT_SYSCTLS) this.setSysctl("client", s);
    for (const s of SERVER_SYSCTLS) this.setSysctl("server", s);
  }

  /** Client, router and server namespaces, two veth pairs, routes both ways, forwarding on. */
  private buildRouted(): void {
    const n = this.names;
    for (const [ns, what] of [[n.client, "client"], [n.router, "router"], [n.server, "server"]]) {
      this.must(["ip", "netns", "add", ns], `create the ${what} namespace`);
      this.must(["ip", "-n", ns, "link", "set", "lo", "up"], "bring up loopback");
    }
    const pairs: [string, string, string, string][] = [
      [n.clientDev, n.client, n.routerClientDev, n.router],
      [n.routerServerDev, n.router, n.serverDev, n.server],
    ];
    for (const [a, nsA, b, nsB] of pairs) {
      this.must(
        ["ip", "link", "add", a, "netns", nsA, "type", "veth", "peer", "name", b, "netns", nsB],
        "create a veth pair",
      );
    }
    const net = (addr: string) => addr.replace(/\.\d+$/, "");
    const routerC = net(this.ipv4.client) + ROUTED_IPV4.router;
    const routerS = net(this.ipv4.server) + ROUTED_IPV4.router;
    const addrs: [string, string, string][] = [
      [n.client, n.clientDev, this.ipv4.client],
      [n.router, n.routerClientDev, routerC],
      [n.router, n.routerServerDev, routerS],
      [n.server, n.serverDev, this.ipv4.server],
    ];
    for (const [ns, dev, a] of addrs) {
      this.must(["ip", "-n", ns, "addr", "add", `${a}/24`, "dev", dev], "add IPv4");
      this.must(["ip", "-n", ns, "link", "set", dev, "up"], "bring up a veth");
    }
    this.must(
      ["ip", "-n", n.client, "route", "add", `${net(this.ipv4.server)}.0/24`, "via", routerC],
      "route the client to the server's network",
    );
    this.must(
      ["ip", "-n", n.server, "route", "add", `${net(this.ipv4.client)}.0/24`, "via", routerS],
      "route the server to the client's network",
    );
    this.setSysctl("router", {
      key: "net.ipv4.ip_forward",
      value: "1",
      why: "the router forwards between the client's and the server's network",
    });
    if (this.opts.tuneTimers === false) return;
    for (const s of CLIENT_SYSCTLS) this.setSysctl("client", s);
    for (const s of SERVER_SYSCTLS) this.setSysctl("server", s);
  }

  /**
   * Reads and sets a sysctl through /proc/sys by a shell inside the namespace
   * (net.* entries there belong to the namespace of the process that opens
   * them), so the lab needs no sysctl program.
   */
  private setSysctl(side: Side, s: LabSysctl): void {
    const path = `/proc/sys/${s.key.replaceAll(".", "/")}`;
    if (!existsSync(path)) {
      this.sysctls.push({ ...s, namespace: side, was: "(not in this kernel: left alone)" });
      return;
    }
    const got = this.must(this.inNs(side, ["cat", path]), `read ${s.key}`);
    this.must(this.inNs(side, ["sh", "-c", `echo ${s.value} > ${path}`]), `set ${s.key}`);
    this.sysctls.push({ ...s, namespace: side, was: got.trim() });
  }

  /** The namespace name of a side. */
  ns(side: Side): string {
    return this.names[side];
  }

  /** argv that runs `argv` inside a side's namespace. */
  inNs(side: Side, argv: string[]): string[] {
    return ["ip", "netns", "exec", this.ns(side), ...argv];
  }

  /** Runs a short command in a namespace; throws when it fails. Returns stdout. */
  exec(side: Side, argv: string[], what = argv.join(" ")): string {
    return this.must(this.inNs(side, argv), what);
  }

  /** Loads an nft ruleset (a script, as `nft -f -` reads it) in a namespace. */
  nft(side: Side, script: string): void {
    this.exec(side, ["nft", script.replace(/\n\s*/g, " ")], `load nft rules: ${script}`);
  }

  /** Runs a short command; throws TcpechoError naming the step when it fails. */
  private must(argv: string[], what: string): string {
    const r = this.proc.run(argv, COMMAND_MS);
    if (r.code !== 0) {
      const why = r.timedOut
        ? `no answer in ${COMMAND_MS / 1000} s`
        : r.stderr.trim() || `exit ${r.code}`;
      throw new TcpechoError(`Cannot ${what}: ${why}`, {
        code: "ELAB",
        hint: why.includes("netns") || why.includes("Operation not permitted")
          ? "the kernel needs network namespace support (CONFIG_NET_NS) and the lab needs root"
          : `the command was: ${argv.join(" ")}`,
      });
    }
    return r.stdout;
  }

  /**
   * Kills every process still inside the namespaces, then deletes them (the
   * veth pair and nft tables go with them). Safe to call twice; never throws.
   */
  destroy(): string[] {
    if (this.destroyed) return [];
    this.destroyed = true;
    const n = this.names;
    return destroyNamespaces(
      this.proc,
      this.opts.router ? [n.client, n.router, n.server] : [n.client, n.server],
    );
  }
}

/**
 * Kills the processes in each namespace (SIGKILL) and deletes it. Returns
 * the problems met (empty when everything went).
 *
 * @example
 * ```ts
 * import { getProc } from "../lib/runtime/proc/mod.ts";
 * const proc = await getProc();
 * destroyNamespaces(proc, ["tcpecho-1234-a1b2c3-c"]); // []
 * ```
 */
export function destroyNamespaces(proc: ProcApi, names: string[]): string[] {
  const problems: string[] = [];
  for (const ns of names) {
    const pids = proc.run(["ip", "netns", "pids", ns], COMMAND_MS);
    for (const pid of pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch { /* already gone */ }
    }
    const del = proc.run(["ip", "netns", "del", ns], COMMAND_MS);
    if (del.code !== 0 && !/No such file|not found/i.test(del.stderr)) {
      problems.push(`Cannot delete namespace ${ns}: ${del.stderr.trim()}`);
    }
  }
  return problems;
}
