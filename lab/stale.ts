/**
 * Namespaces left by a lab that was killed with SIGKILL (nothing can clean up
 * after that): their names carry the lab's pid, so a later lab can tell they
 * are orphans and remove them.
 * @module
 */
import process from "node:process";
import type { ProcApi } from "../lib/runtime/proc/mod.ts";
import { NS_PATTERN } from "./names.ts";
import { destroyNamespaces } from "./netns.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/**
 * The lab namespaces whose lab process no longer runs.
 *
 * @example
 * ```ts
 * import { getProc } from "../lib/runtime/proc/mod.ts";
 * const proc = await getProc();
 * staleNamespaces(proc); // ["tcpecho-4242-a1b2c3-c", "tcpecho-4242-a1b2c3-s"]
 * ```
 */
export function staleNamespaces(proc: ProcApi): string[] {
  const r = proc.run(["ip", "netns", "list"], 10_000);
  return r.stdout.split("\n")
    .map((l) => l.split(" ")[0])
    .filter((n) => {
      const m = NS_PATTERN.exec(n);
      return m !== null && !alive(Number(m[1]));
    });
}

/**
 * Removes orphaned lab namespaces (and any process inside them).
 * Returns the names removed.
 *
 * @example
 * ```ts
 * import { getProc } from "../lib/runtime/proc/mod.ts";
 * const proc = await getProc();
 * removeStale(proc); // []
 * ```
 */
export function removeStale(proc: ProcApi): string[] {
  const names = staleNamespaces(proc);
  destroyNamespaces(proc, names);
  return names;
}
