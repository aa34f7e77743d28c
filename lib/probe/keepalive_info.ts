/**
 * Follows keepalive probes through TCP_INFO while a connection is idle:
 * tcpi_probes counts probes sent and not yet answered, and an ACK received
 * while no data moved (tcpi_last_ack_recv reset, tcpi_last_data_* not) is a
 * probe answered. Polled every {@link POLL_MS}; probes are at least 1 s apart.
 * @module
 */
import type { Sockopt } from "../runtime/sockopt/types.ts";

/** How often TCP_INFO is read. */
export const POLL_MS = 200;

/**
 * Counts answered and unanswered keepalive probes on one socket.
 *
 * @example
 * ```ts
 * import type { Sockopt } from "../runtime/sockopt/types.ts";
 * declare const sockopt: Sockopt, fd: number; // loadSockopt() and the socket's descriptor
 * let lastDataAt = performance.now(); // updated when data moves
 * const w = new ProbeWatcher(sockopt, fd, () => lastDataAt, console.log);
 * // … later
 * w.stop();
 * console.log(w.answered, w.unanswered);
 * ```
 */
export class ProbeWatcher {
  /** Probes the peer answered. */
  answered = 0;
  /** Probes outstanding at the last poll (tcpi_probes). */
  unanswered = 0;
  #timer: ReturnType<typeof setInterval>;
  #lastPoll = performance.now();

  constructor(
    private readonly sockopt: Sockopt,
    private readonly fd: number,
    private readonly lastDataAt: () => number,
    private readonly log: (line: string) => void,
  ) {
    this.#timer = setInterval(() => this.#poll(), POLL_MS);
  }

  #poll(): void {
    const now = performance.now();
    const since = now - this.#lastPoll;
    this.#lastPoll = now;
    const info = this.sockopt.tcpInfo(this.fd);
    if (!info || info.stateName !== "ESTABLISHED") return;
    const idleS = ((now - this.lastDataAt()) / 1000).toFixed(1);
    if (info.probes > this.unanswered) {
      this.log(`keepalive: probe ${info.probes} unanswered so far (idle ${idleS} s)`);
    }
    this.unanswered = info.probes;
    const quiet = info.lastDataRecvMs > since && info.lastDataSentMs > since;
    if (info.lastAckRecvMs < since && quiet && info.probes === 0) {
      this.answered++;
      this.log(
        `keepalive: probe answered by the peer (ACK; idle ${idleS} s, ` +
          `${this.answered} answered so far)`,
      );
    }
  }

  /** Stops polling. */
  stop(): void {
    clearInterval(this.#timer);
  }
}
