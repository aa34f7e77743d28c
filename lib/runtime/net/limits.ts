/**
 * The process's descriptor limit (`ulimit -n`), read from /proc/self/limits
 * (Linux), so an EMFILE can be reported with the number that caused it.
 * Without read access (Deno without --allow-read) or off Linux: undefined.
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";

/** Soft and hard RLIMIT_NOFILE ("unlimited" is Infinity). */
export interface FdLimit {
  soft: number;
  hard: number;
}

/**
 * Whether this process may read `path` without asking: on Deno without
 * --allow-read a read would prompt on a terminal (serve and connect run with
 * --allow-net --allow-env only), so it is not tried. Bun: always.
 */
function mayRead(path: string): boolean {
  const deno = (globalThis as {
    Deno?: { permissions?: { querySync?(d: { name: "read"; path: string }): { state: string } } };
  }).Deno;
  const query = deno?.permissions?.querySync;
  if (!query) return true;
  try {
    return query.call(deno.permissions, { name: "read", path }).state === "granted";
  } catch {
    return false;
  }
}

let cached: FdLimit | undefined;

/**
 * The open-files limit of this process, or undefined when it cannot be read.
 * The first answer is kept: once the process is out of descriptors it could
 * not open /proc/self/limits any more, so callers ask once early (listen does).
 *
 * @example
 * ```ts
 * openFileLimit()?.soft; // 1024
 * ```
 */
export function openFileLimit(): FdLimit | undefined {
  if (cached) return cached;
  if (!mayRead("/proc/self/limits")) return undefined;
  let text: string;
  try {
    text = readFileSync("/proc/self/limits", "utf8");
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return undefined;
  const n = (s: string) => (s === "unlimited" ? Infinity : Number(s));
  return cached = { soft: n(m[1]), hard: n(m[2]) };
}

/**
 * How many descriptors this process has open (entries of /proc/self/fd), or
 * "EMFILE" when listing them fails for want of one, or undefined when unknown.
 *
 * @example
 * ```ts
 * openFdCount(); // 23
 * ```
 */
export function openFdCount(): number | "EMFILE" | undefined {
  if (!mayRead("/proc/self/fd")) return undefined;
  try {
    return readdirSync("/proc/self/fd").length;
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === "EMFILE" || code === "ENFILE" ? "EMFILE" : undefined;
  }
}

/**
 * Descriptors this process may still open before EMFILE, keeping `reserve`
 * for the runtime's own needs; undefined when unknown (not Linux, no access).
 *
 * @example
 * ```ts
 * freeDescriptors(32); // 1024 - 23 - 32 = 969
 * ```
 */
export function freeDescriptors(reserve: number): number | undefined {
  const lim = openFileLimit();
  const open = openFdCount();
  if (lim === undefined || open === undefined) return undefined;
  if (open === "EMFILE") return 0;
  return Math.max(0, lim.soft - open - reserve);
}

/**
 * Whether this process is out of descriptors right now (Bun reports a connect
 * that failed for want of a descriptor as ECONNREFUSED: this tells them apart).
 *
 * @example
 * ```ts
 * atDescriptorLimit(); // false
 * ```
 */
export function atDescriptorLimit(): boolean {
  const lim = openFileLimit();
  const open = openFdCount();
  if (open === "EMFILE") return true;
  return lim !== undefined && open !== undefined && open >= lim.soft - 1;
}

/**
 * "EMFILE, too many open files (ulimit -n is 1024)": the errno with its meaning and the limit.
 *
 * @example
 * ```ts
 * describeFdExhaustion("EMFILE"); // "EMFILE, too many open files: this process reached its limit (ulimit -n 1024)"
 * ```
 */
export function describeFdExhaustion(code: string): string {
  if (code === "ENFILE") {
    return "ENFILE, too many open files in the system: the kernel's file table is full (fs.file-max)";
  }
  if (code !== "EMFILE") return code;
  const lim = openFileLimit();
  const limit = lim === undefined
    ? "ulimit -n"
    : `ulimit -n ${lim.soft}${lim.hard !== lim.soft ? `, hard limit ${lim.hard}` : ""}`;
  return `EMFILE, too many open files: this process reached its descriptor limit (${limit})`;
}
