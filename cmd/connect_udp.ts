/**
 * `tcpecho connect --udp`: the RFC 862 UDP echo client. Each stdin line (or
 * --count generated messages of --size bytes) is one datagram; each echo is
 * awaited up to --timeout (default 1 s), printed (or its round trip, with
 * --count), and a ping-style summary ends the run.
 * @module
 */
import { connectEvent, endCause, errorEvent, msValue, rttJson } from "../lib/echo/events.ts";
import {
  LineSplitter,
  MAX_DATAGRAM,
  UdpEchoer,
  udpMessage,
  type UdpReply,
  type UdpReport,
} from "../lib/echo/udp_client.ts";
import { formatSummary } from "../lib/echo/stats.ts";
import { ExitCode, TcpechoError, usageError } from "../lib/errors.ts";
import { formatAddr, type NetApi, NetError, type UdpClient } from "../lib/runtime/net/mod.ts";
import { type CommandContext, numberOption } from "./cli.ts";
import type { Emit, ModeArgs, Target } from "./connect_modes.ts";
import { netFailure } from "../lib/echo/errors.ts";

/** Options of --udp, as parsed. */
export interface UdpArgs extends ModeArgs {
  naive?: boolean;
}

const pause = (ms: number, stopped: () => boolean) =>
  new Promise<void>((resolve) => {
    const end = performance.now() + ms;
    const tick = () => {
      const left = end - performance.now();
      if (left <= 0 || stopped()) resolve();
      else setTimeout(tick, Math.min(left, 50));
    };
    tick();
  });

function lossPct(sent: number, lost: number): number {
  return sent ? (100 * lost) / sent : 0;
}

/** The parsed options of a run. */
interface UdpRun {
  count?: number;
  intervalMs: number;
  size: number;
  timeoutMs: number;
}

function parseUdpArgs(args: UdpArgs, t: Target): UdpRun {
  if (args.clients !== undefined || args.naive) {
    throw usageError(
      `Cannot use --udp with ${args.naive ? "--naive" : "--clients"}`,
      "tcpecho connect HOST PORT --udp [--count N]",
    );
  }
  return {
    count: numberOption(args.count, "count", { integer: true, min: 1, max: 1e9 }),
    intervalMs: (numberOption(args.interval, "interval", { min: 0, max: 86400 }) ?? 1) * 1000,
    size: numberOption(args.size, "size", { integer: true, min: 1, max: MAX_DATAGRAM }) ?? 64,
    timeoutMs: t.timeoutMs ?? 1000,
  };
}

/** Ctrl-C / SIGTERM: a flag, a promise, and the remover. */
function interrupts(ctx: CommandContext) {
  let resolve = () => {};
  const state = { stop: false, stopped: new Promise<void>((r) => (resolve = r)), off: () => {} };
  const offs = (["SIGINT", "SIGTERM"] as const).map((s) =>
    ctx.rt.onSignal(s, () => {
      state.stop = true;
      resolve();
    })
  );
  state.off = () => offs.forEach((off) => off());
  return state;
}

/**
 * Runs the UDP echo client; returns the exit code: 0 every datagram echoed,
 * 1 some lost; throws for 6 (none echoed at all) and 5 (ICMP port unreachable).
 */
export async function runUdpMode(
  net: NetApi,
  ctx: CommandContext,
  t: Target,
  args: UdpArgs,
  emit?: Emit,
): Promise<number> {
  const o = parseUdpArgs(args, t);
  let sock: UdpClient;
  try {
    sock = await net.connectUdp({ host: t.host, port: t.port });
  } catch (e) {
    throw e instanceof NetError ? netFailure(e, t.where, "connect") : e;
  }
  const echoer = new UdpEchoer(sock, o.timeoutMs, t.where);
  const sig = interrupts(ctx);
  let failure: unknown;
  try {
    await emit?.(connectEvent("connected", {
      transport: "udp",
      local: formatAddr(sock.local),
      remote: formatAddr(sock.remote),
      icmp: sock.seesIcmp,
    }));
    if (!sock.seesIcmp) {
      await ctx.rt.writeStderr(
        `tcpecho: note: ${sock.mechanism} cannot see ICMP port unreachable here ` +
          `(on Deno, grant --allow-ffi): a missing server reads as loss\n`,
      );
    }
    const show = replyPrinter(ctx, t, o, emit);
    if (o.count !== undefined) await sendCount(echoer, o, o.count, sig, ctx, t, emit, show);
    else await sendLines(echoer, net, sig, show);
  } catch (e) {
    failure = e;
  } finally {
    sig.off();
    sock.close();
  }
  const r = echoer.report();
  if (failure === undefined && r.sent > 0 && r.received === 0) failure = noEcho(t, o, r, sock);
  const code = failure === undefined
    ? (r.lost === 0 ? ExitCode.ok : ExitCode.error)
    : failure instanceof TcpechoError
    ? failure.exitCode
    : ExitCode.error;
  if (emit) {
    if (failure !== undefined) await emit(errorEvent(failure));
    const end = failure !== undefined ? endCause(failure) : sig.stop ? "interrupted" : "done";
    await emit(connectEvent("summary", { ...summaryJson(r), end, exitCode: code }));
  } else {
    // Echoed lines own stdout in stdin mode, so the summary goes to stderr there.
    const text = summaryText(t, r);
    await (o.count === undefined ? ctx.rt.writeStderr(text) : ctx.rt.writeStdout(text));
  }
  if (failure !== undefined) throw failure;
  return code;
}

type Show = (r: UdpReply, echoText: boolean) => Promise<void>;

/** How each reply is shown: an event, the echoed line, or a ping-style line. */
function replyPrinter(ctx: CommandContext, t: Target, o: UdpRun, emit?: Emit): Show {
  return async (r, echoText) => {
    if (emit) {
      await emit(
        r.echo
          ? connectEvent("echo", { seq: r.seq, bytes: r.bytes, ms: msValue(r.ms), ok: true })
          : connectEvent("lost", { seq: r.seq, bytes: r.bytes, timeoutMs: o.timeoutMs }),
      );
    } else if (!r.echo) {
      await ctx.rt.writeStderr(`seq=${r.seq}: no echo within ${o.timeoutMs} ms (lost)\n`);
    } else if (echoText) await ctx.rt.writeStdout(r.echo);
    else {
      await ctx.rt.writeStdout(
        `${r.bytes} bytes from ${t.where}: seq=${r.seq} time=${r.ms.toFixed(3)} ms\n`,
      );
    }
  };
}

/** --count: generated datagrams, --interval apart. */
async function sendCount(
  echoer: UdpEchoer,
  o: UdpRun,
  count: number,
  sig: { stop: boolean },
  ctx: CommandContext,
  t: Target,
  emit: Emit | undefined,
  show: Show,
): Promise<void> {
  if (!emit) {
    await ctx.rt.writeStdout(
      `UDP ECHO ${t.where}: ${count} datagram${count === 1 ? "" : "s"} of ${o.size} bytes, ` +
        `timeout ${o.timeoutMs} ms\n`,
    );
  }
  for (let seq = 1; seq <= count && !sig.stop; seq++) {
    const start = performance.now();
    await show(await echoer.echo(seq, udpMessage(seq, o.size)), false);
    const wait = o.intervalMs - (performance.now() - start);
    if (seq < count && wait > 0) await pause(wait, () => sig.stop);
  }
}

/** Stdin mode: one datagram per line; Ctrl-C at an idle stdin ends the run at once. */
async function sendLines(
  echoer: UdpEchoer,
  net: NetApi,
  sig: { stop: boolean; stopped: Promise<void> },
  show: Show,
): Promise<void> {
  const stdin = net.stdin();
  const lines = new LineSplitter();
  let seq = 0;
  const read = () => Promise.race([stdin.read(), sig.stopped.then(() => null)]);
  for (let chunk = await read(); chunk !== null && !sig.stop; chunk = await read()) {
    for (const line of lines.push(chunk)) await show(await echoer.echo(++seq, line), true);
  }
  const last = lines.flush();
  if (last && !sig.stop) await show(await echoer.echo(++seq, last), true);
}

/** Not one echo: exit 6, with what may be going on. */
function noEcho(t: Target, o: UdpRun, r: UdpReport, sock: UdpClient): TcpechoError {
  return new TcpechoError(
    `No echo from ${t.where}: ${r.sent} datagram${r.sent === 1 ? "" : "s"} sent, ` +
      `none answered within ${o.timeoutMs} ms`,
    {
      code: "ETIMEDOUT",
      exitCode: ExitCode.timedOut,
      hint: sock.seesIcmp
        ? "a firewall drops them, or the server rate-limits this source"
        : "is a UDP echo server running there? (ICMP errors are not visible here)",
    },
  );
}

function summaryJson(r: UdpReport): Record<string, unknown> {
  return {
    mode: "udp",
    sent: r.sent,
    received: r.received,
    lost: r.lost,
    late: r.late,
    lossPct: msValue(lossPct(r.sent, r.lost)),
    bytesSent: r.bytesSent,
    bytesReceived: r.bytesReceived,
    rtt: rttJson(r.rtt),
  };
}

function summaryText(t: Target, r: UdpReport): string {
  return `--- ${t.where} UDP echo statistics ---\n` +
    `${r.sent} sent, ${r.received} received, ${lossPct(r.sent, r.lost).toFixed(0)}% lost` +
    (r.late ? `, ${r.late} late` : "") + "\n" +
    (r.received ? formatSummary(r.rtt) + "\n" : "");
}
