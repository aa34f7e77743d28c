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

function rate(r: BulkReport): string {
  const s = r.seconds > 0 ? r.seconds : 1e-9;
  return `${((r.received * 8) / s / 1e6).toFixed(1)} Mbit/s`;
}

function summaryText(t: Target, r: BulkReport): string {
  return `--- ${t.where} bulk statistics ---\n` +
    `${r.sent} bytes sent, ${r.received} echoed, ${r.mismatched} mismatched, ` +
    `${r.seconds.toFixed(3)} s, ${rate(r)} each way\n`;
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
    if (!emit) await ctx.rt.writeStdout(`BULK ${t.where}: ${bytes} bytes\n`);
    const hooks = emit
      ? {
        onFinSent: () => emit(connectEvent("fin-sent", { bytesSent: bytes })),
        onPeerFin: () => emit(connectEvent("peer-fin", { bytesReceived: bytes })),
      }
      : {};
    last = await bulkEcho(conn, { bytes, ...hooks }, t.where, (partial) => {
      last = partial;
    }).catch(async (e) => {
      if (!emit && last) await ctx.rt.writeStdout(summaryText(t, last));
      throw e;
    });
    if (!emit) await ctx.rt.writeStdout(summaryText(t, last));
    return last.mismatched ? ExitCode.error : ExitCode.ok;
  });
}
