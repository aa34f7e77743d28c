/**
 * A bounded warning log: warnings are counted by kind and only the first few
 * of each kind are kept as text, so a hostile file with a million bad records
 * costs a few counters, not a million strings.
 * @module
 */
import type { WarningKind } from "./types.ts";

/** Examples kept per kind unless `add` says otherwise. */
export const EXAMPLES_PER_KIND = 5;

/**
 * Counts warnings by kind and keeps the first examples of each.
 *
 * @example
 * ```ts
 * const log = new WarningLog();
 * for (let i = 0; i < 100; i++) log.add("snaplen", `record ${i} above the snaplen`);
 * log.list(); // 5 examples, then "... and 95 more of this kind (snaplen)"
 * ```
 */
export class WarningLog {
  #kinds = new Map<string, WarningKind>();

  /**
   * Counts one warning of `kind`; keeps its text while fewer than `keep` are
   * kept. `text` may be a function, called only when the text is kept (so a
   * million warnings of one kind build five strings).
   */
  add(kind: string, text: string | (() => string), keep = EXAMPLES_PER_KIND): void {
    let k = this.#kinds.get(kind);
    if (k === undefined) {
      k = { kind, count: 0, examples: [] };
      this.#kinds.set(kind, k);
    }
    k.count++;
    if (k.examples.length < keep) k.examples.push(typeof text === "string" ? text : text());
  }

  /** Adds every warning counted by `other` (counts and examples, as far as examples are kept). */
  merge(other: WarningLog): void {
    for (const k of other.#kinds.values()) {
      for (const text of k.examples) this.add(k.kind, text);
      const more = k.count - k.examples.length;
      if (more > 0) this.#kinds.get(k.kind)!.count += more;
    }
  }

  /** How many warnings of `kind` were counted. */
  count(kind: string): number {
    return this.#kinds.get(kind)?.count ?? 0;
  }

  /** The first example of `kind`, or "" when there is none. */
  first(kind: string): string {
    return this.#kinds.get(kind)?.examples[0] ?? "";
  }

  /**
   * The warnings as lines, kinds in order of first appearance: each kind's
   * examples, then "... and N more of this kind (KIND)" when some were not kept.
   */
  list(): string[] {
    const out: string[] = [];
    for (const k of this.#kinds.values()) {
      out.push(...k.examples);
      const more = k.count - k.examples.length;
      if (more > 0) out.push(`... and ${more} more of this kind (${k.kind})`);
    }
    return out;
  }

  /** Per kind: the count and the examples kept (copies). */
  kinds(): WarningKind[] {
    return [...this.#kinds.values()].map((k) => ({ ...k, examples: k.examples.slice() }));
  }
}
