/**
 * Runs `tcpecho explain` in this process (no subprocess), with its shards in
 * this thread or in real worker threads: the --threads tests compare the
 * output of 1 and N threads byte for byte.
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "./path.ts";
import { getRuntime } from "../../lib/runtime/mod.ts";
import type { WorkerHandle } from "../../lib/runtime/worker.ts";
import type { CommandContext } from "../../cmd/cli.ts";
import { type ExplainRequest, runExplain } from "../../cmd/explain_run.ts";
import { shardHandler } from "../../cmd/explain_shard.ts";

/** What one in-process explain run wrote and returned. */
export interface ExplainOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A shard run in this thread behind the worker interface: messages are
 * handled and answered asynchronously, in order, as a worker would.
 */
export function inThreadShard(): WorkerHandle {
  let deliver: ((msg: unknown) => void) | undefined;
  let alive = true;
  const handle = shardHandler((msg) => queueMicrotask(() => alive && deliver?.(msg)));
  return {
    post: (msg) => queueMicrotask(() => alive && handle(msg)),
    onMessage: (fn) => {
      deliver = fn;
    },
    onError: () => {},
    terminate: () => {
      alive = false;
    },
  };
}

/** Runs explain in this process and collects its output (colour as asked). */
export async function explainInProcess(
  req: Omit<ExplainRequest, "filter"> & Partial<Pick<ExplainRequest, "filter">>,
  color = false,
): Promise<ExplainOutput> {
  const rt = await getRuntime();
  const dec = new TextDecoder();
  let stdout = "", stderr = "";
  const text = (d: Uint8Array | string) => typeof d === "string" ? d : dec.decode(d);
  const capture = Object.create(rt);
  capture.writeStdout = (d: Uint8Array | string) => {
    stdout += text(d);
    return Promise.resolve();
  };
  capture.writeStderr = (d: Uint8Array | string) => {
    stderr += text(d);
    return Promise.resolve();
  };
  capture.isTerminal = () => false;
  const ctx: CommandContext = { rt: capture, color, colorErr: false };
  let code: number;
  try {
    code = await runExplain(ctx, { filter: {}, ...req });
  } catch (e) {
    code = -1;
    stderr += `thrown: ${(e as Error).message}\n`;
  }
  return { code, stdout, stderr };
}

/** Every capture under a folder (pcap, pcapng, gzip), sorted. */
export function capturesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...capturesUnder(p));
    else if (/\.(pcap|pcapng|cap|gz)$/.test(name)) out.push(p);
  }
  return out;
}
