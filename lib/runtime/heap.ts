/**
 * Keeps the JavaScript heap of a long batch job (explain on a big capture)
 * near a budget, from inside the process: no runtime flag is needed, so it
 * works under `deno run`, `bun`, the compiled binaries and the tests alike.
 *
 * Why: a SYN flood keeps up to 8,192 connections open (the tracker's
 * maxHalfOpen), each for as long as 8,192 others take to arrive, so every connection record outlives the
 * young generation and is promoted before it dies. The runtimes let the old
 * generation grow to several times what survived the last full collection
 * (V8 up to 4x, JavaScriptCore by the machine's RAM) before they collect it:
 * 60 MB live became 450-550 MiB of peak RSS (docs/reliability.md).
 *
 * How: {@link HeapPacer.tick} is called between pieces of work (explain calls
 * it before each read of the capture). When the heap in use has grown past
 * the limit (a budget, or a multiple of what the last collection left,
 * whichever is larger: {@link BUN_LIMIT}, {@link V8_LIMIT}), it asks for a
 * full collection:
 * - Bun: `bun:jsc` `fullGC()`, a synchronous full collection (no CPU cost
 *   measurable on the flood; `Bun.gc(true)` cost 50% more CPU);
 * - Deno: V8 offers no collection call without `--expose-gc` (and `gc()`
 *   got by setting that flag at run time runs two compacting collections,
 *   0.2-0.3 s each at 60 MB live), but memory held outside the heap counts
 *   towards its global allocation limit. The pacer allocates an ArrayBuffer
 *   of 1 GiB and drops it: its pages are never touched, so they cost no
 *   resident memory, V8 starts its ordinary incremental collection, and
 *   that collection frees the buffer.
 *
 * Below the budget nothing happens, so small captures never pay for it.
 * @module
 */

/** Options of {@link heapPacer}. */
export interface PacerOptions {
  /** V8's limit instead of {@link V8_LIMIT}. */
  v8?: PacerLimit;
  /** On Bun, a pacer that does nothing. */
  v8Only?: boolean;
}

/** What {@link heapPacer} returns. */
export interface HeapPacer {
  /** Between pieces of work: asks for a collection when the heap is over its limit. */
  tick(): void;
  /** Collections asked for so far. */
  readonly requests: number;
}

/** How a runtime's pacer sets its limit: `max(budget, factor x what the last collection left)`. */
export interface PacerLimit {
  /** Bytes of heap in use below which nothing is asked. */
  budget: number;
  /** The limit as a multiple of what a collection left (a heap that is mostly live grows). */
  factor: number;
  /**
   * JavaScriptCore: also a full collection every this many ticks while the
   * heap is under the budget (see {@link BUN_LIMIT}).
   */
  every?: number;
}

/**
 * Bun: after `fullGC()` the heap size is what is live; twice that, at least
 * 96 MiB (1 M-SYN flood, ndjson: 357-385 -> 276-299 MiB peak RSS). And a
 * full collection every 1,024 ticks (explain: 128 MiB of capture) while the
 * heap is under the budget, where one costs a few milliseconds: the heap's
 * size counts a string's cell but not its characters, which live outside
 * the heap, so dead strings can take far more memory than the heap's size
 * shows. `--format json` of 1.6 M connections (seventeenth session) grew
 * 3 MiB/s to 236 MiB of RSS while the heap size stayed under 30 MB and no
 * collection came; with this, 97 MiB and no slower. Collecting on the
 * process's RSS growth instead (every 16 or 32 MiB) left 143-156 MiB.
 */
export const BUN_LIMIT: PacerLimit = { budget: 96 * 1024 * 1024, factor: 2, every: 1024 };

/**
 * Deno: the least heap in use seen after a nudge includes the young
 * generation (up to about 30 MB), so the factor is smaller: 1.5, at least
 * 128 MiB.
 */
export const V8_LIMIT: PacerLimit = { budget: 128 * 1024 * 1024, factor: 1.5 };

/**
 * Deno, `explain --threads N` (the reader and each worker that formats
 * connections): 16 MiB, 1.5 times what was live. With V8's smallest young
 * generation (bin/tcpecho.mjs) a worker promotes most of its connection
 * records before they die, and V8 let its old generation fill with them to
 * about 30 MB before it first marked it (8-14 MB live): 2-4 MB a second of
 * garbage on the benchmark capture. The reader's 7-9 MB live grew to 24 MB
 * the same way. A nudge at 16 MiB collects them every few seconds, a few
 * milliseconds each: `--format json --threads 2` of the 4x capture peaked at
 * 163-174 MiB instead of 195-224, of the 16x one at 179 instead of 194 (and
 * 205 in an earlier session), no slower within the runs' spread (nineteenth
 * session, docs/threads.md).
 */
export const V8_THREADS_LIMIT: PacerLimit = { budget: 16 * 1024 * 1024, factor: 1.5 };

/**
 * The ArrayBuffer that nudges V8: memory outside the heap counts towards
 * V8's global allocation limit, and one of 1 GiB brings the next collection
 * forward at once (80 MiB did nothing, 256 MiB only sometimes: measured);
 * untouched, it costs address space, not resident memory.
 */
const V8_NUDGE_BYTES = 1024 * 1024 * 1024;

function limitOf(l: PacerLimit, live: number): number {
  return Math.max(l.budget, l.factor * live);
}

type JscModule = { fullGC(): number; heapSize(): number };

/**
 * A pacer for this runtime, or one that does nothing where the runtime
 * offers no way (neither Deno nor Bun detected, `bun:jsc` missing).
 *
 * @example
 * ```ts
 * const pacer = await heapPacer();
 * for (let i = 0; i < 10; i++) pacer.tick(); // between reads
 * ```
 */
export async function heapPacer(opts: PacerOptions = {}): Promise<HeapPacer> {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.Bun === "object" && g.Bun !== null) {
    if (opts.v8Only) return idle();
    let jsc: JscModule;
    try {
      const name = "bun:jsc";
      jsc = await import(name) as JscModule;
    } catch {
      return idle();
    }
    return jscPacer(jsc, BUN_LIMIT);
  }
  const deno = g.Deno as { memoryUsage?(): { heapUsed: number } } | undefined;
  if (deno?.memoryUsage === undefined) return idle();
  return v8Pacer(() => deno.memoryUsage!().heapUsed, opts.v8 ?? V8_LIMIT);
}

function idle(): HeapPacer {
  return { tick() {}, requests: 0 };
}

/** Most ticks {@link jscPacer} lets pass without looking at the heap. */
export const JSC_MAX_SKIP = 16;

/**
 * JavaScriptCore: a synchronous full collection, then the heap size is what
 * is live. `heapSize()` walks the heap (about 0.27 ms a call at 100 MB, 2 ms
 * at 460 MB; read at every tick, the text of the benchmark capture made 1,799
 * calls, about 0.5 s of CPU), so the pacer looks only as often as the heap's growth
 * needs: after each look it lets pass half the ticks the heap would take to
 * reach the limit at the rate it grew since the last look (at most
 * {@link JSC_MAX_SKIP}), so it looks a few times per collection cycle and
 * overshoots the limit by at most the growth of one tick. With
 * {@link PacerLimit.every}, a look after that many ticks since the last full
 * collection makes one while the heap is under the budget.
 */
export function jscPacer(jsc: JscModule, l: PacerLimit): HeapPacer {
  let limit = l.budget;
  let requests = 0;
  /** Ticks to let pass; ticks so far; the heap size and tick count at the last look. */
  let skip = 0, ticks = 0, lastSize = 0, lastTick = 0;
  /** {@link PacerLimit.every}, and the tick of the last full collection. */
  const every = l.every ?? 0;
  let lastFull = 0;
  return {
    tick() {
      ticks++;
      if (skip > 0) {
        skip--;
        return;
      }
      let size = jsc.heapSize();
      if (size > limit || (every > 0 && ticks - lastFull >= every && size <= l.budget)) {
        requests++;
        lastFull = ticks;
        jsc.fullGC();
        size = jsc.heapSize();
        limit = limitOf(l, size);
      }
      const perTick = (size - lastSize) / (ticks - lastTick);
      lastSize = size;
      lastTick = ticks;
      skip = perTick > 0 ? Math.min(JSC_MAX_SKIP, Math.floor((limit - size) / perTick / 2)) : 0;
    },
    get requests() {
      return requests;
    },
  };
}

/**
 * V8: nudges by external memory. What the heap in use falls to after a
 * nudge (the least seen since: a collection ran, asked for or V8's own) is
 * taken as what is live; so a nudge that brings nothing is not repeated
 * until the heap has grown by the factor again.
 */
export function v8Pacer(
  heapUsed: () => number,
  l: PacerLimit,
  nudge: () => unknown = nudgeV8,
): HeapPacer {
  let requests = 0;
  /** The least heap in use since the last nudge (0 before the first). */
  let least = 0;
  return {
    tick() {
      const used = heapUsed();
      if (used < least) least = used;
      if (used <= limitOf(l, least)) return;
      requests++;
      least = used;
      nudge();
    },
    get requests() {
      return requests;
    },
  };
}

/** An untouched ArrayBuffer of {@link V8_NUDGE_BYTES}, or null where there is no room for one. */
function nudgeV8(): ArrayBuffer | null {
  try {
    return new ArrayBuffer(V8_NUDGE_BYTES);
  } catch {
    return null; // no address space for it (a ulimit -v): V8 collects on its own
  }
}
