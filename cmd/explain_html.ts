/**
 * `tcpecho explain --format html`: renders the same report objects as
 * `--format json` into one self-contained HTML page and writes it to `-o FILE`
 * or standard output.
 * @module
 */
import type { CaptureInfo } from "../lib/capture/types.ts";
import { TcpechoError, usageError } from "../lib/errors.ts";
import { renderHtmlReport } from "../lib/report/html/mod.ts";
import { captureJson, type ConnectionReport } from "../lib/report/json.ts";
import type { CommandContext } from "./cli.ts";

/**
 * Checks `--output` against the format before any reading starts.
 *
 * @example
 * ```ts
 * checkOutput("json", "x.json"); // throws: usage error (exit 2)
 * ```
 */
export function checkOutput(format: string, output: string | undefined): void {
  if (output === undefined || format === "html") return;
  if (output === "") throw usageError("Option --output needs a file name", "e.g. -o report.html");
  throw usageError(
    `Cannot use --output with --format ${format}: only the html report is written to a file`,
    `redirect standard output instead: tcpecho explain CAPTURE --format ${format} > FILE`,
  );
}

const WHY: Record<string, string> = {
  ENOENT: "its folder does not exist",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
};

/**
 * Renders and writes the HTML report.
 *
 * @example
 * ```ts
 * // await writeHtmlReport(ctx, "report.html", "capture.pcap", info, reports);
 * ```
 */
export async function writeHtmlReport(
  ctx: CommandContext,
  output: string | undefined,
  file: string,
  info: CaptureInfo,
  reports: ConnectionReport[],
  unplaced?: Record<string, number>,
): Promise<void> {
  const captureName = file === "-" ? "standard input" : file.split("/").pop() ?? file;
  const html = renderHtmlReport(
    { capture: captureJson(info, unplaced), connections: reports },
    { captureName },
  );
  if (output === undefined || output === "-") {
    await ctx.rt.writeStdout(html);
    return;
  }
  try {
    await ctx.rt.writeFile(output, html);
  } catch (e) {
    const code = (e as { code?: string }).code ?? "EIO";
    const why = WHY[code] ?? (e as Error).message;
    throw new TcpechoError(`Cannot write report '${output}': ${why} (${code})`, {
      code,
      hint: "choose a file in a folder you can write to",
      cause: e,
    });
  }
  const kb = (new TextEncoder().encode(html).length / 1024).toFixed(0);
  await ctx.rt.writeStderr(`wrote ${output}: ${reports.length} connection(s), ${kb} KiB\n`);
}
