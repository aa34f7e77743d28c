/**
 * `connect --clients N --duration S`: N connections, one message in flight on
 * each, for a bounded time (like tcpkali). Reports round trips per second and
 * latency percentiles; failures are counted per errno, not fatal.
 * @module
 */
import type { Conn, NetError } from "../runtime/net/mod.ts";
import { message, readExact } from "./pinger.ts";
import { RttSamples, type RttSummary } from "./stats.ts";

/** Load run settings. */
export interface LoadOptions {
  clients: number;
  durationMs: number;
  size: number;
  /** Opens one connection. */
  connect(): Promise<Conn>;
  /**
   * Descriptors the process may still open (see freeDescriptors); clients
   * beyond it are not attempted and count as EMFILE, since running out of
   * descriptors makes a runtime fail in ways of its own (Deno 2.9 panics).
   */
  freeDescriptors?: number;
}

/** Load run outcome. */
export interface LoadReport {
  clients: number;
  connected: number;
  roundTrips: number;
  seconds: number;
  perSecond: number;
  /** Failures by errno name (connect or mid-run). */
  errors: Record<string, number>;
  rtt: RttSummary;
}

const CONNECT_BATCH = 64;

/**
 * Runs the load and resolves to the report.
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * const net = await getNet();
 * const r = await runLoad({ clients: 10, durationMs: 2000, size: 64,
 *   connect: () => net.connect({ host: "127.0.0.1", port: 9877 }) });
 * console.log(r.perSecond);
 * ```
 */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const errors: Record<string, number> = {};
  const count = (e: unknown) => {
    const code = (e as NetError)?.code ?? "EOTHER";
    errors[code] = (errors[code] ?? 0) + 1;
  };
  const conns: Conn[] = [];
  const attempt = Math.min(opts.clients, opts.freeDescriptors ?? Infinity);
  if (attempt < opts.clients) errors.EMFILE = opts.clients - attempt;
  for (let i = 0; i < attempt; i += CONNECT_BATCH) {
    const batch = Math.min(CONNECT_BATCH, attempt - i);
    const settled = await Promise.allSettled(Array.from({ length: batch }, () => opts.connect()));
    for (const s of settled) s.status === "fulfilled" ? conns.push(s.value) : count(s.reason);
  }
  const rtt = new RttSamples();
  const start = performance.now();
  const end = start + opts.durationMs;
  const worker = async (c: Conn, id: number) => {
    const msg = message(id, opts.size);
    const reply = new Uint8Array(opts.size);
    try {
      while (performance.now() < end) {
        const t = performance.now();
        await c.write(msg);
        if (!(await readExact(c, reply))) {
          count({ code: "EPEERFIN" });
          return;
        }
        rtt.add(performance.now() - t);
      }
    } catch (e) {
      count(e);
    } finally {
      c.close();
    }
  };
  // A hung server must not hang the run: one second after the end, close everything.
  const stopper = setTimeout(() => conns.forEach((c) => c.close()), opts.durationMs + 1000);
  await Promise.all(conns.map((c, i) => worker(c, i)));
  clearTimeout(stopper);
  const seconds = (performance.now() - start) / 1000;
  return {
    clients: opts.clients,
    connected: conns.length,
    roundTrips: rtt.count,
    seconds,
    perSecond: seconds > 0 ? rtt.count / seconds : 0,
    errors,
    rtt: rtt.summary(),
  };
}
