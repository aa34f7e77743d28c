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

/** What the lab does: run programs, read and write captures, read env/uid. */
const NEEDED: Deno.PermissionDescriptor[] = [
  { name: "run" },
  { name: "read" },
  { name: "write" },
  { name: "env" },
  { name: "sys" },
];

function missingPermissions(): string[] {
  return NEEDED.filter((d) => Deno.permissions.querySync(d).state !== "granted")
    .map((d) => `--allow-${d.name}`);
}

/** The process API for Deno. */
export const proc: ProcApi = {
  spawn: spawnProc,
  run: runProc,
  selfCommand,
  isRoot: isRootUser,
  missingPermissions,
};
