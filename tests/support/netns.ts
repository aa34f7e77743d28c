/**
 * The tests' private network: a client namespace and a server namespace
 * joined by a veth pair with 198.18.S.1 (client) and 198.18.S.2 (server),
 * where each test file passes its own tag and subnet S so files never share
 * names or addresses. nft helpers for the server side; destroy() removes
 * both namespaces (the veth and nft tables go with them) and never throws.
 * Not a test file. (The lab's own network is lab/netns.ts: fixed addresses
 * and the lab's sysctls, so tests keep this smaller one.)
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { haveCommand, isRoot } from "./helpers.ts";

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

let serial = 0;

/**
 * Creates a pair with names unique per file (`tag`), process and call, and
 * addresses in 198.18.`subnet`.0/24. Anything made is removed if a step fails.
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
  const id = `${process.pid % 100000}${serial++}`;
  const client = `tcpecho-t${tag}-${id}-c`, server = `tcpecho-t${tag}-${id}-s`;
  const vc = `v${tag}c${id}`.slice(0, 15), vs = `v${tag}s${id}`.slice(0, 15);
  const inServer = ["ip", "netns", "exec", server];
  const pair: NsPair = {
    client,
    server,
    clientAddr: `198.18.${subnet}.1`,
    serverAddr: `198.18.${subnet}.2`,
    inClient: ["ip", "netns", "exec", client],
    inServer,
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
    destroy() {
      for (const ns of [client, server]) spawnSync("ip", ["netns", "del", ns]);
    },
  };
  try {
    sh(["ip", "netns", "add", client]);
    sh(["ip", "netns", "add", server]);
    sh([
      "ip",
      "link",
      "add",
      vc,
      "netns",
      client,
      "type",
      "veth",
      "peer",
      "name",
      vs,
      "netns",
      server,
    ]);
    for (const [ns, dev, addr] of [[client, vc, pair.clientAddr], [server, vs, pair.serverAddr]]) {
      sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
      sh(["ip", "-n", ns, "addr", "add", `${addr}/24`, "dev", dev]);
      sh(["ip", "-n", ns, "link", "set", dev, "up"]);
    }
  } catch (e) {
    pair.destroy();
    throw e;
  }
  return pair;
}
