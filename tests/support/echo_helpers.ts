/**
 * Helpers for the serve/connect tests: start `tcpecho serve` on an ephemeral
 * port and wait for its "listening" line, run `tcpecho connect` with binary
 * stdin (optionally inside a network namespace, see tests/support/netns.ts). Every
 * wait is bounded.
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import process from "node:process";
import { cliArgv, EXEC, ROOT, spawnCli } from "./helpers.ts";
import { startInProcess } from "./cli_inproc.ts";

/** A running `tcpecho serve`. */
export interface Served {
  proc: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves to the exit code (bounded: SIGKILL after 8 s). */
  stop(signal?: "SIGTERM" | "SIGINT"): Promise<number>;
}

/** A loopback TCP port nothing listens on (a node:net listener's, once closed). */
export async function closedPort(host = "127.0.0.1"): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
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

/** A spawned `tcpecho connect` whose output and exit code the test reads. */
export interface WatchedConnect {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** The exit code; null while it runs (and after a death by signal). */
  code(): number | null;
  /** Closes stdin and SIGKILLs the process unless it has exited. */
  stop(): void;
}

/**
 * {@link spawnConnect} with stdout and stderr collected and the exit code kept.
 *
 * @example
 * ```ts
 * const c = watchConnect(["127.0.0.1", String(port)]);
 * try { await waitFor(() => c.code() !== null, 10_000, "exit"); } finally { c.stop(); }
 * ```
 */
export function watchConnect(args: string[], netns?: string): WatchedConnect {
  const child = spawnConnect(args, netns);
  let out = "";
  let err = "";
  let code: number | null = null;
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  child.on("exit", (c) => (code = c));
  return {
    child,
    out: () => out,
    err: () => err,
    code: () => code,
    stop() {
      child.stdin!.destroy();
      if (code === null) child.kill("SIGKILL");
    },
  };
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

/**
 * Like {@link runConnect} but without blocking the event loop (for in-process
 * servers), and in this process (tests/support/cli_inproc.ts: `input` is what
 * connect reads from stdin, then end of input): a CLI start saved. What needs
 * connect as a process (signals, a stdin left open, a closed stdout) uses
 * {@link spawnConnect} or {@link watchConnect}.
 */
export async function runConnectAsync(
  args: string[],
  input: Uint8Array | string = "",
): Promise<ConnectResult> {
  const run = await startInProcess(["connect", ...args], { input });
  const r = await run.done;
  return { code: r.code, stdout: Buffer.from(run.stdoutBytes()), stderr: r.stderr };
}
