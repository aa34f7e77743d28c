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
import { buildPcap, type BuiltSegment } from "./explain_build.ts";
import { pcapOffsets } from "./capture_build.ts";

/** The explain outputs whose threaded runs are compared byte for byte. */
export const THREAD_FORMATS: {
  name: string;
  format: ExplainRequest["format"];
  summary: boolean;
}[] = [
  { name: "--summary", format: "text", summary: true },
  { name: "ndjson", format: "ndjson", summary: false },
  { name: "ndjson --summary", format: "ndjson", summary: true },
  { name: "text", format: "text", summary: false },
  { name: "json", format: "json", summary: false },
  { name: "json --summary", format: "json", summary: true },
];

/** What one in-process explain run wrote and returned. */
export interface ExplainOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A shard run in this thread behind the worker interface: messages are
 * handled and answered asynchronously, in order, as a worker would, and
 * cloned with their transfer lists as a worker's are (a buffer sent away is
 * detached on the sender's side: a view kept past its lifetime reads empty).
 */
export function inThreadShard(): WorkerHandle {
  let deliver: ((msg: unknown) => void) | undefined;
  let alive = true;
  const move = (msg: unknown, transfer?: ArrayBuffer[]) =>
    structuredClone(msg, { transfer: transfer ?? [] });
  const handle = shardHandler((msg, transfer) => {
    const m = move(msg, transfer);
    queueMicrotask(() => alive && deliver?.(m));
  });
  return {
    post: (msg, transfer) => {
      const m = move(msg, transfer);
      queueMicrotask(() => alive && handle(m));
    },
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
  capture.writeStdoutBatch = capture.writeStdout;
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

/**
 * A capture of many interleaved connections that exercises what the shards
 * must agree on: ids across shards, ends in the same frame, half-open
 * connections that expire idle (75 s) while other shards' frames go by,
 * port reuse after an end, refused connects, RSTs, and connections still open
 * at the end. Deterministic (no randomness).
 */
export function interleavedCapture(): Uint8Array {
  return buildPcap(interleavedSegments());
}

/**
 * {@link interleavedCapture} with timestamps that go back: every 40th
 * packet stamped 10,000 s late (as when a clock steps, or interfaces with
 * different clocks are merged), so the capture's time jumps forward past
 * every idle limit and back again, many times. The idle limits must end the
 * same connections however the packets are shared out among shards.
 */
export function backwardsCapture(): Uint8Array {
  const segs = interleavedSegments();
  segs.forEach((s, i) => {
    if (i % 40 === 7) s.t += 10_000;
  });
  return buildPcap(segs);
}

function interleavedSegments(): BuiltSegment[] {
  const segs: BuiltSegment[] = [];
  const wave = (t0: number, count: number, portBase: number, continues = false) => {
    for (let i = 0; i < count; i++) {
      const t = t0 + i * 0.37 + (i % 3) * 0.011;
      const ports: [number, number] = [portBase + i, 9877 + (i % 4)];
      const a = 1000 * (i + 1) + portBase, b = 500_000 + 7 * i + portBase;
      const seg = (fromA: boolean, flags: string, dt: number, seq: number, ack = 0, len = 0) =>
        segs.push({ fromA, flags, t: t + dt, seq, ack, len, ports });
      const kind = i % 6;
      seg(true, "S", 0, a);
      if (kind === 2) continue; // never answered: expires idle 75 s later
      if (kind === 4) {
        seg(false, "RA", 0.001, 0, a + 1);
        continue;
      }
      seg(false, "SA", 0.001, b, a + 1);
      seg(true, "A", 0.002, a + 1, b + 1);
      seg(true, "PA", 0.01 + i * 0.001, a + 1, b + 1, 100);
      seg(false, "A", 0.011 + i * 0.001, b + 1, a + 101);
      if (kind === 0) {
        seg(true, "FA", 0.5, a + 101, b + 1);
        seg(false, "FA", 0.501, b + 1, a + 102);
        seg(true, "A", 0.502, a + 102, b + 2);
        // Data after the close, beyond what the connection sent: a new
        // connection that continues this one (its sentence names its id).
        if (continues) seg(true, "PA", 3, a + 102, b + 2, 50);
      } else if (kind === 1) seg(false, "R", 0.3, b + 1);
      else if (kind === 5) seg(true, "PA", 2.5, a + 101, b + 1, 10); // still open at the end
    }
  };
  wave(0, 60, 40000, true);
  wave(90, 60, 40000); // the same ports again: new epochs after ended ones
  wave(95, 30, 41000);
  segs.sort((x, y) => x.t - y.t);
  return segs;
}

/**
 * {@link interleavedCapture} damaged twice: garbage in the middle (a record
 * whose header claims 16 MB, so the reader resyncs after it) and its last
 * record cut short. Explain warns and exits 1.
 */
export function damagedInterleavedCapture(): Uint8Array {
  const b = interleavedCapture();
  const at = pcapOffsets(b);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  v.setUint32(at[Math.floor(at.length / 2)] + 8, 0x00ffffff, true);
  return b.subarray(0, b.length - 7);
}
