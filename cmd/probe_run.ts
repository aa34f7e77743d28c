/**
 * `tcpecho probe` connect-probe mode: resolve, probe in rounds, print a line
 * per probe (text, CSV) and the ping-style summary, or one JSON document.
 * @module
 */
import { lookup } from "node:dns/promises";
import { runProbes } from "../lib/probe/connect.ts";
import {
  CSV_HEADER,
  csvLine,
  probeHeader,
  probeLine,
  resultJson,
  stamped,
  summaryText,
} from "../lib/probe/format.ts";
import { libcProbeConnector, netConnector } from "../lib/probe/net_connector.ts";
import { type LookupAll, resolveTargets } from "../lib/probe/resolve.ts";
import { probeExitCode, summarize } from "../lib/probe/stats.ts";
import type { ProbeResult } from "../lib/probe/types.ts";
import { getNet } from "../lib/runtime/net/mod.ts";
import { loadConnector } from "../lib/runtime/sockopt/mod.ts";
import type { CommandContext } from "./cli.ts";
import { traceLocalPort, traceNet } from "./trace.ts";
import type { ProbeConfig } from "./probe_options.ts";

/** Installs SIGINT/SIGTERM handlers that abort; returns the signal and a remover. */
export function interruptSignal(ctx: CommandContext): { signal: AbortSignal; off(): void } {
  const ac = new AbortController();
  const offs = (["SIGINT", "SIGTERM"] as const).map((s) => ctx.rt.onSignal(s, () => ac.abort()));
  return { signal: ac.signal, off: () => offs.forEach((f) => f()) };
}

/** Runs connect probes; returns the exit code. */
export async function runProbeMode(c: ProbeConfig, ctx: CommandContext): Promise<number> {
  const targets = await resolveTargets(
    c.host,
    c.port,
    { family: c.family, all: c.all },
    lookup as unknown as LookupAll,
  );
  const out = (line: string) => ctx.rt.writeStdout(line + "\n");
  const stamp = (line: string, t: Date) => c.timestamps ? stamped(line, t) : line;
  // libc's connect gives the kernel's own errno on both runtimes (Bun's sockets say
  // ECONNREFUSED for every failure); the runtime's sockets are the fallback.
  const raw = await loadConnector();
  const net = "reason" in raw ? traceNet(await getNet()) : undefined;
  const connector = "reason" in raw ? netConnector(net!) : libcProbeConnector(raw);
  const mechanism = "reason" in raw ? `${net!.mechanism} sockets` : raw.mechanism;
  if (c.output === "text") {
    for (const t of targets) {
      await out(stamp(probeHeader(t, c.count, c.timeoutMs, mechanism), new Date()));
    }
  }
  if (c.output === "csv") await out(CSV_HEADER);
  const { signal, off } = interruptSignal(ctx);
  let results: ProbeResult[][];
  try {
    results = await runProbes(
      { targets, count: c.count, intervalMs: c.intervalMs, timeoutMs: c.timeoutMs, signal },
      connector,
      async (r) => {
        traceLocalPort(r.localPort);
        if (c.output === "text") await out(stamp(probeLine(r, c.timeoutMs), r.time));
        if (c.output === "csv") await out(csvLine(r));
      },
    );
  } finally {
    off();
  }
  const summaries = targets.map((t, i) => summarize(results[i], t));
  const code = probeExitCode(results.flat());
  if (c.output === "json") {
    await out(
      JSON.stringify(
        {
          host: c.host,
          port: c.port,
          timeoutMs: c.timeoutMs,
          targets: targets.map((t, i) => ({
            address: t.address,
            family: t.family,
            probes: results[i].map(resultJson),
            summary: summaries[i],
          })),
          exitCode: code,
        },
        null,
        2,
      ) + "\n",
    );
    return code;
  }
  const text = summaries.flatMap((s) => ["", ...summaryText(s)]).join("\n") + "\n";
  if (c.output === "csv") await ctx.rt.writeStderr(text.slice(1));
  else await ctx.rt.writeStdout(text);
  return code;
}
