/**
 * `tcpecho explain`: read a capture and explain each TCP connection in UNP ch. 5 terms.
 * @module
 */
import { CATALOGUE, citeSection } from "../lib/explain/catalogue.ts";
import { usageError } from "../lib/errors.ts";
import type { TrackerLimits } from "../lib/tcp/tracker_options.ts";
import { MAX_SECONDS, numberOption } from "./cli.ts";
import { defineTcpechoCommand } from "./command.ts";
import { runExplain } from "./explain_run.ts";

/** The explain command. */
export const explain = defineTcpechoCommand({
  meta: {
    name: "explain",
    description: "read a pcap/pcapng capture and explain each TCP connection (UNP ch. 5)",
  },
  args: {
    file: {
      type: "positional",
      valueHint: "FILE...",
      description: "capture file (pcap, pcapng, optionally .gz), or - for stdin; several " +
        "files, or a folder (its capture files), are read as one capture merged by timestamp " +
        "(a rotated set)",
      required: true,
    },
    format: {
      type: "enum",
      options: ["text", "json", "ndjson", "html"],
      description: "output format: text (verdict + ladder), json (one document), ndjson " +
        "(one connection per line, as each ends), html (one self-contained page)",
      default: "text",
    },
    output: {
      type: "string",
      alias: "o",
      description: "write the html report to FILE (default: standard output)",
    },
    summary: {
      type: "boolean",
      description: "one line per connection (a table), streamed; with json/ndjson: no segments",
    },
    threads: {
      type: "string",
      description: "worker threads that analyse the capture, besides the one that reads it " +
        "(default: one per core but the reader's, when that makes 2 or more, for files of " +
        "16 MiB or more; else 1); the output is the same (docs/threads.md)",
    },
    "max-half-open": {
      type: "string",
      valueHint: "N",
      description: "most half-open connections (no handshake yet) kept; beyond it the one idle " +
        "longest ends as expired (default 8192; per thread with --threads; a SYN flood's memory)",
    },
    "max-open": {
      type: "string",
      valueHint: "N",
      description: "most connections kept open; beyond it the one idle longest ends as expired " +
        "(default 1000000; per thread with --threads)",
    },
    "half-open-timeout": {
      type: "string",
      description: "capture seconds a half-open connection may stay idle before it ends as " +
        "expired (default 75)",
    },
    "idle-timeout": {
      type: "string",
      description: "capture seconds any other connection may stay idle before it ends as " +
        "expired (default 7875: Linux's keepalive gives up by then)",
    },
    conn: { type: "string", description: "only connection N (numbered by first packet)" },
    port: { type: "string", description: "only connections with port P on either side" },
    host: { type: "string", description: "only connections with address ADDR on either side" },
  },
  notes: [
    "Examples:",
    "  tcpecho explain capture.pcapng                 verdict + ladder per connection",
    "  tcpecho explain big.pcap --summary             one line per connection",
    "  tcpecho explain x.pcap --conn 3 --format json  one connection, docs/design.md JSON",
    "  tcpdump -i lo -w - port 9877 | tcpecho explain - --format ndjson",
    "  tcpecho explain x.pcap --format html -o report.html   ladder + Stevens graph page",
    "  tcpecho explain ring.pcap0 ring.pcap1 ring.pcap2     a rotated set as one capture",
    "",
    "Scenarios (UNP ch. 5; docs/scenarios.md):",
    ...CATALOGUE.map((s) => `  ${s.id.padEnd(26)}${citeSection(s.section).padEnd(13)}${s.help}`),
  ].join("\n"),
  run(args, ctx) {
    const format = args.format as "text" | "json" | "ndjson" | "html";
    const output = args.output === undefined ? undefined : String(args.output);
    checkOutput(format, output);
    return runExplain(ctx, {
      files: args._.length > 0 ? args._.map(String) : [String(args.file)],
      format,
      output,
      summary: Boolean(args.summary),
      threads: numberOption(args.threads, "threads", { min: 1, max: 256, integer: true }),
      limits: explainLimits(args),
      filter: {
        id: numberOption(args.conn, "conn", { min: 1, integer: true }),
        port: numberOption(args.port, "port", { min: 0, max: 65535, integer: true }),
        host: args.host === undefined || args.host === ""
          ? undefined
          : canonicalHost(String(args.host)),
      },
    });
  },
});

/** Largest connection cap an option accepts. */
const MAX_CAP = 100_000_000;

/**
 * The tracker's limits from the options (absent ones stay at their defaults).
 *
 * @example
 * ```ts
 * explainLimits({ "max-half-open": "1024" }); // { maxHalfOpen: 1024 }
 * // explainLimits({ "idle-timeout": "0" }) throws a usage error (exit 2)
 * ```
 */
export function explainLimits(args: Record<string, unknown>): TrackerLimits {
  const text = (k: string) => args[k] === undefined ? undefined : String(args[k]);
  const limits: TrackerLimits = {};
  const maxHalfOpen = numberOption(text("max-half-open"), "max-half-open", {
    min: 1,
    max: MAX_CAP,
    integer: true,
  });
  const maxOpen = numberOption(text("max-open"), "max-open", {
    min: 1,
    max: MAX_CAP,
    integer: true,
  });
  const halfOpen = numberOption(text("half-open-timeout"), "half-open-timeout", {
    min: 0.001,
    max: MAX_SECONDS,
  });
  const idle = numberOption(text("idle-timeout"), "idle-timeout", { min: 0.001, max: MAX_SECONDS });
  if (maxHalfOpen !== undefined) limits.maxHalfOpen = maxHalfOpen;
  if (maxOpen !== undefined) limits.maxOpen = maxOpen;
  if (halfOpen !== undefined) limits.halfOpenTimeout = halfOpen;
  if (idle !== undefined) limits.idleTimeout = idle;
  return limits;
}

/**
 * The address as the report writes it (IPv6 compressed, lower case), so
 * `--host 2001:DB8:0::1` matches 2001:db8::1. Anything else is kept as given.
 *
 * @example
 * ```ts
 * canonicalHost("2001:DB8:44:0::1"); // "2001:db8:44::1"
 * ```
 */
export function canonicalHost(host: string): string {
  if (!host.includes(":")) return host;
  try {
    return new URL(`http://[${host.replace(/^\[|\]$/g, "")}]/`).hostname.slice(1, -1);
  } catch {
    return host;
  }
}

/**
 * Checks `--output` against the format before any reading starts.
 *
 * @example
 * ```ts
 * checkOutput("html", "report.html"); // fine: the html report goes to the file
 * // checkOutput("json", "x.json") throws a usage error (exit 2)
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
