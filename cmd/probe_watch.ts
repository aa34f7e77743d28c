/**
 * `tcpecho probe --keepalive | --heartbeat`: connect once, watch the idle
 * connection, print how it ended (text, or one JSON object with --format json).
 * @module
 */
import { lookup } from "node:dns/promises";
import { hostPort, stamped } from "../lib/probe/format.ts";
import { watchConnection, type WatchReport } from "../lib/probe/keepalive.ts";
import { causeMeaning } from "../lib/probe/keepalive_end.ts";
import { outcomeOf } from "../lib/probe/net_connector.ts";
import { type LookupAll, resolveTargets } from "../lib/probe/resolve.ts";
import { OUTCOME_EXIT, timeStats } from "../lib/probe/stats.ts";
import { confirmRefused } from "../lib/runtime/net/confirm.ts";
import { getNet } from "../lib/runtime/net/mod.ts";
import { loadSockopt } from "../lib/runtime/sockopt/mod.ts";
import type { CommandContext } from "./cli.ts";
import type { ProbeConfig } from "./probe_options.ts";
import { interruptSignal } from "./probe_run.ts";
import { traceNet } from "./trace.ts";

/** Connects once and watches; returns the exit code. */
export async function runWatch(c: ProbeConfig, ctx: CommandContext): Promise<number> {
  const [target] = await resolveTargets(
    c.host,
    c.port,
    { family: c.family, all: false },
    lookup as unknown as LookupAll,
  );
  const json = c.output === "json";
  // Lines are written in order; the chain is awaited before returning (main exits at once).
  let written = Promise.resolve();
  const log = (line: string) => {
    const l = (c.timestamps ? stamped(line, new Date()) : line) + "\n";
    written = written.then(() => json ? ctx.rt.writeStderr(l) : ctx.rt.writeStdout(l))
      .catch(() => {});
  };
  const where = hostPort(target.address, target.port);
  const name = c.host === target.address ? where : `${c.host} (${where})`;
  const net = traceNet(await getNet());
  const t0 = performance.now();
  let conn;
  try {
    conn = await net.connect({ host: target.address, port: target.port, timeoutMs: c.timeoutMs });
  } catch (e) {
    const ms = performance.now() - t0;
    const said = (e as { code?: string }).code ?? "EOTHER";
    const { errno, runtimeSaid } = await confirmRefused(
      said,
      target.address,
      target.port,
      c.timeoutMs,
    );
    if (runtimeSaid) {
      log(`the runtime said ${runtimeSaid}; a second connect through libc says ${errno}`);
    }
    const outcome = outcomeOf(errno);
    log(`${name}: connect failed: ${outcome} (${errno}) after ${ms.toFixed(3)} ms`);
    await written;
    if (json) {
      await ctx.rt.writeStdout(
        JSON.stringify(
          {
            host: c.host,
            address: target.address,
            port: c.port,
            connected: false,
            errno,
            outcome,
            ms,
          },
          null,
          2,
        ) + "\n",
      );
    }
    return OUTCOME_EXIT[outcome];
  }
  const connectMs = performance.now() - t0;
  const local = hostPort(conn.local.host, conn.local.port);
  log(`${name}: connected in ${connectMs.toFixed(3)} ms from ${local} (${net.mechanism})`);
  const sockopt = c.keepalive ? await loadSockopt() : { reason: "keepalive not requested" };
  const { signal, off } = interruptSignal(ctx);
  let report: WatchReport;
  try {
    report = await watchConnection(
      conn,
      {
        keepalive: c.keepalive,
        echo: c.echo,
        durationMs: c.durationMs,
        heartbeatMs: c.heartbeatMs,
        deadlineMs: c.timeoutMs,
        signal,
      },
      sockopt,
      log,
    );
  } finally {
    off();
  }
  for (const line of endLines(report)) log(line);
  await written;
  if (json) {
    const m = causeMeaning(report.cause);
    await ctx.rt.writeStdout(
      JSON.stringify(
        {
          host: c.host,
          address: target.address,
          port: c.port,
          local: { address: conn.local.host, port: conn.local.port },
          connected: true,
          connectMs,
          keepalive: report.keepalive ?? null,
          echoMs: report.echoMs ?? null,
          heartbeats: report.heartbeats ?? null,
          end: {
            cause: report.cause,
            meaning: m.meaning,
            section: m.section ?? null,
            message: report.message ?? null,
            idleMs: report.idleMs,
            watchedMs: report.watchedMs,
            expectedMs: report.keepalive?.expectedMs ?? null,
            probesAnswered: report.probesAnswered,
            probesUnanswered: report.probesUnanswered,
          },
          exitCode: report.exitCode,
        },
        null,
        2,
      ) + "\n",
    );
  }
  return report.exitCode;
}

/** The closing lines of a watch: cause, timing against expectation, probes. */
export function endLines(r: WatchReport): string[] {
  const m = causeMeaning(r.cause);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const errno = /^E[A-Z]+$/.test(r.cause) ? ` ${r.cause}` : r.cause === "fin" ? " FIN" : "";
  const book = m.section ? ` (UNP §${m.section})` : "";
  const lines = [
    `end:${errno} after ${s(r.idleMs)} s idle, ${s(r.watchedMs)} s watched: ${m.meaning}${book}`,
  ];
  const k = r.keepalive;
  if (r.cause === "ETIMEDOUT" && k?.readback) {
    const { idle, interval, count } = k.readback;
    lines.push(
      `end: keepalive predicted ${idle} + ${interval} × ${count} = ${k.expectedMs! / 1000} s; ` +
        `measured ${s(r.idleMs)} s`,
    );
  }
  if (k) {
    lines.push(
      r.probesAnswered === null
        ? "end: keepalive probes answered: unknown (TCP_INFO needs the FFI socket options)"
        : `end: keepalive probes answered: ${r.probesAnswered}; unanswered at the end: ${r.probesUnanswered} (TCP_INFO)`,
    );
  }
  const hb = r.heartbeats;
  if (hb) {
    const st = timeStats(hb.rttMs);
    const f = (x: number) => x.toFixed(3);
    lines.push(
      `end: heartbeats sent ${hb.sent}, answered ${hb.answered}` +
        (st
          ? `, rtt min/avg/max/mdev = ${f(st.min)}/${f(st.avg)}/${f(st.max)}/${f(st.mdev)} ms`
          : ""),
    );
  }
  if (r.unexpectedBytes > 0) {
    lines.push(`end: the peer sent ${r.unexpectedBytes} bytes nobody asked for (not an echo)`);
  }
  if (r.message && r.cause !== "duration") lines.push(`end: ${r.message}`);
  return lines;
}
