/**
 * The connect-probe loop of `tcpecho probe`: one full handshake per probe,
 * timed with the monotonic clock (performance.now), then a clean close; rounds
 * over every target address, `count` rounds (0 = until the signal aborts),
 * spaced `intervalMs` apart measured from each round's start, like ping.
 * Runtime-free: the socket work is the injected {@link Connector}.
 * @module
 */
import { setLongTimeout } from "../runtime/timer.ts";
import type { ConnectAttempt, Connector, ProbeResult, ProbeTarget } from "./types.ts";

/** Options for {@link runProbes}. */
export interface ProbeOptions {
  /** Addresses to probe (one, or every resolved address with --all). */
  targets: readonly ProbeTarget[];
  /** Rounds to run; 0 = until `signal` aborts. */
  count: number;
  /** Milliseconds from the start of one round to the start of the next. */
  intervalMs: number;
  /** Milliseconds each handshake may take. */
  timeoutMs: number;
  /** Aborting stops the loop (Ctrl-C): an unfinished probe is not counted. */
  signal?: AbortSignal;
}

/** Resolves after `ms`, or early (to false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      timer.clear();
      signal?.removeEventListener("abort", onAbort);
      resolve(v);
    };
    const onAbort = () => done(false);
    const timer = setLongTimeout(() => done(true), ms); // any length (a bare setTimeout wraps at 2^31 ms)
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const ABORTED = Symbol("aborted");

function untilAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Runs one probe: connect, stop the clock, close. Undefined when aborted.
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * import { netConnector } from "./net_connector.ts";
 * const connector = netConnector(await getNet());
 * const target = { host: "localhost", address: "127.0.0.1", family: 4, port: 9877 } as const;
 * const r = await probeOnce(connector, target, 1, 2000);
 * console.log(r?.outcome, r?.ms);
 * ```
 */
export async function probeOnce(
  connector: Connector,
  target: ProbeTarget,
  seq: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult | undefined> {
  const time = new Date();
  const start = performance.now();
  const pending = connector(target, timeoutMs);
  const attempt: ConnectAttempt | typeof ABORTED = await untilAbort(pending, signal);
  const measured = performance.now() - start;
  if (attempt === ABORTED) {
    pending.then((a) => a.outcome === "connected" ? a.close() : undefined).catch(() => {});
    return undefined;
  }
  const base = { seq, host: target.host, address: target.address, port: target.port, time };
  const elapsed = attempt.ms ?? measured;
  if (attempt.outcome !== "connected") {
    return { ...base, outcome: attempt.outcome, errno: attempt.errno, ms: elapsed };
  }
  await attempt.close();
  return { ...base, outcome: "connected", ms: elapsed, localPort: attempt.local?.port };
}

/**
 * Runs the probe rounds and reports each result as it completes.
 * Returns every result, grouped per target in the order of `targets`.
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * import { netConnector } from "./net_connector.ts";
 * const connector = netConnector(await getNet());
 * const targets = [{ host: "localhost", address: "127.0.0.1", family: 4, port: 9877 } as const];
 * const results = await runProbes({ targets, count: 4, intervalMs: 1000, timeoutMs: 2000 },
 *   connector, (r) => console.log(r.outcome, r.ms));
 * ```
 */
export async function runProbes(
  opts: ProbeOptions,
  connector: Connector,
  onResult: (r: ProbeResult) => void | Promise<void>,
): Promise<ProbeResult[][]> {
  const out: ProbeResult[][] = opts.targets.map(() => []);
  for (let seq = 1; opts.count === 0 || seq <= opts.count; seq++) {
    const roundStart = performance.now();
    for (let i = 0; i < opts.targets.length; i++) {
      const r = await probeOnce(connector, opts.targets[i], seq, opts.timeoutMs, opts.signal);
      if (!r) return out;
      out[i].push(r);
      await onResult(r);
    }
    if (opts.count !== 0 && seq === opts.count) break;
    const wait = opts.intervalMs - (performance.now() - roundStart);
    if (!(await sleep(wait, opts.signal))) break;
  }
  return out;
}
