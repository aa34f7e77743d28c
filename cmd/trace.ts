/**
 * `connect --trace` and `probe --trace`: a live capture set up before the
 * command's first SYN (filter: TCP to the server's port), and, once the
 * command has printed its usual result, explain's verdict and ladder for the
 * command's own connections: those whose local port the command reported
 * (connect), else every connection to the server's port (probe). The
 * commands call {@link traced}; everything else lives here.
 * @module
 */
import { TcpechoError } from "../lib/errors.ts";
import type { Explained } from "../lib/explain/pipeline.ts";
import type { NetApi } from "../lib/runtime/net/types.ts";
import type { CommandContext } from "./cli.ts";
import type { TcpechoCommand } from "./command.ts";
import { DEFAULT_IDLE_S, type LiveRequest, runLive, startCapture } from "./live.ts";

/** The options a traced command adds (spread into its `args`). */
export const TRACE_ARGS = {
  trace: {
    type: "boolean",
    description: "capture this command's connection and explain it after the result (root)",
  },
  "trace-file": {
    type: "string",
    valueHint: "FILE",
    description: "as --trace, and keep the capture in FILE (pcap)",
  },
} as const;

/** What {@link traced} needs to know. */
export interface TraceTarget {
  /** The server's port (the capture filter). */
  port: number;
  /** --trace given. */
  trace?: boolean;
  /** --trace-file given. */
  file?: string;
}

/** Milliseconds to keep capturing after the command returns (the last ACKs). */
const GRACE_MS = 300;

/** Local ports of the connections made through {@link traceNet} while tracing. */
let recording: Set<number> | undefined;

/**
 * The command's socket layer, noting the local port of each connection it
 * opens while a trace runs (unchanged otherwise). The one line a command adds.
 */
export function traceNet(net: NetApi): NetApi {
  return {
    get mechanism() {
      return net.mechanism;
    },
    async connect(opts) {
      const c = await net.connect(opts);
      recording?.add(c.local.port);
      return c;
    },
    listen: (opts) => net.listen(opts),
    bindUdp: (opts) => net.bindUdp(opts),
    connectUdp: (opts) => net.connectUdp(opts),
    stdin: () => net.stdin(),
  };
}

/**
 * Gives a command `--trace` and `--trace-file FILE` (changes it in place):
 * `port` tells the server port from the parsed options. The command's own run
 * and exit code are kept.
 */
// deno-lint-ignore no-explicit-any
export function addTrace<T extends TcpechoCommand<any>>(
  cmd: T,
  port: (args: Record<string, unknown>) => number,
): void {
  const c = cmd as unknown as TcpechoCommand;
  const run = c.run;
  c.args = { ...c.args, ...TRACE_ARGS };
  c.run = (args, ctx, raw) => {
    const a = args as Record<string, unknown>;
    const target: TraceTarget = {
      port: port(a),
      trace: Boolean(a.trace),
      file: a["trace-file"] === undefined ? undefined : String(a["trace-file"]),
    };
    return traced(ctx, target, () => run(args, ctx, raw));
  };
}

/** Runs `body` (the command), tracing it when asked. */
export async function traced(
  ctx: CommandContext,
  target: TraceTarget,
  body: () => Promise<number>,
): Promise<number> {
  if (!target.trace && target.file === undefined) return await body();
  const ports = new Set<number>();
  const isOurs = (e: Explained) => {
    const c = e.conn;
    const server = c.aPort === target.port ? "a" : c.bPort === target.port ? "b" : undefined;
    if (server === undefined) return false;
    if (ports.size === 0) return true;
    return ports.has(server === "a" ? c.bPort : c.aPort);
  };
  const hold: string[] = [];
  const req: LiveRequest = {
    device: "any",
    filter: `tcp port ${target.port}`,
    format: "text",
    summary: false,
    write: target.file,
    idleS: DEFAULT_IDLE_S,
    backend: "auto",
    select: isOurs,
    hold,
  };
  const cap = await startCapture(req);
  const live = runLive(ctx, cap, req);
  let code: number;
  recording = ports;
  try {
    code = await body();
  } catch (e) {
    if (!(e instanceof TcpechoError)) {
      cap.stop();
      await live.catch(() => {});
      throw e;
    }
    // The usual result (the error line) first, then the trace.
    // (As main.ts formats it; importing main.ts from here would be a cycle.)
    await ctx.rt.writeStderr(`tcpecho: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ""}`);
    code = e.exitCode;
  } finally {
    recording = undefined;
    await new Promise((r) => setTimeout(r, GRACE_MS));
    cap.stop();
  }
  const done = await live;
  const head = `\n── trace (${cap.backend}, filter '${req.filter}'` +
    (target.file ? `, kept in ${target.file}` : "") + `) ──\n`;
  await ctx.rt.writeStdout(
    head + (done.written === 0 ? "No connection of this command was captured.\n" : hold.join("")),
  );
  return code;
}
