/**
 * Helpers for the serve/connect tests: start `tcpecho serve` on an ephemeral
 * port and wait for its "listening" line, run `tcpecho connect` with binary
 * stdin, and create / remove network namespaces for the error-class tests.
 * Every wait is bounded.
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { cliArgv, EXEC, haveCommand, isRoot, ROOT, spawnCli } from "./helpers.ts";

/** A running `tcpecho serve`. */
export interface Served {
  proc: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves to the exit code (bounded: SIGKILL after 8 s). */
  stop(signal?: "SIGTERM" | "SIGINT"): Promise<number>;
}

/** Resolves when `pred` holds (polled), rejects after `ms`. */
export async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`Cannot wait for ${what}: not seen in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts serve with `--port 0` plus `args` (default host 127.0.0.1 unless args give one). */
export async function startServe(args: string[], hostDefault = true): Promise<Served> {
  const hostArgs = hostDefault && !args.includes("--host") ? ["--host", "127.0.0.1"] : [];
  const proc = spawnCli(["serve", "--port", "0", ...hostArgs, ...args]);
  let out = "";
  let err = "";
  let code: number | null = null;
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  proc.on("exit", (c, s) => (code = c ?? (s ? 128 : -1)));
  await waitFor(() => /listening on tcp \S+:\d+/.test(out) || code !== null, 15_000, "serve");
  if (code !== null) throw new Error(`serve exited ${code}: ${err}`);
  const port = Number(/listening on tcp \S+:(\d+)/.exec(out)![1]);
  return {
    proc,
    port,
    stdout: () => out,
    stderr: () => err,
    async stop(signal = "SIGTERM") {
      // process.kill, not proc.kill: Deno's ChildProcess reports a child it signalled
      // itself as killed by the signal even when the child exited 0 (measured, Deno 2.9).
      if (code === null) process.kill(proc.pid!, signal);
      const t = setTimeout(() => proc.kill("SIGKILL"), 8000);
      await waitFor(() => code !== null, 10_000, "serve exit");
      clearTimeout(t);
      return code!;
    },
  };
}

/** Result of {@link runConnect}. */
export interface ConnectResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs `tcpecho connect ...args` with binary stdin (optionally inside a netns). */
export function runConnect(
  args: string[],
  input: Uint8Array | string = "",
  opts: { netns?: string; timeoutMs?: number } = {},
): ConnectResult {
  const argv = cliArgv(["connect", ...args]);
  const [cmd, full] = opts.netns
    ? ["ip", ["netns", "exec", opts.netns, EXEC, ...argv]]
    : [EXEC, argv];
  const r = spawnSync(cmd, full, {
    input,
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    timeout: opts.timeoutMs ?? 30_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  return {
    code: r.status ?? (r.signal ? 128 : -1),
    stdout: r.stdout ?? Buffer.alloc(0),
    stderr: r.stderr?.toString() ?? "",
  };
}

/** Spawns `tcpecho connect` with piped stdin that the test controls (optionally in a netns). */
export function spawnConnect(args: string[], netns?: string): ChildProcess {
  const argv = cliArgv(["connect", ...args]);
  const [cmd, full] = netns ? ["ip", ["netns", "exec", netns, EXEC, ...argv]] : [EXEC, argv];
  return spawn(cmd, full, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Resident set size of a process in bytes (Linux /proc), or 0. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Why netns tests cannot run here, or "" if they can. */
export function netnsSkipReason(): string {
  if (process.platform !== "linux") return "network namespaces need Linux";
  if (!isRoot()) return "network namespaces need root";
  if (!haveCommand("ip")) return "iproute2 (ip) is not installed";
  if (!haveCommand("nft")) return "nftables (nft) is not installed";
  return "";
}

function sh(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`Cannot run ${cmd} ${args.join(" ")}: ${r.stderr}`);
}

/** Two namespaces joined by a veth: client 198.18.N.1, server 198.18.N.2. */
export interface NetnsPair {
  client: string;
  server: string;
  clientAddr: string;
  serverAddr: string;
  /** An address on the link that nobody owns (ARP fails). */
  ghostAddr: string;
  /** A /24 with an `unreachable` route in the client namespace. */
  unreachableAddr: string;
  /** An address with no route at all. */
  noRouteAddr: string;
  cleanup(): void;
}

/**
 * Creates a client/server namespace pair. In the server namespace nft drops
 * TCP port 9 (ETIMEDOUT) and rejects port 11 with ICMP host-unreachable.
 * The client uses tcp_syn_retries=1 (a SYN timeout takes about 3 s) and
 * tcp_retries2=3 (unacknowledged data times out after about 7 s).
 */
export function makeNetnsPair(tag: string, subnet: number): NetnsPair {
  const id = `${tag}${process.pid % 100000}`;
  const client = `t5c${id}`;
  const server = `t5s${id}`;
  const net = `198.18.${subnet}`;
  const cleanup = () => {
    spawnSync("ip", ["netns", "del", client]);
    spawnSync("ip", ["netns", "del", server]);
  };
  try {
    sh("ip", ["netns", "add", client]);
    sh("ip", ["netns", "add", server]);
    const vc = `v5c${id}`.slice(0, 15);
    const vs = `v5s${id}`.slice(0, 15);
    sh("ip", [
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
    for (const [ns, dev, addr] of [[client, vc, `${net}.1`], [server, vs, `${net}.2`]]) {
      sh("ip", ["-n", ns, "link", "set", "lo", "up"]);
      sh("ip", ["-n", ns, "addr", "add", `${addr}/24`, "dev", dev]);
      sh("ip", ["-n", ns, "link", "set", dev, "up"]);
    }
    sh("ip", ["-n", client, "route", "add", "unreachable", `198.18.${subnet + 1}.0/24`]);
    sh("ip", ["netns", "exec", client, "sysctl", "-q", "net.ipv4.tcp_syn_retries=1"]);
    sh("ip", ["netns", "exec", client, "sysctl", "-q", "net.ipv4.tcp_retries2=3"]);
    sh(
      "ip",
      ["netns", "exec", server, "nft", "-f", "-"],
      [
        "table inet t5 {",
        "  chain input {",
        "    type filter hook input priority 0; policy accept;",
        "    tcp dport 9 drop",
        "    tcp dport 11 reject with icmp type host-unreachable",
        "  }",
        "}",
      ].join("\n"),
    );
  } catch (e) {
    cleanup();
    throw e;
  }
  process.once("exit", cleanup);
  return {
    client,
    server,
    clientAddr: `${net}.1`,
    serverAddr: `${net}.2`,
    ghostAddr: `${net}.3`,
    unreachableAddr: `198.18.${subnet + 1}.2`,
    noRouteAddr: `198.18.${subnet + 3}.2`,
    cleanup,
  };
}

/** Like {@link runConnect} but without blocking the event loop (for in-process servers). */
export function runConnectAsync(
  args: string[],
  input: Uint8Array | string = "",
  timeoutMs = 30_000,
): Promise<ConnectResult> {
  const child = spawnConnect(args);
  const out: Buffer[] = [];
  let err = "";
  child.stdout!.on("data", (d) => out.push(d));
  child.stderr!.on("data", (d) => (err += d));
  child.stdin!.on("error", () => {});
  child.stdin!.end(input);
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (c, s) => {
      clearTimeout(t);
      resolve({ code: c ?? (s ? 128 : -1), stdout: Buffer.concat(out), stderr: err });
    });
  });
}
