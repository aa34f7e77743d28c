/**
 * Renders server events as one line each: text for people, NDJSON for tools
 * (`--log json`). Every line starts with (or has) an ISO-8601 UTC time.
 * @module
 */
import type { ServerEvent } from "./server.ts";

const REASONS: Record<string, string> = {
  "peer-fin": "closed by peer FIN",
  "peer-rst": "reset by peer RST",
  "idle-timeout": "idle timeout",
  "server-shutdown": "server shutdown",
  "close-after": "fault --close-after: server closed",
  "reset-after": "fault --reset-after: server sent RST",
  "drop-after": "fault --drop-after: dropped",
  "max-conns": "--max-conns reached",
  error: "error",
};

/** Human text for a close reason. */
export function reasonText(reason: string): string {
  return REASONS[reason] ?? reason;
}

/**
 * Formats one event as a line (with trailing newline).
 *
 * @example
 * ```ts
 * formatEvent({ event: "shutdown", open: 0 }, "json", new Date(0));
 * // '{"time":"1970-01-01T00:00:00.000Z","event":"shutdown","open":0}\n'
 * ```
 */
export function formatEvent(e: ServerEvent, format: "text" | "json", at: Date): string {
  const time = at.toISOString();
  if (format === "json") return JSON.stringify({ time, ...e }) + "\n";
  switch (e.event) {
    case "listening":
      return `${time} listening on ${e.transport} ${e.addr}\n`;
    case "accepted":
      return `${time} #${e.id} accepted ${e.peer} on ${e.local} (${e.open} open)\n`;
    case "refused":
      return `${time} #${e.id} refused ${e.peer}: ${reasonText(e.reason)} (${e.open} open)\n`;
    case "closed": {
      const detail = e.detail ? ` (${e.detail})` : "";
      const secs = (e.durationMs / 1000).toFixed(3);
      return `${time} #${e.id} ${e.peer} ${reasonText(e.reason)}${detail}; ` +
        `in ${e.bytesIn} B, out ${e.bytesOut} B, ${secs} s (${e.open} open)\n`;
    }
    case "shutdown":
      return `${time} shutting down: stop accepting, FIN to ${e.open} connections\n`;
    case "udp-dropped":
      return `${time} udp: not echoed: ${e.rate} over --udp-rate, ${e.budget} over --udp-budget, ` +
        `${e.port0} from port 0, ${e.sendFailed} send failures\n`;
    case "accept-backoff":
      return e.phase === "start"
        ? `${time} cannot accept: ${e.detail}; waiting and retrying (${e.open} open)\n`
        : `${time} accepting again after ${e.failures} failed accepts (${e.code}) in ` +
          `${(e.ms / 1000).toFixed(3)} s (${e.open} open)\n`;
  }
}
