/**
 * Remembers when each not-yet-acknowledged segment of one direction was last
 * sent, so a retransmission can report its interval (RTO backoff). Bounded:
 * at most {@link SENT_LOG_CAP} segments; the oldest are forgotten first.
 * @module
 */
import { seqLe } from "./seq.ts";

/** Most segments one direction remembers. */
export const SENT_LOG_CAP = 256;

/** Send times of one direction's unacknowledged segments. */
export class SentLog {
  /** Flat triples (seq, end, time) in [head, tail); the array is reused, never shrunk. */
  #log: number[] | null = null;
  #head = 0;
  #tail = 0;

  /**
   * Records a transmission; returns seconds since the previous transmission
   * of a segment starting at the same seq, or -1 when there was none.
   *
   * @example
   * ```ts
   * const log = new SentLog();
   * log.sent(1, 101, 0.0); // -1
   * log.sent(1, 101, 0.2); // 0.2
   * ```
   */
  sent(seq: number, end: number, t: number): number {
    const log = this.#log ??= [];
    for (let i = this.#tail - 3; i >= this.#head; i -= 3) {
      if (log[i] === seq) {
        const dt = t - log[i + 2];
        log[i + 2] = t;
        if (seqLe(log[i + 1], end)) log[i + 1] = end;
        return dt;
      }
    }
    if (this.#tail - this.#head >= SENT_LOG_CAP * 3) this.#head += 3;
    if (this.#head > 192 && this.#head * 2 > this.#tail) {
      log.copyWithin(0, this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    const i = this.#tail;
    if (i === log.length) log.push(seq, end, t);
    else {
      log[i] = seq;
      log[i + 1] = end;
      log[i + 2] = t;
    }
    this.#tail = i + 3;
    return -1;
  }

  /**
   * Forgets everything (the array is kept for the next connection).
   *
   * @example
   * ```ts
   * const log = new SentLog();
   * log.sent(1, 101, 0.0);
   * log.reset(); // log.sent(1, 101, 0.2) is -1 again
   * ```
   */
  reset(): void {
    this.#head = this.#tail = 0;
  }

  /** Forgets every segment that `ack` covers. */
  acked(ack: number): void {
    const log = this.#log;
    if (!log) return;
    while (this.#head < this.#tail && seqLe(log[this.#head + 1], ack)) this.#head += 3;
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
  }
}
