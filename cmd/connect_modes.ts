/**
 * `tcpecho connect --count` (timed round trips) and `--clients` (load mode).
 * @module
 */
import { ExitCode } from "../lib/errors.ts";
import { netFailure } from "../lib/echo/errors.ts";
import { runLoad } from "../lib/echo/load.ts";
import { pingEcho, type PingReport } from "../lib/echo/pinger.ts";
import { formatSummary } from "../lib/echo/stats.ts";
import {
  type Conn,
  describeFdExhaustion,
  freeDescriptors,
  type NetApi,
  NetError,
} from "../lib/runtime/net/mod.ts";

/** Descriptors kept free for the runtime itself (stdio, signals, timers, DNS) in load mode. */
const DESCRIPTOR_RESERVE = 32;
import { type CommandContext, numberOption } from "./cli.ts";

/** Where connect goes. */
export interface Target {
  host: string;
  port: number;
  timeoutMs?: number;
  /** host:port for messages. */
  where: string;
}

/** Options of the two modes, as parsed. */
export interface ModeArgs {
  count?: string;
  interval?: string;
  size?: string;
  clients?: string;
  duration?: string;
}

async function open(net: NetApi, t: Target): Promise<Conn> {
  try {
    return await net.connect({ host: t.host, port: t.port, timeoutMs: t.timeoutMs });
  } catch (e) {
    throw e instanceof NetError ? netFailure(e, t.where, "connect") : e;
  }
}

function summaryText(t: Target, r: PingReport): string {
  const loss = r.sent ? (100 * (r.sent - r.echoed)) / r.sent : 0;
  return `--- ${t.where} echo statistics ---\n` +
    `${r.sent} sent, ${r.echoed} echoed, ${r.mismatched} mismatched, ${loss.toFixed(0)}% lost\n` +
    (r.echoed ? formatSummary(r.rtt) + "\n" : "");
}

/**
 * --count mode: N messages of --size bytes, --interval seconds apart, each
 * round trip printed, then a summary. Exit 0 only if every echo matched.
 */
export async function runCountMode(
  net: NetApi,
  ctx: CommandContext,
  t: Target,
  args: ModeArgs,
): Promise<number> {
  const count = numberOption(args.count, "count", { integer: true, min: 1, max: 1e9 })!;
  const interval = numberOption(args.interval, "interval", { min: 0, max: 86400 }) ?? 1;
  const size = numberOption(args.size, "size", { integer: true, min: 1, max: 16 << 20 }) ?? 64;
  const conn = await open(net, t);
  const out = (s: string) => ctx.rt.writeStdout(s);
  // Ctrl-C (or SIGTERM) ends the run after the current round trip, with the summary, like ping.
  let stop = false;
  const offs = (["SIGINT", "SIGTERM"] as const).map((s) => ctx.rt.onSignal(s, () => (stop = true)));
  await out(`ECHO ${t.where}: ${count} messages of ${size} bytes\n`);
  const report = await pingEcho(
    conn,
    { count, intervalMs: interval * 1000, size, stopped: () => stop },
    t.where,
    (seq, ms, ok) =>
      out(
        `${size} bytes from ${t.where}: seq=${seq} time=${ms.toFixed(3)} ms` +
          (ok ? "\n" : " (MISMATCH: echo differs from what was sent)\n"),
      ),
    (partial) => out(summaryText(t, partial)),
  );
  offs.forEach((off) => off());
  await out(summaryText(t, report));
  return report.mismatched ? ExitCode.error : ExitCode.ok;
}

/**
 * Load mode: --clients connections, one message in flight on each, for
 * --duration seconds. Exit 0 if every client ran without error, else 1.
 */
export async function runLoadMode(
  net: NetApi,
  ctx: CommandContext,
  t: Target,
  args: ModeArgs,
): Promise<number> {
  const clients = numberOption(args.clients, "clients", { integer: true, min: 1, max: 100000 })!;
  const duration = numberOption(args.duration, "duration", { min: 0.1, max: 3600 }) ?? 10;
  const size = numberOption(args.size, "size", { integer: true, min: 1, max: 1 << 20 }) ?? 64;
  const r = await runLoad({
    clients,
    freeDescriptors: freeDescriptors(DESCRIPTOR_RESERVE),
    durationMs: duration * 1000,
    size,
    connect: () => net.connect({ host: t.host, port: t.port, timeoutMs: t.timeoutMs }),
  });
  const errs = Object.entries(r.errors).map(([k, v]) =>
    k === "EMFILE" ? `EMFILE ${v} (${describeFdExhaustion("EMFILE").slice(8)})` : `${k} ${v}`
  ).join(", ");
  await ctx.rt.writeStdout(
    `LOAD ${t.where}: ${r.connected}/${clients} clients connected, ${size}-byte messages\n` +
      `${r.roundTrips} round trips in ${r.seconds.toFixed(2)} s: ` +
      `${Math.round(r.perSecond)} round trips/s\n` +
      (r.roundTrips ? formatSummary(r.rtt) + "\n" : "") +
      (errs ? `errors: ${errs}\n` : ""),
  );
  if (r.connected === 0) {
    const [code] = Object.keys(r.errors);
    throw netFailure(
      new NetError((code ?? "EOTHER") as never, "connect", "no client connected"),
      t.where,
      "connect",
    );
  }
  return errs ? ExitCode.error : ExitCode.ok;
}
