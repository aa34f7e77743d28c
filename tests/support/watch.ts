/**
 * Helpers for `tcpecho watch` tests: start a watch (optionally inside a
 * network namespace), wait until it captures, read its output, stop it.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "./echo_helpers.ts";
import { cliArgv, EXEC, ROOT } from "./helpers.ts";

/** A running `tcpecho watch`. */
export interface Watching {
  proc: ChildProcess;
  out(): string;
  err(): string;
  code(): number | null;
  /** Sends `signal` (default SIGINT) and resolves to the exit code (SIGKILL after 10 s). */
  stop(signal?: "SIGINT" | "SIGTERM"): Promise<number>;
}

/** Starts `tcpecho watch ...args` and resolves once it says it is capturing. */
export async function startWatch(args: string[], netns?: string): Promise<Watching> {
  const argv = cliArgv(["watch", ...args]);
  const [cmd, full] = netns ? ["ip", ["netns", "exec", netns, EXEC, ...argv]] : [EXEC, argv];
  const proc = spawn(cmd, full, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let code: number | null = null;
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  proc.on("exit", (c, s) => (code = c ?? (s ? 128 : -1)));
  const w: Watching = {
    proc,
    out: () => out,
    err: () => err,
    code: () => code,
    async stop(signal = "SIGINT") {
      if (code === null) process.kill(proc.pid!, signal);
      const t = setTimeout(() => {
        if (code === null) proc.kill("SIGKILL");
      }, 10_000);
      try {
        await waitFor(() => code !== null, 12_000, "watch exit");
      } finally {
        clearTimeout(t);
      }
      return code!;
    },
  };
  try {
    await waitFor(() => /watch: capturing on/.test(err) || code !== null, 20_000, "watch start");
  } catch (e) {
    await w.stop();
    throw e;
  }
  return w;
}
