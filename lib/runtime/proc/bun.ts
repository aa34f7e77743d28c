/**
 * {@link ProcApi} for Bun: node:child_process for children; tcpecho itself is
 * `bun cmd/main.ts` or, in a `bun build --compile` binary, the binary alone.
 * @module
 */
import process from "node:process";
import { isRootUser, mainScript, runProc, spawnProc } from "./node_spawn.ts";
import type { ProcApi } from "./types.ts";

/** The part of the `Bun` global this file uses (Deno type-checks this file too). */
const BunGlobal = (globalThis as unknown as { Bun: { main: string } }).Bun;

function selfCommand(): string[] {
  // Compiled binaries run their script from Bun's embedded file system.
  if (BunGlobal.main.startsWith("/$bunfs/")) return [process.execPath];
  return [process.execPath, mainScript()];
}

/** The process API for Bun. */
export const proc: ProcApi = {
  spawn: spawnProc,
  run: runProc,
  selfCommand,
  isRoot: isRootUser,
  missingPermissions: () => [],
};
