/**
 * Files the lab writes as root: its private working folder, and the copies
 * `--keep DIR` keeps. DIR may be a shared folder (/tmp/…) where someone else
 * planted `normal.pcap -> /etc/shadow`; writing there by name would follow
 * the link and overwrite its target as root. So tcpdump writes only into the
 * lab's own folder (mode 0700, made by mkdtemp), and a kept file is written
 * to a fresh name opened with O_CREAT|O_EXCL|O_NOFOLLOW (fails rather than
 * follow or reuse anything) and then renamed over the final name: rename(2)
 * replaces a planted link itself, never its target.
 *
 * The working folders carry the lab's pid (`tcpecho-lab-PID-XXXXXX`), so a
 * later lab removes those of a lab that was killed, as it does for namespaces.
 * @module
 */
import {
  closeSync,
  constants,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { randomHex } from "./names.ts";

/** The lab's working folders in the temporary directory: tcpecho-lab-PID-XXXXXX. */
export const WORKDIR_PATTERN = /^tcpecho-lab-(\d+)-[A-Za-z0-9]+$/;

/**
 * A new private working folder (0700) named after this process.
 *
 * @example
 * ```ts
 * labWorkdir(); // "/tmp/tcpecho-lab-4242-Ab3dE9"
 * ```
 */
export function labWorkdir(base = tmpdir()): string {
  return mkdtempSync(join(base, `tcpecho-lab-${process.pid}-`));
}

/**
 * Writes `data` to `dir/name` without following or reusing whatever is at
 * that name: a new file with a random name (O_EXCL|O_NOFOLLOW, mode 0644),
 * then rename over `name`. Returns the final path.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(24); // a capture's bytes
 * keepFile("/tmp/shared", "normal.pcap", bytes); // "/tmp/shared/normal.pcap"
 * ```
 */
export function keepFile(dir: string, name: string, data: Uint8Array | string): string {
  const final = join(dir, name);
  const tmp = join(dir, `.${name}.${randomHex(8)}.tmp`);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL |
    constants.O_NOFOLLOW;
  const fd = openSync(tmp, flags, 0o644);
  try {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, final);
  return final;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/**
 * Removes the working folders of labs that no longer run; returns their paths.
 *
 * @example
 * ```ts
 * removeStaleWorkdirs(); // ["/tmp/tcpecho-lab-4242-Ab3dE9"]
 * ```
 */
export function removeStaleWorkdirs(base = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = WORKDIR_PATTERN.exec(n);
    if (!m || alive(Number(m[1]))) continue;
    const path = join(base, n);
    try {
      // Only a real folder of our own user (mkdtemp's): never a planted link or another's.
      const st = lstatSync(path);
      if (!st.isDirectory() || st.uid !== process.getuid?.()) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch { /* not ours to remove after all */ }
  }
  return removed;
}
