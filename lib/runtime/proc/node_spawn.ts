/**
 * The child-process part of {@link ProcApi}, on node:child_process, which
 * both runtimes provide and which behaved the same on both for what is used
 * here (see types.ts for the two Deno differences this code avoids).
 * @module
 */
import { spawn as nodeSpawn, spawnSync } from "node:child_process";
import process from "node:process";
import type { Proc, ProcExit, RunResult, SpawnOptions } from "./types.ts";

/**
 * Starts a child with pipes; output is collected in memory (the lab's
 * children print a few lines each).
 *
 * @example
 * ```ts
 * const p = spawnProc(["sleep", "5"]);
 * p.kill("SIGTERM");
 * await p.exited; // { code: null, signal: "SIGTERM" }
 * ```
 */
export function spawnProc(argv: string[], opts: SpawnOptions = {}): Proc {
  const child = nodeSpawn(argv[0], argv.slice(1), {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdio: [opts.stdin === false ? "ignore" : "pipe", "pipe", "pipe"],
  });
  let out = "", err = "";
  let ended: ProcExit | undefined;
  let stdinOpen = opts.stdin !== false;
  child.stdout?.on("data", (d) => out += String(d));
  child.stderr?.on("data", (d) => err += String(d));
  child.stdin?.on("error", () => stdinOpen = false);
  const exited = new Promise<ProcExit>((resolve) => {
    child.on("error", (e) => {
      err += `Cannot start ${argv[0]}: ${(e as Error).message}\n`;
      ended ??= { code: 127, signal: null };
      resolve(ended);
    });
    child.on("close", (code, signal) => {
      ended ??= { code, signal };
      resolve(ended);
    });
  });
  return {
    pid: child.pid ?? -1,
    argv,
    stdout: () => out,
    stderr: () => err,
    write(data) {
      if (stdinOpen && child.stdin) child.stdin.write(data);
    },
    closeStdin() {
      if (stdinOpen && child.stdin) child.stdin.end();
      stdinOpen = false;
    },
    kill(signal) {
      if (ended || child.pid === undefined) return false;
      try {
        process.kill(child.pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    exited,
    exit: () => ended,
  };
}

/**
 * Runs a short command to completion with a hard time limit.
 *
 * @example
 * ```ts
 * runProc(["ip", "netns", "list"], 5000).stdout;
 * ```
 */
export function runProc(argv: string[], timeoutMs: number): RunResult {
  const r = spawnSync(argv[0], argv.slice(1), {
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    maxBuffer: 16 * 1024 * 1024,
  });
  const failed = r.error !== undefined && (r.error as { code?: string }).code !== "ETIMEDOUT";
  return {
    code: failed ? 127 : r.status ?? null,
    signal: r.signal ?? null,
    stdout: r.stdout?.toString() ?? "",
    stderr: (r.stderr?.toString() ?? "") + (failed ? `${(r.error as Error).message}\n` : ""),
    timedOut: (r.error as { code?: string } | undefined)?.code === "ETIMEDOUT",
  };
}

/** Whether this process runs as uid 0. */
export function isRootUser(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * The path of tcpecho's cmd/main.ts, found from this file's own location (so
 * a test or script that imports the lab still runs tcpecho, not itself).
 *
 * @example
 * ```ts
 * mainScript(); // "/home/me/tcpecho/cmd/main.ts"
 * ```
 */
export function mainScript(): string {
  return decodeURIComponent(new URL("../../../cmd/main.ts", import.meta.url).pathname);
}
