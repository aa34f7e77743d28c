/**
 * Worker threads for `explain --threads` (cmd/explain_threads.ts): the Web
 * Worker API, which Deno and Bun both implement (a module worker per thread,
 * messages by structured clone, ArrayBuffers transferred). On Deno a worker
 * whose heap is limited is a node:worker_threads Worker (inside, the same Web
 * Worker calls work); Deno workers inherit the process's permissions.
 * @module
 */

/** The main thread's handle on one worker. */
export interface WorkerHandle {
  post(msg: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(fn: (msg: unknown) => void): void;
  onError(fn: (e: Error) => void): void;
  terminate(): void;
}

/** A worker's handle on the thread that started it. */
export interface ParentPort {
  post(msg: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(fn: (msg: unknown) => void): void;
}

interface WebWorker {
  postMessage(msg: unknown, transfer?: ArrayBuffer[]): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: { message?: string; error?: unknown; preventDefault?(): void }) => void) | null;
  terminate(): void;
}

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /**
   * The most the young generation of the worker's heap may take, in MiB
   * (Deno; Bun has no such limit). Without it V8 sizes it by the machine
   * (up to 64 MiB here) and keeps it at its largest once grown.
   */
  youngGenerationMb?: number;
}

/**
 * Starts a module worker running `url`.
 *
 * @example
 * ```ts ignore
 * const w = await startWorker(new URL("./explain_worker.ts", import.meta.url));
 * w.onMessage((m) => console.log(m));
 * ```
 */
export async function startWorker(url: URL, opts: WorkerOptions = {}): Promise<WorkerHandle> {
  const young = opts.youngGenerationMb;
  if (young !== undefined && (globalThis as { Deno?: unknown }).Deno !== undefined) {
    return await startV8Worker(url, young);
  }
  const Ctor = (globalThis as unknown as {
    Worker: new (u: string, o: { type: "module" }) => WebWorker;
  }).Worker;
  const w = new Ctor(url.href, { type: "module" });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    onMessage: (fn) => {
      w.onmessage = (ev) => fn(ev.data);
    },
    onError: (fn) => {
      w.onerror = (ev) => {
        ev.preventDefault?.();
        fn(ev.error instanceof Error ? ev.error : new Error(ev.message ?? "worker failed"));
      };
    },
    terminate: () => w.terminate(),
  };
}

/**
 * Deno with a heap limit: a node:worker_threads Worker, the one kind of
 * worker whose heap can be limited (`resourceLimits`); the module inside uses
 * the same Web Worker calls (`self.onmessage`, `postMessage`). It costs more
 * than a Web Worker where the heap stays small (about 10 MiB more each).
 */
async function startV8Worker(url: URL, youngMb: number): Promise<WorkerHandle> {
  // Loaded here: the other commands and the worker itself do not need it.
  const { Worker: NodeWorker } = await import("node:worker_threads");
  const w = new NodeWorker(url, {
    resourceLimits: { maxYoungGenerationSizeMb: youngMb },
  });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    onMessage: (fn) => void w.on("message", fn),
    onError: (fn) =>
      void w.on("error", (e: unknown) => fn(e instanceof Error ? e : new Error(String(e)))),
    terminate: () => void w.terminate(),
  };
}

/** Inside a worker: the port to the thread that started it. */
export function parentPort(): ParentPort {
  const self = globalThis as unknown as {
    postMessage(msg: unknown, transfer?: ArrayBuffer[]): void;
    onmessage: ((ev: { data: unknown }) => void) | null;
  };
  return {
    post: (msg, transfer) => self.postMessage(msg, transfer ?? []),
    onMessage: (fn) => {
      self.onmessage = (ev) => fn(ev.data);
    },
  };
}

/** Hardware threads of this machine (the default of `--threads`), at least 1. */
export function hardwareThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof n === "number" && n >= 1 ? Math.floor(n) : 1;
}
