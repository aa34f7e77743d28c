/**
 * Test helpers shared by the suite: run the CLI as a subprocess under the same
 * runtime that runs the test, find the repository root, make temp folders.
 * Tests use node: APIs (which both runtimes provide) and never Deno.* / Bun.*.
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, fromFileUrl, join } from "./path.ts";
import process from "node:process";
import { runtimeName } from "../../lib/runtime/mod.ts";

/** The repository root. */
export const ROOT = dirname(dirname(dirname(fromFileUrl(import.meta.url))));

/** Which runtime runs this test file. */
export const RUNTIME = runtimeName();

/** The runtime binary running the tests. */
export const EXEC = process.execPath;

/** The argv prefix that runs the CLI under this runtime. */
export function cliArgv(args: string[]): string[] {
  countSpawn(args);
  const main = join(ROOT, "cmd", "main.ts");
  return RUNTIME === "deno" ? ["run", "-A", "--no-check", main, ...args] : [main, ...args];
}

/**
 * With TCPECHO_TEST_SPAWN_LOG set (bench/test_cpu.sh), appends one line per
 * CLI process a test starts, so the CPU table can say how many each file starts.
 */
export function countSpawn(args: string[]): void {
  const log = process.env.TCPECHO_TEST_SPAWN_LOG;
  if (log) appendFileSync(log, args.join(" ").slice(0, 200) + "\n");
}

/** Result of {@link runCli}. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (bounded by `timeoutMs`). */
export function runCli(
  args: string[],
  opts: {
    input?: string | Uint8Array;
    env?: Record<string, string>;
    timeoutMs?: number;
    cwd?: string;
  } = {},
): CliResult {
  const r = spawnSync(EXEC, cliArgv(args), {
    input: opts.input,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    timeout: opts.timeoutMs ?? 30_000,
    cwd: opts.cwd ?? ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
  return {
    code: r.status ?? (r.signal ? 128 : -1),
    stdout: r.stdout?.toString() ?? "",
    stderr: r.stderr?.toString() ?? "",
  };
}

/**
 * {@link runCli} without blocking this process's event loop: for a CLI process
 * that talks to a server running in the test's own process (serveInProcess).
 */
export function runCliAsync(
  args: string[],
  opts: { input?: string | Uint8Array; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawnCli(args);
  let stdout = "", stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.on("error", () => {});
  child.stdin.end(opts.input ?? "");
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
    child.on("close", (c, s) => {
      clearTimeout(t);
      resolve({ code: c ?? (s ? 128 : -1), stdout, stderr });
    });
  });
}

/** Runs the CLI asynchronously (for long-running commands like serve). */
export function spawnCli(args: string[], env: Record<string, string> = {}) {
  return spawn(EXEC, cliArgv(args), {
    env: { ...process.env, NO_COLOR: "1", ...env },
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Makes a temporary folder; returns its path and a cleanup function. */
export function tempDir(prefix = "tcpecho-test-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** Whether a command exists on PATH. */
export function haveCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

/** Whether this process is root (needed for network namespaces). */
export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * A test's `skip` option that also prints why (Deno's runner does not show
 * node:test skip reasons). Returns false when the test should run.
 *
 * @example
 * ```ts
 * test("lab: normal", { skip: skipUnless(isRoot(), "needs root for network namespaces") }, () => {});
 * ```
 */
export function skipUnless(condition: boolean, reason: string): string | false {
  if (condition) return false;
  console.log(`skip: ${reason}`);
  return reason;
}
