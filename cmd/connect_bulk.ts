/**
 * `tcpecho connect --bulk BYTES`: a bulk transfer through the echo server,
 * timed, every echoed byte checked (lib/echo/bulk.ts).
 * @module
 */
import { bulkEcho, type BulkReport } from "../lib/echo/bulk.ts";
import { connectEvent } from "../lib/echo/events.ts";
import { ExitCode } from "../lib/errors.ts";
import type { NetApi } from "../lib/runtime/net/mod.ts";
import { type CommandContext, numberOption } from "./cli.ts";
import { type Emit, open, type Target, withJsonEnd } from "./connect_modes.ts";

/** The largest --bulk: 1 TiB. */
const MAX_BULK = 2 ** 40;

function rate(bytes: number, seconds: number): string {
  return `${((bytes * 8) / Math.max(seconds, 1e-9) / 1e6).toFixed(1)} Mbit/s`;
}

function summaryText(t: Target, r: BulkReport, discard: boolean): string {
  return `--- ${t.where} bulk statistics ---\n` +
    (discard
      ? `${r.sent} bytes sent, ${r.received} came back, ${r.seconds.toFixed(3)} s, ${
        rate(r.sent, r.seconds)
      }\n`
      : `${r.sent} bytes sent, ${r.received} echoed, ${r.mismatched} mismatched, ` +
        `${r.seconds.toFixed(3)} s, ${rate(r.received, r.seconds)} each way\n`);
}

/**
 * --bulk mode: BYTES written as fast as the connection takes them while the
 * echoes are read, FIN, then the server's FIN. Exit 0 when every byte came
 * back unchanged, 1 when some differed (3 on a premature FIN, 4 on RST …).
 */
export async function runBulkMode(
  net: NetApi,
  ctx: CommandContext,
  t: Target,
  raw: string,
  discard: boolean,
  emit?: Emit,
): Promise<number> {
  const bytes = numberOption(raw, "bulk", { integer: true, min: 1, max: MAX_BULK })!;
  let last: BulkReport | undefined;
  const summary = () => ({
    mode: "bulk",
    bytesSent: last?.sent ?? 0,
    bytesReceived: last?.received ?? 0,
    mismatched: last?.mismatched ?? 0,
    seconds: Math.round((last?.seconds ?? 0) * 1e6) / 1e6,
  });
  return await withJsonEnd(emit, summary, async () => {
    const conn = await open(net, t, emit);
    if (!emit) {
      await ctx.rt.writeStdout(
        `BULK ${t.where}: ${bytes} bytes${discard ? " (discard: no echo expected)" : ""}\n`,
      );
    }
    const hooks = emit
      ? {
        onFinSent: () => emit(connectEvent("fin-sent", { bytesSent: bytes })),
        onPeerFin: () => emit(connectEvent("peer-fin", { bytesReceived: discard ? 0 : bytes })),
      }
      : {};
    last = await bulkEcho(conn, { bytes, discard, ...hooks }, t.where, (partial) => {
      last = partial;
    }).catch(async (e) => {
      if (!emit && last) await ctx.rt.writeStdout(summaryText(t, last, discard));
      throw e;
    });
    if (!emit) await ctx.rt.writeStdout(summaryText(t, last, discard));
    return last.mismatched ? ExitCode.error : ExitCode.ok;
  });
}
