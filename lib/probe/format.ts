/**
 * How probe results are printed: one text line per probe (like tcping), a
 * ping-style summary, CSV lines, and the JSON document.
 * @module
 */
import type { ProbeSummary, TimeStats } from "./stats.ts";
import type { ProbeResult, ProbeTarget } from "./types.ts";
import { formatHostPort } from "../hostport.ts";

/** Milliseconds with three decimals ("0.123"). */
export function ms(x: number): string {
  return x.toFixed(3);
}

/** "198.18.0.2:9877" or "[2001:db8::2]:9877". */
export function hostPort(address: string, port: number): string {
  return formatHostPort(address, port);
}

/**
 * The header printed before the first probe to an address.
 *
 * @example
 * ```ts
 * probeHeader({ host: "localhost", address: "::1", family: 6, port: 9877 }, 4, 2000, "libc connect via bun:ffi");
 * // "PROBE localhost ([::1]:9877): 4 probes, timeout 2000 ms (libc connect via bun:ffi)"
 * ```
 */
export function probeHeader(
  t: ProbeTarget,
  count: number,
  timeoutMs: number,
  mechanism?: string,
): string {
  const n = count === 0 ? "until interrupted" : `${count} probe${count === 1 ? "" : "s"}`;
  const name = t.host === t.address
    ? hostPort(t.address, t.port)
    : `${t.host} (${hostPort(t.address, t.port)})`;
  const via = mechanism ? ` (${mechanism})` : "";
  return `PROBE ${name}: ${n}, timeout ${timeoutMs} ms${via}`;
}

/**
 * One probe as a text line.
 *
 * @example
 * ```ts
 * import type { ProbeResult } from "./types.ts";
 * declare const result: ProbeResult; // from runProbes
 * probeLine(result, 2000); // "127.0.0.1:9877: seq=1 connected in 0.112 ms (local port 40512)"
 * ```
 */
export function probeLine(r: ProbeResult, timeoutMs: number): string {
  const where = `${hostPort(r.address, r.port)}: seq=${r.seq}`;
  switch (r.outcome) {
    case "connected":
      return `${where} connected in ${ms(r.ms)} ms` +
        (r.localPort ? ` (local port ${r.localPort})` : "");
    case "refused":
      return `${where} refused (RST, ${r.errno}) in ${ms(r.ms)} ms`;
    case "timeout":
      return `${where} timed out after ${
        ms(r.ms)
      } ms (no SYN-ACK within ${timeoutMs} ms, ${r.errno})`;
    case "unreachable":
      return `${where} unreachable (ICMP, ${r.errno}) in ${ms(r.ms)} ms`;
    case "error":
      return `${where} failed (${r.errno}) in ${ms(r.ms)} ms`;
  }
}

function stats(label: string, s: TimeStats | undefined): string[] {
  return s
    ? [`${label} min/avg/max/mdev = ${ms(s.min)}/${ms(s.avg)}/${ms(s.max)}/${ms(s.mdev)} ms`]
    : [];
}

/**
 * The ping-style summary of one address (printed even when every probe failed).
 *
 * @example
 * ```ts
 * import { summarize } from "./stats.ts";
 * import type { ProbeResult } from "./types.ts";
 * declare const results: ProbeResult[]; // one target's results from runProbes
 * const summary = summarize(results, { host: "localhost", address: "127.0.0.1", port: 9877 });
 * summaryText(summary).join("\n");
 * // --- 127.0.0.1:9877 probe statistics ---
 * // 4 sent, 4 connected, 0 refused, 0 timed out, 0 unreachable, 0.0% loss
 * // connect min/avg/max/mdev = 0.081/0.104/0.131/0.020 ms
 * ```
 */
export function summaryText(s: ProbeSummary): string[] {
  const counts = [
    `${s.sent} sent`,
    `${s.connected} connected`,
    `${s.refused} refused`,
    `${s.timedOut} timed out`,
    `${s.unreachable} unreachable`,
    ...(s.errors ? [`${s.errors} failed otherwise`] : []),
    `${s.lossPct.toFixed(1)}% loss`,
  ];
  const times = [...stats("connect", s.connect), ...stats("refused (RST)", s.refusedIn)];
  return [
    `--- ${hostPort(s.address, s.port)} probe statistics ---`,
    counts.join(", "),
    ...(times.length ? times : ["no handshake completed: no times to report"]),
  ];
}

/** The CSV header line matching {@link csvLine}. */
export const CSV_HEADER = "time,host,address,port,seq,outcome,errno,ms,local_port";

/**
 * One probe as a CSV line (no quoting needed: no field contains a comma).
 *
 * @example
 * ```ts
 * import type { ProbeResult } from "./types.ts";
 * declare const result: ProbeResult; // from runProbes
 * csvLine(result); // "2026-11-25T13:40:00.123Z,localhost,127.0.0.1,9877,1,connected,,0.112,40512"
 * ```
 */
export function csvLine(r: ProbeResult): string {
  return [
    r.time.toISOString(),
    r.host,
    r.address,
    r.port,
    r.seq,
    r.outcome,
    r.errno ?? "",
    ms(r.ms),
    r.localPort ?? "",
  ].join(",");
}

/** A probe result as plain JSON data. */
export function resultJson(r: ProbeResult): Record<string, unknown> {
  return {
    seq: r.seq,
    time: r.time.toISOString(),
    address: r.address,
    port: r.port,
    outcome: r.outcome,
    errno: r.errno ?? null,
    ms: Number(ms(r.ms)),
    localPort: r.localPort ?? null,
  };
}

/** Prefixes a line with the probe's wall-clock time for --timestamps. */
export function stamped(line: string, time: Date): string {
  return `[${time.toISOString()}] ${line}`;
}
