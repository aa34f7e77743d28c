/**
 * Bounded waits that also end when the lab is interrupted: every wait in the
 * lab has a time limit and an AbortSignal, and says what it waited for.
 * @module
 */
import { TcpechoError } from "../lib/errors.ts";

/** Thrown (as a TcpechoError with code EINTR) when the lab was interrupted. */
export function interrupted(signal: AbortSignal): TcpechoError {
  return new TcpechoError(`Cannot finish the lab: interrupted by ${String(signal.reason)}`, {
    code: "EINTR",
  });
}

/**
 * Sleeps `ms`, or rejects early when `signal` aborts.
 *
 * @example
 * ```ts
 * await sleep(100, new AbortController().signal);
 * ```
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(interrupted(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Polls `cond` every 20 ms until it holds; throws "Cannot <what>: …" after
 * `timeoutMs` or when interrupted.
 *
 * @example
 * ```ts
 * import type { Proc } from "../lib/runtime/proc/mod.ts";
 * declare const proc: Proc; // a spawned client
 * const signal = new AbortController().signal;
 * await waitUntil(() => proc.stdout().includes("hello"), 5000, "see the echo", signal);
 * ```
 */
export async function waitUntil(
  cond: () => boolean,
  timeoutMs: number,
  what: string,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) {
      throw new TcpechoError(`Cannot ${what}: not done within ${timeoutMs / 1000} s`, {
        code: "ETIMEDOUT",
      });
    }
    await sleep(20, signal);
  }
}

/**
 * Resolves with `p`'s value, or undefined when `timeoutMs` passes first;
 * rejects when interrupted.
 *
 * @example
 * ```ts
 * import type { Proc } from "../lib/runtime/proc/mod.ts";
 * declare const proc: Proc; // a spawned client
 * const ended = await within(proc.exited, 5000, new AbortController().signal); // undefined if still running
 * ```
 */
export async function within<T>(
  p: Promise<T>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<T | undefined> {
  let done = false;
  let value: T | undefined;
  p.then((v) => {
    done = true;
    value = v;
  }, () => done = true);
  const deadline = Date.now() + timeoutMs;
  while (!done && Date.now() <= deadline) await sleep(10, signal);
  return value;
}
