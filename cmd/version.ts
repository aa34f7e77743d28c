/**
 * The tcpecho version (kept in step with package.json by a test) and the
 * commit it was built from.
 * @module
 */
import { dirPath, fileUrlPath, joinPath } from "./posix_path.ts";
import type { Runtime } from "../lib/runtime/mod.ts";

/** The tcpecho version. */
export const VERSION = "0.1.0";

// Set by `bun build --define TCPECHO_COMMIT='"abc1234"'` (scripts/release.sh).
declare const TCPECHO_COMMIT: string | undefined;

function builtCommit(): string | undefined {
  try {
    return typeof TCPECHO_COMMIT === "string" && TCPECHO_COMMIT !== "" ? TCPECHO_COMMIT : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The commit of a source checkout, read from the .git next to this file
 * (a plain clone or a `git worktree`), when reading is allowed without asking.
 */
function checkoutCommit(rt: Runtime): string | undefined {
  if (!import.meta.url.startsWith("file:")) return undefined;
  const root = dirPath(dirPath(fileUrlPath(import.meta.url)));
  const dotGit = joinPath(root, ".git");
  const file = rt.readTextIfAllowed(dotGit);
  let gitDir = dotGit;
  if (file !== undefined) {
    const m = /^gitdir: (.+)$/m.exec(file);
    if (!m) return undefined;
    gitDir = m[1].trim().startsWith("/") ? m[1].trim() : joinPath(root, m[1].trim());
  }
  const head = rt.readTextIfAllowed(joinPath(gitDir, "HEAD"))?.trim();
  if (!head) return undefined;
  if (/^[0-9a-f]{40}$/.test(head)) return head.slice(0, 7);
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  const common = rt.readTextIfAllowed(joinPath(gitDir, "commondir"))?.trim();
  const commonDir = common ? (common.startsWith("/") ? common : joinPath(gitDir, common)) : gitDir;
  for (const dir of [gitDir, commonDir]) {
    const id = rt.readTextIfAllowed(joinPath(dir, ref))?.trim();
    if (id && /^[0-9a-f]{40}$/.test(id)) return id.slice(0, 7);
  }
  const packed = rt.readTextIfAllowed(joinPath(commonDir, "packed-refs")) ?? "";
  for (const line of packed.split("\n")) {
    const [id, name] = line.split(" ");
    if (name === ref && /^[0-9a-f]{40}$/.test(id)) return id.slice(0, 7);
  }
  return undefined;
}

/**
 * The `--version` line: "tcpecho 0.1.0 (bun 1.4.5, commit 4bb71d2)". The
 * commit is "unknown" when neither the build nor a readable checkout says.
 */
export function versionLine(rt: Runtime): string {
  const commit = builtCommit() ?? checkoutCommit(rt) ?? "unknown";
  return `tcpecho ${VERSION} (${rt.name} ${rt.version}, commit ${commit})\n`;
}
