/**
 * Hostile-peer helpers for the serve tests: connect-and-reset churn (each
 * connection is opened and aborted with RST, SO_LINGER 0, as soon as the
 * handshake completes, so it is usually still in the server's accept queue),
 * and an echo round-trip timer. Both use node:net, which both runtimes
 * provide; `resetAndDestroy()` is node:net's abortive close. Every loop is
 * bounded in count and time.
 * @module
 */
import * as net from "node:net";

/** Figures from {@link rstChurn}. */
export interface ChurnResult {
  /** Connections opened and reset. */
  reset: number;
  /** Connections that failed to open (refused, EMFILE …). */
  failed: number;
}

/**
 * Opens `perSecond` connections a second to host:port for `seconds`, each reset
 * (RST) right after its handshake. Resolves when the last attempt settled.
 */
export async function rstChurn(
  host: string,
  port: number,
  perSecond: number,
  seconds: number,
): Promise<ChurnResult> {
  const result: ChurnResult = { reset: 0, failed: 0 };
  const total = Math.round(perSecond * seconds);
  const tickMs = 10;
  const perTick = perSecond * tickMs / 1000;
  const t0 = Date.now();
  const attempts: Promise<void>[] = [];
  for (let sent = 0; sent < total;) {
    const due = Math.min(total, Math.floor(((Date.now() - t0) / tickMs + 1) * perTick));
    for (; sent < due; sent++) {
      attempts.push(
        new Promise<void>((resolve) => {
          const s = net.connect({ host, port });
          const timer = setTimeout(() => {
            result.failed++;
            s.destroy();
            resolve();
          }, 5000);
          s.once("connect", () => {
            clearTimeout(timer);
            result.reset++;
            s.resetAndDestroy();
            resolve();
          });
          s.once("error", () => {
            clearTimeout(timer);
            result.failed++;
            resolve();
          });
        }),
      );
    }
    if (Date.now() - t0 > seconds * 1000 + 5000) break;
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(attempts);
  return result;
}

/**
 * One echo round trip on a new connection: connect, write a line, wait for it
 * back, close. Resolves to the milliseconds from connect to echo, or rejects
 * after `timeoutMs`.
 */
export function echoRoundTrip(host: string, port: number, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = net.connect({ host, port });
    let got = "";
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no echo from ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    s.once("connect", () => s.write("ping\n"));
    s.on("data", (d) => {
      got += d;
      if (got.includes("\n")) {
        clearTimeout(timer);
        s.destroy();
        resolve(performance.now() - t0);
      }
    });
    s.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
