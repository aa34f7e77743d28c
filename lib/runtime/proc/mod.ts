/**
 * Child processes, self-invocation and the root check for the runtime
 * executing this code, loaded once by feature detection.
 *
 * @example
 * ```ts
 * import { getProc } from "./mod.ts";
 * const proc = await getProc();
 * const p = proc.spawn([...proc.selfCommand(), "--version"]);
 * console.log(await p.exited, p.stdout());
 * ```
 * @module
 */
import { runtimeName } from "../mod.ts";
import type { ProcApi } from "./types.ts";

export type { Proc, ProcApi, ProcExit, RunResult, SpawnOptions } from "./types.ts";

let cached: Promise<ProcApi> | undefined;

/** The process API for this process (loaded once). */
export function getProc(): Promise<ProcApi> {
  cached ??= runtimeName() === "bun"
    ? import("./bun.ts").then((m) => m.proc)
    : import("./deno.ts").then((m) => m.proc);
  return cached;
}
