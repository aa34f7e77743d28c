/**
 * `tcpecho connect --udp`: the RFC 862 UDP echo client. Each stdin line (or
 * --count generated messages of --size bytes) is one datagram; each echo is
 * awaited up to --timeout (default 1 s), printed (or its round trip, with
 * --count), and a ping-style summary ends the run.
 * @module
 */
import { connectEvent, errorEvent, msValue, rttJson } from "../lib/echo/events.ts";
import { LineSplitter, UdpEchoer, udpMessage, type UdpReply } from "../lib/echo/udp_client.ts";
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

/**
 * Runs the UDP echo client; returns the exit code: 0 every datagram echoed,
 * 1 some lost, 6 none echoed at all, 5 ICMP port unreachable (thrown).
 */
export async function runUdpMode(
  net: NetApi,
  ctx: CommandContext,
  t: Target,
  args: UdpArgs,
  emit?: Emit,
): Promise<number> {
  if (args.clients !== undefined || args.naive) {
    throw usageError(
      `Cannot use --udp with ${args.naive ? "--naive" : "--clients"}`,
      "tcpecho connect HOST PORT --udp [--count N]",
    );
  }
  const count = numberOption(args.count, "count", { integer: true, min: 1, max: 1e9 });
  const interval = numberOption(args.interval, "interval", { min: 0, max: 86400 }) ?? 1;
  const size = numberOption(args.size, "size", { integer: true, min: 1, max: 65507 }) ?? 64;
  const timeoutMs = t.timeoutMs ?? 1000;
  let sock: UdpClient;
  try {
    sock = await net.connectUdp({ host: t.host, port: t.port });
  } catch (e) {
    throw e instanceof NetError ? netFailure(e, t.where, "connect") : e;
  }
  const echoer = new UdpEchoer(sock, timeoutMs, t.where);
  const text = (s: string) => emit ? Promise.resolve() : ctx.rt.writeStdout(s);
  let stop = false;
  let onStop = () => {};
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  const offs = (["SIGINT", "SIGTERM"] as const).map((s) =>
    ctx.rt.onSignal(s, () => {
      stop = true;
      onStop();
    })
  );
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
    const onReply = async (r: UdpReply, echoText: boolean) => {
      if (emit) {
        await emit(
          r.echo
            ? connectEvent("echo", { seq: r.seq, bytes: r.bytes, ms: msValue(r.ms), ok: true })
            : connectEvent("lost", { seq: r.seq, bytes: r.bytes, timeoutMs }),
        );
      } else if (!r.echo) {
        await ctx.rt.writeStderr(`seq=${r.seq}: no echo within ${timeoutMs} ms (lost)\n`);
      } else if (echoText) await ctx.rt.writeStdout(r.echo);
      else {
        await text(`${r.bytes} bytes from ${t.where}: seq=${r.seq} time=${r.ms.toFixed(3)} ms\n`);
      }
    };
    if (count !== undefined) {
      await text(
        `UDP ECHO ${t.where}: ${count} datagrams of ${size} bytes, timeout ${timeoutMs} ms\n`,
      );
      for (let seq = 1; seq <= count && !stop; seq++) {
        const start = performance.now();
        await onReply(await echoer.echo(seq, udpMessage(seq, size)), false);
        const wait = interval * 1000 - (performance.now() - start);
        if (seq < count && wait > 0) await pause(wait, () => stop);
      }
    } else {
      const stdin = net.stdin();
      const lines = new LineSplitter();
      let seq = 0;
      // Ctrl-C while we wait on stdin ends the run at once (with the summary).
      const read = () => Promise.race([stdin.read(), stopped.then(() => null)]);
      for (let chunk = await read(); chunk !== null && !stop; chunk = await read()) {
        for (const line of lines.push(chunk)) {
          await onReply(await echoer.echo(++seq, line), true);
        }
      }
      const last = lines.flush();
      if (last && !stop) await onReply(await echoer.echo(++seq, last), true);
    }
  } catch (e) {
    failure = e;
  } finally {
    offs.forEach((off) => off());
    sock.close();
  }
  const r = echoer.report();
  const code = failure instanceof TcpechoError
    ? failure.exitCode
    : failure !== undefined
    ? ExitCode.error
    : r.lost === 0
    ? ExitCode.ok
    : r.received === 0
    ? ExitCode.timedOut
    : ExitCode.error;
  if (emit) {
    if (failure !== undefined) await emit(errorEvent(failure));
    await emit(connectEvent("summary", {
      mode: "udp",
      sent: r.sent,
      received: r.received,
      lost: r.lost,
      late: r.late,
      lossPct: msValue(lossPct(r.sent, r.lost)),
      bytesSent: r.bytesSent,
      bytesReceived: r.bytesReceived,
      rtt: rttJson(r.rtt),
      end: failure !== undefined
        ? ((failure as TcpechoError).code === "ECONNREFUSED" ? "refused" : "error")
        : stop
        ? "interrupted"
        : "done",
      exitCode: code,
    }));
  }
  const summary = `--- ${t.where} UDP echo statistics ---\n` +
    `${r.sent} sent, ${r.received} received, ${lossPct(r.sent, r.lost).toFixed(0)}% lost` +
    (r.late ? `, ${r.late} late` : "") + "\n" +
    (r.received ? formatSummary(r.rtt) + "\n" : "");
  // Echoed lines own stdout in stdin mode, so the summary goes to stderr there.
  if (!emit) {
    await (count === undefined ? ctx.rt.writeStderr(summary) : ctx.rt.writeStdout(summary));
  }
  if (failure !== undefined) throw failure;
  if (code === ExitCode.timedOut) {
    throw new TcpechoError(
      `No echo from ${t.where}: ${r.sent} datagram${r.sent === 1 ? "" : "s"} sent, ` +
        `none answered within ${timeoutMs} ms`,
      {
        code: "ETIMEDOUT",
        exitCode: ExitCode.timedOut,
        hint: sock.seesIcmp
          ? "a firewall drops them, or the server rate-limits this source"
          : "is a UDP echo server running there? (ICMP errors are not visible here)",
      },
    );
  }
  return code;
}
