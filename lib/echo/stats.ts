/**
 * Round-trip statistics: a bounded sample store (reservoir beyond its
 * capacity, so a long load run keeps O(1) memory) and min/avg/max/p50/p99.
 * @module
 */

/** Summary of round-trip times in milliseconds. */
export interface RttSummary {
  count: number;
  min: number;
  avg: number;
  max: number;
  p50: number;
  p99: number;
}

/**
 * Collects samples; exact min/max/avg, percentiles from up to `capacity` samples.
 *
 * @example
 * ```ts
 * const s = new RttSamples();
 * s.add(1.5); s.add(0.5);
 * s.summary().p50; // 0.5
 * ```
 */
export class RttSamples {
  #buf: Float64Array;
  #kept = 0;
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  constructor(private readonly capacity = 1_000_000) {
    this.#buf = new Float64Array(Math.min(capacity, 1024));
  }

  /** Adds one round-trip time (ms). */
  add(ms: number): void {
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
    if (this.#kept < this.capacity) {
      if (this.#kept === this.#buf.length) {
        const next = new Float64Array(Math.min(this.capacity, this.#buf.length * 2));
        next.set(this.#buf);
        this.#buf = next;
      }
      this.#buf[this.#kept++] = ms;
    } else {
      const j = Math.floor(Math.random() * this.#count);
      if (j < this.capacity) this.#buf[j] = ms;
    }
  }

  /** Number of samples added. */
  get count(): number {
    return this.#count;
  }

  /** min/avg/max exact; p50/p99 nearest-rank over the kept samples. */
  summary(): RttSummary {
    if (this.#count === 0) return { count: 0, min: 0, avg: 0, max: 0, p50: 0, p99: 0 };
    const sorted = this.#buf.slice(0, this.#kept).sort();
    const rank = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    return {
      count: this.#count,
      min: this.#min,
      avg: this.#sum / this.#count,
      max: this.#max,
      p50: rank(0.5),
      p99: rank(0.99),
    };
  }
}

/**
 * Formats a summary as `min/avg/max/p50/p99 = a/b/c/d/e ms`.
 *
 * @example
 * ```ts
 * formatSummary({ count: 1, min: 1, avg: 1, max: 1, p50: 1, p99: 1 });
 * // "rtt min/avg/max/p50/p99 = 1.000/1.000/1.000/1.000/1.000 ms"
 * ```
 */
export function formatSummary(s: RttSummary): string {
  const f = (n: number) => n.toFixed(3);
  return `rtt min/avg/max/p50/p99 = ${f(s.min)}/${f(s.avg)}/${f(s.max)}/${f(s.p50)}/${f(s.p99)} ms`;
}
