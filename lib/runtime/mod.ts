/**
 * Detects the host runtime and loads its implementation of {@link Runtime}.
 * One runtime never loads the other's code: the implementation module is
 * imported dynamically after feature detection.
 *
 * @example
 * ```ts
 * import { getRuntime } from "./mod.ts";
 * const rt = await getRuntime();
 * await rt.writeStdout(`running on ${rt.name} ${rt.version}\n`);
 * ```
 * @module
 */
import type { Runtime } from "./types.ts";

export type { ByteReader, MissingPermission, PathInfo, Runtime, SignalName } from "./types.ts";

/** Which runtime is executing this code, from feature detection. */
export function runtimeName(): "deno" | "bun" {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.Bun === "object" && g.Bun !== null) return "bun";
  if (typeof g.Deno === "object" && g.Deno !== null) return "deno";
  throw new Error("Cannot run: tcpecho needs Deno 2 or Bun (neither was detected)");
}

let cached: Promise<Runtime> | undefined;

/** The runtime implementation for this process (loaded once). */
export function getRuntime(): Promise<Runtime> {
  cached ??= runtimeName() === "bun"
    ? import("./bun.ts").then((m) => m.runtime)
    : import("./deno.ts").then((m) => m.runtime);
  return cached;
}
