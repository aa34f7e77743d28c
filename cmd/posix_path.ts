/**
 * The few POSIX path operations the start-up path needs (version.ts,
 * explain_run.ts), written out because importing node:path and node:url costs
 * Deno 30-40 ms of start-up on every command. tcpecho runs on Linux (and other
 * POSIX systems): paths use "/".
 * @module
 */

/**
 * A path without empty or "." segments and with each ".." applied where it
 * can be (node:path's `normalize`, trailing "/" kept).
 *
 * @example
 * ```ts
 * normalizePath("./caps//a/../b.pcap"); // "caps/b.pcap"
 * ```
 */
export function normalizePath(p: string): string {
  if (p === "") return ".";
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (seg === ".." && abs) continue;
    else out.push(seg);
  }
  let r = (abs ? "/" : "") + out.join("/");
  if (r === "") r = abs ? "/" : ".";
  if (p.endsWith("/") && !r.endsWith("/")) r += "/";
  return r;
}

/**
 * Paths joined and normalized, as node:path's `join` does.
 *
 * @example
 * ```ts
 * joinPath("./caps/", "a.pcap"); // "caps/a.pcap"
 * ```
 */
export function joinPath(...parts: string[]): string {
  const kept = parts.filter((p) => p !== "");
  return kept.length === 0 ? "." : normalizePath(kept.join("/"));
}

/**
 * The folder part of a path ("/" for a file at the root, "." for a bare name).
 *
 * @example
 * ```ts
 * dirPath("/work/main/cmd"); // "/work/main"
 * ```
 */
export function dirPath(p: string): string {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, "") : p;
  const i = trimmed.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : trimmed.slice(0, i);
}

/**
 * The path of a `file:` URL (percent-escapes decoded).
 *
 * @example
 * ```ts
 * fileUrlPath("file:///work/my%20dir/x.ts"); // "/work/my dir/x.ts"
 * ```
 */
export function fileUrlPath(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}
