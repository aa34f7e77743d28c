/**
 * The live side of explain, shared by `tcpecho watch` and `--trace`: a
 * capture from lib/runtime/pcap read as a pcap stream through the explain
 * pipeline, each connection written as it ends; a wall-clock timer reports
 * connections idle too long (the tracker only sees time when packets arrive)
 * and the kernel's drops (pcap_stats).
 * @module
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { ByteSource } from "../lib/capture/types.ts";
import { TcpechoError, usageError } from "../lib/errors.ts";
import { explainCapture, type Explained, type ExplainSummary } from "../lib/explain/pipeline.ts";
import { BYTES, RETRANS } from "../lib/tcp/conn.ts";
import type { TcpConn } from "../lib/tcp/conn.ts";
import { connectionReport, ndjsonLine } from "../lib/report/json.ts";
import { AsciiBuffer, summaryHeader, writeSummaryRow } from "../lib/report/summary.ts";
import { textChunks } from "../lib/report/text.ts";
import {
  type CaptureFailure,
  execPath,
  type LiveCapture,
  openCapture,
} from "../lib/runtime/pcap/mod.ts";
import type { CommandContext } from "./cli.ts";

/** What to capture and how to write it. */
export interface LiveRequest {
  device: string;
  /** BPF filter (tcpdump syntax). */
  filter: string;
  format: "text" | "ndjson";
  summary: boolean;
  /** Keep the capture in this pcap file. */
  write?: string;
  /** Seconds without a packet after which an open connection is reported and forgotten. */
  idleS: number;
  /** "auto" (libpcap by FFI, else tcpdump), "ffi" or "tcpdump". */
  backend: "auto" | "ffi" | "tcpdump";
  /** Only connections this accepts (asked when each connection ends). */
  select?: (e: Explained) => boolean;
  /** Collect the output here instead of writing it to stdout (--trace prints it later). */
  hold?: string[];
}

/** Default idle limit (seconds). */
export const DEFAULT_IDLE_S = 300;

/** Starts the capture or throws the one-line error the CLI prints. */
export async function startCapture(req: LiveRequest): Promise<LiveCapture> {
  const cap = await openCapture({ device: req.device, filter: req.filter, backend: req.backend });
  if ("code" in cap) throw await captureError(cap, req);
  return cap;
}

async function captureError(f: CaptureFailure, req: LiveRequest): Promise<TcpechoError> {
  if (f.code === "EPERM") {
    const bin = await execPath().catch(() => "BINARY");
    return new TcpechoError(
      `Cannot capture on ${req.device}: permission denied (${
        f.message.trim().replace(/^\((.*)\)$/, "$1")
      }); capturing ` +
        `needs the CAP_NET_RAW capability: run as root, or grant it with ` +
        `'sudo setcap cap_net_raw,cap_net_admin=eip ${bin}'`,
      { code: "EPERM", exitCode: 1 },
    );
  }
  if (f.code === "EFILTER") {
    return usageError(
      `Bad capture filter '${req.filter}': ${f.message}`,
      "the filter uses tcpdump's syntax, e.g. 'tcp port 9877' (man pcap-filter)",
    );
  }
  if (f.code === "ENODEV") {
    return new TcpechoError(`Cannot capture on ${req.device}: ${f.message}`, {
      code: "ENODEV",
      hint: "give an interface with -i (see 'ip link'), or -i any",
    });
  }
  return new TcpechoError(`Cannot capture on ${req.device}: ${f.message}`, {
    code: f.code,
    hint: "tcpecho captures with libpcap (by FFI) or, failing that, tcpdump",
  });
}

/** What {@link runLive} saw. */
export interface LiveResult {
  summary: ExplainSummary;
  /** Connections written. */
  written: number;
  /** Connections reported because they were idle. */
  idle: number;
  /** Packets the kernel dropped (libpcap only). */
  dropped: number;
}

/**
 * Reads `cap` until it is stopped (cap.stop(): Ctrl-C, SIGTERM, or the
 * caller), writing each connection as it ends; the connections still open
 * at the end are written too (reported as open).
 */
export async function runLive(
  ctx: CommandContext,
  cap: LiveCapture,
  req: LiveRequest,
): Promise<LiveResult> {
  const { rt } = ctx;
  let out: string[] = [];
  /** Idle lines for stderr, written after the rows they follow (so the row is out first). */
  let notes: string[] = [];
  const table = new AsciiBuffer();
  const tableMode = req.format === "text" && req.summary;
  if (tableMode) table.text(summaryHeader(ctx.color));
  let written = 0, idle = 0, evicting = false, dropped = 0;
  const onConnection = (e: Explained) => {
    if (req.select !== undefined && !req.select(e)) return;
    written++;
    if (evicting) {
      idle++;
      const line = `watch: connection ${e.conn.id} saw no packet for ${req.idleS} s: ` +
        `reported as still open and forgotten\n`;
      if (req.format === "text" && !req.summary) out.push(line);
      else notes.push(`tcpecho: ${line}`);
    }
    if (req.format === "ndjson") out.push(ndjsonLine(connectionReport(e, undefined, !req.summary)));
    else if (tableMode) writeSummaryRow(table, e, ctx.color);
    else out.push([...textChunks(e, ctx.color)].join(""));
  };
  // One writer at a time: the reader and the timer both flush.
  let writing: Promise<void> = Promise.resolve();
  /** A live status line on stderr (a terminal, the text report): open connections so far. */
  const statusOn = req.format === "text" && req.hold === undefined && rt.isTerminal(2);
  let statusShown = false;
  const clearStatus = async () => {
    if (statusShown) await rt.writeStderr("\r\x1b[K");
    statusShown = false;
  };
  const flush = () =>
    writing = writing.then(async () => {
      if (out.length > 0 || table.length > 0) await clearStatus();
      const write = (t: string | Uint8Array) =>
        req.hold
          ? void req.hold.push(typeof t === "string" ? t : new TextDecoder().decode(t))
          : rt.writeStdout(t);
      if (table.length > 0) await write(table.take());
      if (out.length > 0) {
        const text = out.join("");
        out = [];
        await write(text);
      }
      if (notes.length > 0) {
        const text = notes.join("");
        notes = [];
        await rt.writeStderr(text);
      }
    });
  const file = req.write === undefined ? undefined : openOutput(req.write);
  const source: ByteSource = {
    async read(into) {
      await flush();
      const n = await cap.read(into);
      if (n !== null && file !== undefined) writeAll(file, into.subarray(0, n));
      return n;
    },
  };
  let engine:
    | {
      endIdle(nowSec: number, idleS: number): number;
      tracker: { openValues(): Iterable<TcpConn> };
    }
    | undefined;
  const showStatus = () =>
    writing = writing.then(async () => {
      if (engine === undefined) return;
      const line = statusLine(engine.tracker.openValues());
      if (line === "") return await clearStatus();
      await rt.writeStderr(`\r\x1b[K${line}`);
      statusShown = true;
    });
  const checkDrops = async () => {
    const s = cap.stats();
    if (s === undefined) return;
    const d = s.dropped + s.ifDropped;
    if (d > dropped) {
      dropped = d;
      await rt.writeStderr(`tcpecho: kernel dropped ${d} packets: verdicts may be wrong\n`);
    }
  };
  const tickMs = Math.max(200, Math.min(1000, req.idleS * 500));
  const timer = setInterval(() => {
    if (engine !== undefined) {
      evicting = true;
      try {
        engine.endIdle(Date.now() / 1000, req.idleS);
      } finally {
        evicting = false;
      }
    }
    void flush();
    void checkDrops();
    if (statusOn) void showStatus();
  }, tickMs);
  const stop = () => cap.stop();
  const offInt = rt.onSignal("SIGINT", stop);
  const offTerm = rt.onSignal("SIGTERM", stop);
  let summary: ExplainSummary;
  try {
    summary = await explainCapture(source, {
      detail: req.summary ? (tableMode ? "table" : "verdict") : "full",
      onConnection,
      onEngine: (e) => (engine = e),
    });
  } finally {
    clearInterval(timer);
    offInt();
    offTerm();
    await checkDrops().catch(() => {});
    await (writing = writing.then(clearStatus)).catch(() => {});
    cap.close();
    if (file !== undefined) closeSync(file);
  }
  await flush();
  return { summary, written, idle, dropped };
}

/**
 * "watch: 2 open · #7 127.0.0.1:40512 → 127.0.0.1:9877 ESTABLISHED 128/128 B 0 rexmit"
 * (the connection with the latest packet), at most 100 characters; "" when none is open.
 */
function statusLine(open: Iterable<TcpConn>): string {
  let n = 0;
  let latest: TcpConn | undefined;
  for (const c of open) {
    n++;
    if (latest === undefined || c.facts.lastTime >= latest.facts.lastTime) latest = c;
  }
  if (latest === undefined) return "";
  const c = latest, f = c.facts, a = c.clientIsA;
  const ep = (addr: string, port: number) =>
    addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
  const state = f.firstFinSide >= 0 ? "closing" : f.established ? "ESTABLISHED" : "handshake";
  const line = `watch: ${n} open · #${c.id} ` +
    `${a ? ep(c.aAddr, c.aPort) : ep(c.bAddr, c.bPort)} → ${
      a ? ep(c.bAddr, c.bPort) : ep(c.aAddr, c.aPort)
    } ` +
    `${state} ${f.p[BYTES]}/${f.p[BYTES + 1]} B ` +
    `${f.p[RETRANS] + f.p[RETRANS + 1]} rexmit`;
  return line.length > 100 ? line.slice(0, 99) + "…" : line;
}

function openOutput(path: string): number {
  try {
    return openSync(path, "w");
  } catch (e) {
    throw new TcpechoError(`Cannot write capture '${path}': ${(e as Error).message}`, {
      code: (e as { code?: string }).code ?? "EIO",
    });
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off);
}
