/**
 * `connect --json`: the client's story as plain objects, one per NDJSON line.
 * Events: `connected`, `echo` (--count), `fin-sent`, `peer-fin`, `peer-rst`,
 * `error`, and a final `summary` with `exitCode`. Pure: builds objects, never
 * prints; the command writes them.
 * @module
 */
import { ExitCode, TcpechoError } from "../errors.ts";
import type { RttSummary } from "./stats.ts";

/** One NDJSON line of `connect --json`. */
export type ConnectEvent = { event: string; time: string } & Record<string, unknown>;

/** How a session ended (the summary's `end`). */
export type EndCause =
  | "done"
  | "peer-fin"
  | "peer-rst"
  | "refused"
  | "timeout"
  | "unreachable"
  | "interrupted"
  | "error";

/** Milliseconds rounded to microseconds, as a number. */
export function msValue(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * An event object stamped with the wall-clock time.
 *
 * @example
 * ```ts
 * connectEvent("fin-sent", { sent: 12 }); // { event: "fin-sent", time: "2026-…Z", sent: 12 }
 * ```
 */
export function connectEvent(event: string, fields: Record<string, unknown> = {}): ConnectEvent {
  return { event, time: new Date().toISOString(), ...fields };
}

/** Round-trip statistics as JSON (ms, three decimals), or null without samples. */
export function rttJson(r: RttSummary): Record<string, number> | null {
  if (r.count === 0) return null;
  return {
    count: r.count,
    min: msValue(r.min),
    avg: msValue(r.avg),
    max: msValue(r.max),
    p50: msValue(r.p50),
    p99: msValue(r.p99),
  };
}

/**
 * The `error` event of a failure: errno name, book section (from the message's
 * "(UNP §x)"), exit code and the one-line message the CLI prints on stderr.
 *
 * @example
 * ```ts
 * import { TcpechoError } from "../errors.ts";
 * errorEvent(new TcpechoError("Cannot connect to h:1: ECONNREFUSED (UNP §4.3)", {
 *   code: "ECONNREFUSED",
 *   exitCode: 5,
 * }));
 * // { event: "error", errno: "ECONNREFUSED", section: "4.3", exitCode: 5, message: "Cannot …" }
 * ```
 */
export function errorEvent(e: unknown): ConnectEvent {
  const err = e instanceof TcpechoError ? e : undefined;
  const message = err?.message ?? String((e as Error)?.message ?? e);
  return connectEvent("error", {
    errno: err?.code ?? "EOTHER",
    section: /\(UNP §([\d.]+)\)/.exec(message)?.[1] ?? null,
    exitCode: err?.exitCode ?? ExitCode.error,
    message,
  });
}

/**
 * The summary's `end` for a failure (or "done" without one).
 *
 * @example
 * ```ts
 * endCause(undefined); // "done"
 * ```
 */
export function endCause(e: unknown): EndCause {
  if (e === undefined) return "done";
  const code = (e as { code?: string })?.code;
  switch (code) {
    case "EPEERFIN":
      return "peer-fin";
    case "ECONNRESET":
    case "EPIPE":
      return "peer-rst";
    case "ECONNREFUSED":
      return "refused";
    case "ETIMEDOUT":
      return "timeout";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "unreachable";
    default:
      return "error";
  }
}
