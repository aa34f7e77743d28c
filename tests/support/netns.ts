/**
 * The tests' private network: the lab's own namespace pair (lab/netns.ts,
 * one harness for the lab and the tests) with 198.18.S.1 (client) and
 * 198.18.S.2 (server), where each test file passes its own subnet S so files
 * never share addresses, and the kernel's default TCP timers (the lab's fast
 * timers are left out). nft helpers for the server side; destroy() removes
 * both namespaces (the veth and nft tables go with them) and never throws.
 * Not a test file.
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { LabNet } from "../../lab/netns.ts";
import { getProc } from "../../lib/runtime/proc/mod.ts";
import { haveCommand, isRoot } from "./helpers.ts";

/** The runtime's child-process adapter (loaded once; its `run` is synchronous). */
const PROC = await getProc();

/**
 * Why namespace tests cannot run here, or "" when they can.
 *
 * @example
 * ```ts
 * const reason = netnsSkipReason(["ip", "nft", "ss"]);
 * test("x", { skip: skipUnless(!reason, reason) }, () => {});
 * ```
 */
export function netnsSkipReason(tools: string[] = ["ip", "nft"]): string {
  if (process.platform !== "linux") return "network namespaces need Linux";
  if (!isRoot()) return "network namespaces need root";
  for (const tool of tools) {
    if (!haveCommand(tool)) return `${tool} is not installed`;
  }
  return "";
}

/**
 * Runs a command (10 s limit) with optional stdin; throws with its stderr
 * when it fails. Returns its stdout.
 *
 * @example
 * ```ts
 * sh(["ip", "netns", "exec", pair.server, "nft", "list", "ruleset"]);
 * ```
 */
export function sh(argv: string[], input?: string): string {
  const r = spawnSync(argv[0], argv.slice(1), { input, timeout: 10_000 });
  if (r.status !== 0) {
    throw new Error(`Cannot run ${argv.join(" ")}: exit ${r.status}, ${r.stderr?.toString()}`);
  }
  return r.stdout?.toString() ?? "";
}

/** Two namespaces joined by a veth pair. */
export interface NsPair {
  client: string;
  server: string;
  /** 198.18.S.1, on the client's veth. */
  clientAddr: string;
  /** 198.18.S.2, on the server's veth. */
  serverAddr: string;
  /** argv prefix that runs a command in the client namespace. */
  inClient: string[];
  /** argv prefix that runs a command in the server namespace. */
  inServer: string[];
  /** Runs `nft ...args` in a namespace. */
  nft(ns: string, ...args: string[]): void;
  /** Drops every packet in and out of the server namespace (a silent host). */
  dropServer(): void;
  /** Removes the rules of {@link NsPair.dropServer}. */
  undropServer(): void;
  /** Deletes both namespaces; safe to call twice, never throws. */
  destroy(): void;
}

/**
 * Creates a pair with unique names (the lab's, carrying this process's pid)
 * and addresses in 198.18.`subnet`.0/24. `tag` names the test file in
 * messages. Anything made is removed if a step fails.
 *
 * @example
 * ```ts
 * const ns = createNsPair("pn", 60);
 * try { sh([...ns.inClient, "ping", "-c1", ns.serverAddr]); } finally { ns.destroy(); }
 * ```
 */
export function createNsPair(tag: string, subnet: number): NsPair {
  if (!/^[a-z]{1,3}$/.test(tag)) throw new Error(`Cannot name namespaces: bad tag '${tag}'`);
  if (!(subnet >= 0 && subnet <= 251)) throw new Error(`Cannot use subnet 198.18.${subnet}`);
  const net = LabNet.create(PROC, process.pid, { subnet, tuneTimers: false });
  const client = net.names.client, server = net.names.server;
  const pair: NsPair = {
    client,
    server,
    clientAddr: net.ipv4.client,
    serverAddr: net.ipv4.server,
    inClient: net.inNs("client", []),
    inServer: net.inNs("server", []),
    nft: (ns, ...args) => void sh(["ip", "netns", "exec", ns, "nft", ...args]),
    dropServer() {
      pair.nft(server, "add table inet tdrop");
      for (const hook of ["input", "output"]) {
        pair.nft(
          server,
          `add chain inet tdrop ${hook} { type filter hook ${hook} priority 0; policy drop; }`,
        );
      }
    },
    undropServer: () => pair.nft(server, "delete table inet tdrop"),
    destroy: () => void net.destroy(),
  };
  return pair;
}
