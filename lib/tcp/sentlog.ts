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
  #seq: number[] = [];
  #end: number[] = [];
  #t: number[] = [];
  #head = 0;

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
    for (let i = this.#seq.length - 1; i >= this.#head; i--) {
      if (this.#seq[i] === seq) {
        const dt = t - this.#t[i];
        this.#t[i] = t;
        if (seqLe(this.#end[i], end)) this.#end[i] = end;
        return dt;
      }
    }
    if (this.#seq.length - this.#head >= SENT_LOG_CAP) this.#head++;
    this.#seq.push(seq);
    this.#end.push(end);
    this.#t.push(t);
    return -1;
  }

  /** Forgets every segment that `ack` covers. */
  acked(ack: number): void {
    while (this.#head < this.#seq.length && seqLe(this.#end[this.#head], ack)) this.#head++;
    if (this.#head > 64 && this.#head * 2 > this.#seq.length) {
      this.#seq = this.#seq.slice(this.#head);
      this.#end = this.#end.slice(this.#head);
      this.#t = this.#t.slice(this.#head);
      this.#head = 0;
    }
  }
}
