/**
 * Timers of any length. Both runtimes (like browsers and Node) keep a timer's
 * delay in a signed 32-bit integer of milliseconds: a delay above 2^31-1 ms
 * (about 24.8 days) fires after 1 ms instead. These helpers chain timers of
 * at most {@link MAX_TIMER_MS} until the full delay has passed, measured on
 * the wall clock so each link corrects the drift of the previous one.
 * @module
 */

/** The longest delay one setTimeout honours (2^31-1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A cancellable long timer. */
export interface LongTimer {
  /** Cancels the timer (idempotent; nothing happens after it). */
  clear(): void;
}

/**
 * Calls `fn` once after `ms` milliseconds, however long (Infinity: never).
 * `chunkMs` is the longest single link (tests pass a small one).
 *
 * @example
 * ```ts
 * const t = setLongTimeout(() => console.log("30 days later"), 30 * 86400_000);
 * t.clear();
 * ```
 */
export function setLongTimeout(
  fn: () => void,
  ms: number,
  chunkMs = MAX_TIMER_MS,
  now: () => number = Date.now,
): LongTimer {
  const delay = Number.isNaN(ms) ? 0 : Math.max(0, ms);
  const due = now() + delay;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cleared = false;
  const arm = () => {
    if (cleared) return;
    const left = due - now();
    if (left <= 0 && Number.isFinite(due)) {
      timer = undefined;
      fn();
      return;
    }
    timer = setTimeout(arm, Math.min(Math.max(left, 0), chunkMs));
  };
  if (delay <= chunkMs) timer = setTimeout(() => !cleared && fn(), delay);
  else arm();
  return {
    clear() {
      cleared = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Resolves after `ms` milliseconds, however long; with a signal, resolves
 * early (to false) when it aborts, else to true.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * const full = await sleepLong(3_000_000_000, ac.signal); // 34.7 days unless aborted
 * ```
 */
export function sleepLong(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      t.clear();
      resolve(false);
    };
    const t = setLongTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
