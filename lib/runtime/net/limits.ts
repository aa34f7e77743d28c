/**
 * The process's descriptor limit (`ulimit -n`), read from /proc/self/limits
 * (Linux), so an EMFILE can be reported with the number that caused it.
 * Without read access (Deno without --allow-read) or off Linux: undefined.
 * @module
 */
import { readFileSync } from "node:fs";

/** Soft and hard RLIMIT_NOFILE ("unlimited" is Infinity). */
export interface FdLimit {
  soft: number;
  hard: number;
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
