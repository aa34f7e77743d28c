/**
 * The input side of `tcpecho explain`: opening the captures (a folder stands
 * for its files), the source that flushes pending output before each read,
 * and the progress line.
 * @module
 */
import { joinPath } from "./posix_path.ts";
import { looksLikeCapture } from "../lib/capture/reader.ts";
import type { ByteSource, CaptureInfo } from "../lib/capture/types.ts";
import type { CaptureSetInfo } from "../lib/explain/pipeline.ts";
import { TcpechoError, usageError } from "../lib/errors.ts";
import type { Runtime } from "../lib/runtime/mod.ts";
import type { CommandContext } from "./cli.ts";

/** Files at least this big get a progress line (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;

export async function open(
  ctx: CommandContext,
  file: string,
): Promise<ByteSource & { close(): void }> {
  if (file === "-") return ctx.rt.stdin();
  try {
    return await ctx.rt.openFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code ?? "EIO";
    const why = code === "ENOENT"
      ? "no such file"
      : code === "EACCES"
      ? "permission denied"
      : code === "EISDIR"
      ? "it is a directory"
      : (e as Error).message;
    throw new TcpechoError(`Cannot open capture '${file}': ${why} (${code})`, {
      code,
      hint: "give a pcap or pcapng file, or - to read standard input",
      cause: e,
    });
  }
}

/**
 * The files to read: a folder stands for the capture files in it (not
 * sub-folders), in name order. A file in a folder that does not start as a
 * pcap, pcapng or gzip file (a README, the NDJSON written beside the
 * captures: docs/json.md) is left out and named in `skipped`; a file given
 * by name is always read (and fails if it is not a capture).
 */
export async function captureFiles(
  rt: Runtime,
  given: string[],
): Promise<{ files: string[]; skipped: string[] }> {
  noStdinWithFiles(given);
  const files: string[] = [], skipped: string[] = [];
  for (const f of given) {
    if (!isDirectory(rt, f)) {
      files.push(f);
      continue;
    }
    const inFolder = expandFiles(rt, [f]);
    const kept: string[] = [];
    for (const p of inFolder) (await startsAsCapture(rt, p) ? kept : skipped).push(p);
    if (kept.length === 0) {
      throw new TcpechoError(
        `Cannot read capture folder '${f}': none of its ${inFolder.length} file(s) is a capture`,
        {
          code: "ENOENT",
          hint: "a folder is read as the pcap, pcapng and gzip files in it; give capture files, " +
            "or a folder that holds them",
        },
      );
    }
    files.push(...kept);
  }
  return { files, skipped };
}

/** Whether a file starts as a capture; true when it cannot be read (opening it says why). */
async function startsAsCapture(rt: Runtime, path: string): Promise<boolean> {
  let r;
  try {
    r = await rt.openFile(path);
  } catch {
    return true;
  }
  try {
    const head = new Uint8Array(4);
    let n = 0;
    while (n < head.length) {
      const k = await r.read(head.subarray(n));
      if (k === null) break;
      n += k;
    }
    return looksLikeCapture(head.subarray(0, n));
  } catch {
    return true;
  } finally {
    r.close();
  }
}

/** Every file a folder holds (not sub-folders), in name order; other names as given. */
export function expandFiles(rt: Runtime, given: string[]): string[] {
  noStdinWithFiles(given);
  const out: string[] = [];
  for (const f of given) {
    if (!isDirectory(rt, f)) {
      out.push(f);
      continue;
    }
    const inside = rt.readDirNames(f).sort().map((n) => joinPath(f, n)).filter((p) =>
      rt.statPath(p)?.isFile === true
    );
    if (inside.length === 0) {
      throw new TcpechoError(`Cannot read capture folder '${f}': it holds no files`, {
        code: "ENOENT",
        hint: "give capture files, or a folder that holds them",
      });
    }
    out.push(...inside);
  }
  return out;
}

/** Standard input (-) is read alone: a usage error beside files. */
function noStdinWithFiles(given: string[]): void {
  if (given.length > 1 && given.includes("-")) {
    throw usageError(
      "Cannot read standard input (-) together with files",
      "give either - alone or capture files",
    );
  }
}

export function isDirectory(rt: Runtime, file: string | undefined): boolean {
  if (file === undefined || file === "-") return false;
  return rt.statPath(file)?.isDirectory === true;
}

/** For a capture set: one line per file with its merged frame count. */
export function fileLines(info: CaptureInfo | CaptureSetInfo): string {
  const files = (info as CaptureSetInfo).files;
  if (files === undefined) return "";
  return `capture set of ${files.length} files merged by time: ` +
    files.map((f, i) => `[${i}] ${f.name} (${f.frames} frames${f.truncated ? ", truncated" : ""})`)
      .join(", ") +
    "\n";
}

export function fileSize(rt: Runtime, file: string): number {
  return file === "-" ? 0 : rt.statPath(file)?.size ?? 0;
}

/** A source that flushes pending output before each read and reports progress. */
export function pumpingSource(
  src: ByteSource,
  flush: () => Promise<void>,
  progress: ((bytes: number) => Promise<void>) | undefined,
  cap: number,
): ByteSource {
  let total = 0;
  return {
    async read(into) {
      await flush();
      const n = await src.read(into.length > cap ? into.subarray(0, cap) : into);
      if (n !== null) {
        total += n;
        if (progress) await progress(total);
      }
      return n;
    },
  };
}

export function progressReporter(ctx: CommandContext, size: number, frames: () => number) {
  if (size < PROGRESS_MIN_BYTES || !ctx.rt.isTerminal(2)) return undefined;
  let last = 0;
  const report = async (bytes: number) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    const pct = Math.min(100, (bytes / size) * 100).toFixed(0);
    await ctx.rt.writeStderr(`\rexplain: ${pct}%  ${frames().toLocaleString("en")} frames  `);
  };
  return { report, done: () => ctx.rt.writeStderr("\r\x1b[K") };
}
