/**
 * Private network namespaces for the probe tests: a client namespace and a
 * server namespace joined by a veth pair (198.18.60.1 <-> 198.18.60.2), nft
 * rules to drop traffic, and cleanup that also runs on failure. Not a test file.
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { haveCommand, isRoot } from "./helpers.ts";

/** Client-side address. */
export const CLIENT_ADDR = "198.18.60.1";
/** Server-side address. */
export const SERVER_ADDR = "198.18.60.2";

let serial = 0;

/** Why namespace tests cannot run here, or undefined. */
export function netnsSkipReason(): string | undefined {
  if (!isRoot()) return "needs root for network namespaces";
  for (const tool of ["ip", "nft", "ss"]) {
    if (!haveCommand(tool)) return `needs ${tool}`;
  }
  return undefined;
}

/** Runs a command; throws with its stderr when it fails. */
export function sh(argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { timeout: 10_000 });
  if (r.status !== 0) {
    throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.stderr?.toString()}`);
  }
  return r.stdout?.toString() ?? "";
}

/** Two namespaces joined by a veth pair. */
export interface NsPair {
  client: string;
  server: string;
  /** argv prefix that runs a command in the namespace. */
  inClient: string[];
  inServer: string[];
  /** Runs `nft` in a namespace. */
  nft(ns: string, ...args: string[]): void;
  /** Drops every packet in and out of the server namespace (a silent host). */
  dropServer(): void;
  /** Removes the drop rules. */
  undropServer(): void;
  destroy(): void;
}

/** Creates the pair (unique names per process and call). */
export function createNsPair(): NsPair {
  const id = `${process.pid % 100000}${serial++}`;
  const client = `tcpecho-p6c-${id}`, server = `tcpecho-p6s-${id}`;
  const vc = `p6c${id}`, vs = `p6s${id}`;
  const pair: NsPair = {
    client,
    server,
    inClient: ["ip", "netns", "exec", client],
    inServer: ["ip", "netns", "exec", server],
    nft(ns, ...args) {
      sh(["ip", "netns", "exec", ns, "nft", ...args]);
    },
    dropServer() {
      pair.nft(server, "add table inet p6drop");
      for (const hook of ["input", "output"]) {
        pair.nft(
          server,
          `add chain inet p6drop ${hook} { type filter hook ${hook} priority 0; policy drop; }`,
        );
      }
    },
    undropServer() {
      pair.nft(server, "delete table inet p6drop");
    },
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
    sh(["ip", "-n", client, "addr", "add", `${CLIENT_ADDR}/24`, "dev", vc]);
    sh(["ip", "-n", server, "addr", "add", `${SERVER_ADDR}/24`, "dev", vs]);
    for (const [ns, dev] of [[client, vc], [server, vs], [client, "lo"], [server, "lo"]]) {
      sh(["ip", "-n", ns, "link", "set", dev, "up"]);
    }
  } catch (e) {
    pair.destroy();
    throw e;
  }
  return pair;
}

/** One namespace with only loopback up (for connect-probe tests). */
export function createNs(): { name: string; exec: string[]; destroy(): void } {
  const name = `tcpecho-p6n-${process.pid % 100000}${serial++}`;
  sh(["ip", "netns", "add", name]);
  const destroy = () => void spawnSync("ip", ["netns", "del", name]);
  try {
    sh(["ip", "-n", name, "link", "set", "lo", "up"]);
  } catch (e) {
    destroy();
    throw e;
  }
  return { name, exec: ["ip", "netns", "exec", name], destroy };
}
