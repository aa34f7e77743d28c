/**
 * Worker threads for `explain --threads` (cmd/explain_threads.ts): the Web
 * Worker API, which Deno and Bun both implement (a module worker per thread,
 * messages by structured clone, ArrayBuffers transferred). Deno workers
 * inherit the process's permissions.
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

/**
 * Starts a module worker running `url`.
 *
 * @example
 * ```ts ignore
 * const w = startWorker(new URL("./explain_worker.ts", import.meta.url));
 * w.onMessage((m) => console.log(m));
 * ```
 */
export function startWorker(url: URL): WorkerHandle {
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
