/**
 * `tcpecho probe` option checking: numbers in range, exclusive options, and
 * the one config object both modes use.
 * @module
 */
import { usageError } from "../lib/errors.ts";
import type { KeepaliveSettings } from "../lib/runtime/sockopt/types.ts";
import { givenPositionals, hostPort, MAX_SECONDS, numberOption } from "./cli.ts";

/** Checked probe options. */
export interface ProbeConfig {
  host: string;
  port: number;
  count: number;
  intervalMs: number;
  timeoutMs: number;
  family: 0 | 4 | 6;
  all: boolean;
  output: "text" | "json" | "csv";
  timestamps: boolean;
  /** --keepalive or --heartbeat: connect once and watch. */
  watch: boolean;
  keepalive?: KeepaliveSettings;
  echo: boolean;
  durationMs?: number;
  heartbeatMs?: number;
}

/** The raw option values citty hands over. */
type RawProbeArgs = Record<string, string | number | boolean | string[] | undefined>;

function given(rawArgs: string[], ...names: string[]): boolean {
  return rawArgs.some((a) => names.some((n) => a === n || a.startsWith(n + "=")));
}

/**
 * Checks the probe options; throws a usage error (exit 2) naming the option.
 *
 * @example
 * ```ts
 * probeConfig({ host: "::1", port: "9877", count: "4", interval: "1", timeout: "2" }, []).port; // 9877
 * ```
 */
export function probeConfig(a: RawProbeArgs, rawArgs: string[]): ProbeConfig {
  const str = (k: string) => (typeof a[k] === "string" ? a[k] as string : undefined);
  const num = (k: string, b: Parameters<typeof numberOption>[2]) => numberOption(str(k), k, b);
  const { host, port } = hostPort(
    str("host"),
    givenPositionals() >= 2 ? str("port") : undefined,
    "9877",
  );
  if (a["4"] && a["6"]) throw usageError("Options -4 and -6 exclude each other");
  if (a.csv && a.format === "json") {
    throw usageError("Options --csv and --format json exclude each other");
  }
  const keepalive = a.keepalive === true;
  const heartbeatS = num("heartbeat", { min: 0.01, max: 86400 });
  const watch = keepalive || heartbeatS !== undefined;
  if (!watch) {
    for (const o of ["--keepidle", "--keepintvl", "--keepcnt", "--echo", "--duration"]) {
      if (given(rawArgs, o)) throw usageError(`Option ${o} needs --keepalive or --heartbeat`);
    }
  } else if (a.all || a.csv || given(rawArgs, "--count", "-c", "--interval", "-i")) {
    throw usageError(
      "Options --all, --csv, --count and --interval are for connect probes, not --keepalive/--heartbeat",
    );
  }
  const durationS = num("duration", { min: 0.01, max: MAX_SECONDS });
  return {
    host,
    port,
    count: num("count", { min: 0, max: 1e9, integer: true })!,
    intervalMs: num("interval", { min: 0, max: 86400 })! * 1000,
    timeoutMs: num("timeout", { min: 0.001, max: 86400 })! * 1000,
    family: a["4"] ? 4 : a["6"] ? 6 : 0,
    all: a.all === true,
    output: a.csv ? "csv" : a.format === "json" ? "json" : "text",
    timestamps: a.timestamps === true,
    watch,
    keepalive: keepalive
      ? {
        idle: num("keepidle", { min: 1, max: 32767, integer: true })!,
        interval: num("keepintvl", { min: 1, max: 32767, integer: true })!,
        count: num("keepcnt", { min: 1, max: 127, integer: true })!,
      }
      : undefined,
    echo: a.echo === true,
    durationMs: durationS === undefined ? undefined : durationS * 1000,
    heartbeatMs: heartbeatS === undefined ? undefined : heartbeatS * 1000,
  };
}
