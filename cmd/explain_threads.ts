/**
 * `explain --threads N`: the reader (this thread) reads and decodes each
 * frame, hands it to the worker that owns its connection's shard, and merges
 * the workers' reports back into the single-threaded run's ids and order
 * (lib/explain/shard.ts; design and limits in docs/threads.md).
 * @module
 */
import { readCapture } from "../lib/capture/mod.ts";
import {
  type CaptureSetInfo,
  FrameOrigins,
  type NamedSource,
  readCaptureSet,
} from "../lib/capture/merge.ts";
import type { ByteSource, CaptureInfo, Frame, ReadOptions } from "../lib/capture/types.ts";
import { decodeFrame, newPacket } from "../lib/decode/mod.ts";
import type { ConnFilter, Detail } from "../lib/explain/engine.ts";
import { countUnplaced, type ExplainSummary } from "../lib/explain/pipeline.ts";
import { BatchWriter, shardOf, type ShardReport, type ShardTotals } from "../lib/explain/shard.ts";
import { ShardMerger } from "../lib/explain/shard_merge.ts";
import {
  type TrackerLimits,
  UNASSIGNED_REASONS,
  type UnassignedReason,
} from "../lib/tcp/tracker.ts";
import { hardwareThreads, startWorker, type WorkerHandle } from "../lib/runtime/worker.ts";
import type { ExplainRequest } from "./explain_run.ts";
import type { ShardFormat, ShardInit } from "./explain_shard.ts";

/** Frames per batch round (every worker gets one batch per round). */
const ROUND_FRAMES = 8192;
/** A round is sent early when one worker's batch reaches this many bytes. */
const ROUND_BYTES = 1 << 20;
/** Rounds sent but not yet merged before the reader waits. */
const MAX_IN_FLIGHT = 4;
/**
 * Report buffers up to this size go back to their worker once merged, to be
 * written again (bigger ones, a connection of very many segments, are left
 * to the collector). Dropped instead, Deno's reader held up to 67 MiB of
 * them waiting for a collection (docs/threads.md).
 */
const RECYCLE_MAX = 16 << 20;
/**
 * The young generation of a worker that formats connections (every format
 * but the table), in MiB, on Deno: V8's own sizing grew each to 64 MiB and
 * kept it. Measured with `--threads 2` on the benchmark capture, peak RSS in
 * two or three runs: text 330-367 -> 261-278 MiB, JSON 374-424 -> 276-335,
 * NDJSON 271-324 -> 254-297, no slower (docs/threads.md). The table's workers
 * keep little and stay Web Workers (a limited one cost 15 MiB more each there).
 */
const FORMAT_WORKER_YOUNG_MB = 16;

/** Options of {@link explainThreaded}. */
export interface ThreadedOptions {
  /** Worker threads (shards), at least 2. */
  threads: number;
  detail: Detail;
  reuse: boolean;
  filter?: ConnFilter;
  /** The tracker's limits, per shard. */
  limits?: TrackerLimits;
  format: ShardFormat;
  color: boolean;
  /**
   * Each connection as it ends, in the single-threaded end order (text
   * undefined: filtered out). Bytes are a view of the report's buffer, valid
   * only until this returns: the buffer then goes back to its worker, which
   * writes a later report in it (copy what you keep).
   */
  onOutput(id: number, text: string | Uint8Array | undefined): void;
  onFrame?(frames: number): void;
  origins?: FrameOrigins;
  read?: ReadOptions;
  /** Starts shard `i` (default: a worker thread running cmd/explain_worker.ts). */
  spawn?(i: number): WorkerHandle;
}

interface Reply {
  seq: number;
  buf?: ArrayBuffer;
  report?: ShardReport;
  totals?: ShardTotals;
  error?: string;
}

/**
 * Explains a capture with `threads` workers; the same summary as
 * explainCapture, and each connection's output (made by the workers) through
 * `onOutput` with its final id.
 */
export async function explainThreaded(
  source: ByteSource | NamedSource[],
  opts: ThreadedOptions,
): Promise<ExplainSummary> {
  const n = opts.threads;
  const url = new URL("./explain_worker.ts", import.meta.url);
  const workers: WorkerHandle[] = [];
  const merger = new ShardMerger(n, opts.onOutput);
  const rounds = new Map<number, { reports: ShardReport[]; got: number; totals: ShardTotals[] }>();
  let sent = 0, merged = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let totals: ShardTotals[] = [];
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const init: ShardInit = {
    type: "init",
    detail: opts.detail,
    reuse: opts.reuse,
    filter: opts.filter,
    limits: opts.limits,
    format: opts.format,
    color: opts.color,
  };
  const writers = Array.from({ length: n }, () => new BatchWriter(ROUND_BYTES + (64 << 10)));
  /** Per shard: merged reports' buffers, going back with its next batch. */
  const spares: ArrayBuffer[][] = Array.from({ length: n }, () => []);
  try {
    for (let s = 0; s < n; s++) {
      const w = opts.spawn ? opts.spawn(s) : await startWorker(
        url,
        opts.format === "table" ? {} : { youngGenerationMb: FORMAT_WORKER_YOUNG_MB },
      );
      workers.push(w);
      w.onError((e) => {
        failure ??= e;
        poke();
      });
      w.onMessage((data) => {
        const m = data as Reply;
        if (m.error !== undefined) {
          failure ??= new Error(`explain worker ${s}: ${m.error}`);
          poke();
          return;
        }
        if (m.buf) writers[s].recycle(m.buf);
        let r = rounds.get(m.seq);
        if (r === undefined) rounds.set(m.seq, r = { reports: new Array(n), got: 0, totals: [] });
        r.reports[s] = m.report!;
        if (m.totals) r.totals[s] = m.totals;
        r.got++;
        for (let q = rounds.get(merged); q !== undefined && q.got === n; q = rounds.get(merged)) {
          rounds.delete(merged++);
          if (failure === undefined) merger.add(q.reports);
          for (let k = 0; k < n; k++) {
            const b = q.reports[k].bytes;
            if (b !== null && b.byteLength <= RECYCLE_MAX) spares[k].push(b);
          }
          if (q.totals.length === n) totals = q.totals;
        }
        poke();
      });
      w.post(init);
    }
    const waitUntil = async (inFlight: number) => {
      while (sent - merged > inFlight && failure === undefined) {
        await new Promise<void>((r) => wake = r);
      }
      if (failure !== undefined) throw failure;
    };

    const unplaced: Record<string, number> = {};
    const pkt = newPacket({ synOptionsOnly: true });
    let frames = 0, tcpFrames = 0, roundFrames = 0;
    let lastSec = 0, lastNsec = 0;
    const send = () => {
      const seq = sent++;
      for (let s = 0; s < n; s++) {
        const b = writers[s].take();
        const give = spares[s];
        spares[s] = [];
        workers[s].post(
          { type: "batch", seq, buf: b.buffer, length: b.length, spares: give },
          [b.buffer as ArrayBuffer, ...give],
        );
      }
      roundFrames = 0;
    };
    const each = (frame: Frame) => {
      const p = decodeFrame(frame, pkt);
      if (p.kind === "tcp") tcpFrames++;
      else countUnplaced(p, unplaced);
      lastSec = frame.tsSec;
      lastNsec = frame.tsNsec;
      const sh = shardOf(p, n);
      if (frames++ === 0 && sh < 0) {
        for (const w of writers) w.tick(frame.index, lastSec, lastNsec, false);
      }
      if (sh >= 0) {
        for (let s = 0; s < n; s++) {
          if (s === sh) writers[s].frame(frame);
          else writers[s].tick(frame.index, lastSec, lastNsec);
        }
        if (++roundFrames >= ROUND_FRAMES || writers[sh].length >= ROUND_BYTES) send();
      }
      opts.onFrame?.(frames);
    };
    // The reader waits for the workers before each read: a bounded number of rounds in flight.
    const paced = (src: ByteSource): ByteSource => ({
      async read(into) {
        // What was read so far goes out before waiting for more (a live pipe stays prompt).
        if (roundFrames > 0) send();
        await waitUntil(MAX_IN_FLIGHT - 1);
        return src.read(into);
      },
    });
    let capture: CaptureInfo | CaptureSetInfo;
    let origins = opts.origins;
    if (Array.isArray(source)) {
      origins ??= new FrameOrigins();
      capture = await readCaptureSet(
        source.map((s) => ({ name: s.name, source: paced(s.source) })),
        each,
        origins,
        opts.read,
      );
    } else {
      capture = await readCapture(paced(source), each, opts.read);
      origins = undefined;
    }
    if (roundFrames > 0) send();
    const seq = sent++;
    for (const w of workers) w.post({ type: "finish", seq, tsSec: lastSec, tsNsec: lastNsec });
    await waitUntil(0);

    let connections = 0;
    const unassigned: Record<string, number> = {};
    const expired: Record<string, number> = {};
    for (const t of totals) {
      connections += t.connections;
      for (const [k, v] of Object.entries(t.unassigned)) unassigned[k] = (unassigned[k] ?? 0) + v;
      for (const [k, v] of Object.entries(t.expired)) expired[k] = (expired[k] ?? 0) + v;
    }
    for (const [k, v] of Object.entries(unassigned)) {
      if (v > 0) unplaced[UNASSIGNED_REASONS[k as UnassignedReason]] = v;
    }
    return {
      capture,
      origins,
      connections,
      tcpFrames,
      unplaced,
      expired: expired as ExplainSummary["expired"],
    };
  } finally {
    for (const w of workers) w.terminate();
  }
}

/** Capture files at least this big use every core when --threads is not given (docs/threads.md). */
const AUTO_THREADS_MIN_BYTES = 16 * 1024 * 1024;

/**
 * How many worker threads this request uses: the asked number where the
 * threads' output is identical to one thread's, else 1 (docs/threads.md).
 *
 * @example
 * ```ts
 * // threadsFor(req, false, size) === 1 for --format html or --id
 * ```
 */
export function threadsFor(req: ExplainRequest, set: boolean, bytes: number): number {
  // Default: a worker per core but the reader's, when that makes at least 2.
  const n = req.threads ?? (bytes >= AUTO_THREADS_MIN_BYTES ? hardwareThreads() - 1 : 1);
  if (n <= 1 || req.format === "html" || req.filter.id !== undefined) return 1;
  const tableMode = req.format === "text" && req.summary;
  if (set && !tableMode && req.format !== "text") return 1;
  return Math.floor(n);
}
