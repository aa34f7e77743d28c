/**
 * {@link ProcApi} for Deno: node:child_process for children; tcpecho itself is
 * `deno run -A cmd/main.ts` or, in a `deno compile` binary, the binary alone.
 * @module
 */
import { isRootUser, mainScript, runProc, spawnProc } from "./node_spawn.ts";
import type { ProcApi } from "./types.ts";

function selfCommand(): string[] {
  const exe = Deno.execPath();
  const base = exe.split("/").pop() ?? exe;
  // A compiled binary is not called "deno"; its arguments are tcpecho's own.
  if (base !== "deno") return [exe];
  return [exe, "run", "-A", mainScript()];
}

/** The process API for Deno. */
export const proc: ProcApi = {
  spawn: spawnProc,
  run: runProc,
  selfCommand,
  isRoot: isRootUser,
};
