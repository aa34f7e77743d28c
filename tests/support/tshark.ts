/**
 * tshark, run once per question: the system tier asks tshark the same thing
 * under Deno and again under Bun (hundreds of third-party captures), so its
 * answers are kept in a cache folder in the system's temporary directory,
 * keyed by the tshark binary (path, size, time), the arguments, and each input
 * file's size and modification time. A changed capture or another tshark asks
 * again.
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** What tshark answered. */
export interface TsharkResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

let version: string | undefined;

/** tshark's identity, cheaply: the size and time of the binary on PATH (`tshark -v` takes seconds). */
function tsharkIdentity(): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    try {
      const st = statSync(join(dir || ".", "tshark"));
      if (st.isFile()) return `${dir}/tshark ${st.size} ${Math.floor(st.mtimeMs)}`;
    } catch { /* not here */ }
  }
  return "";
}
const CACHE = join(tmpdir(), "tcpecho-tshark-cache");

/** Runs `tshark ARGS` (bounded by `timeoutMs`), or returns the cached answer. */
export function runTshark(args: string[], timeoutMs = 120_000): TsharkResult {
  version ??= tsharkIdentity();
  const h = createHash("sha256").update(version);
  for (const a of args) {
    h.update("\0" + a);
    try {
      const st = statSync(a);
      if (st.isFile()) h.update(`\0${st.size}\0${Math.floor(st.mtimeMs)}`);
    } catch { /* not a file */ }
  }
  const file = join(CACHE, h.digest("hex") + ".json");
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch { /* not cached yet */ }
  const r = spawnSync("tshark", args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 1 << 28 });
  const result = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  // Only complete answers are kept (not a timeout or a signal).
  if (r.status !== null && !r.error) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(result));
    renameSync(tmp, file);
  }
  return result;
}
