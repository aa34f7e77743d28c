/**
 * Wrap-safe 32-bit TCP sequence arithmetic (RFC 9293 §3.4). Sequence numbers
 * are compared by the sign of their 32-bit difference, so 0x00000005 is
 * "after" 0xfffffff0. Values in and out are unsigned 32-bit numbers. Two
 * numbers exactly 2^31 apart are each both before and after the other, as
 * with Wireshark's GT_SEQ/LT_SEQ (`>` and `>=` are `<` and `<=` with the
 * operands swapped, as in packet-tcp.c), so the analysis agrees with tshark on
 * such segments (fuzzed captures have them).
 * @module
 */

/**
 * `a - b` as a signed 32-bit distance.
 *
 * @example
 * ```ts
 * seqDiff(5, 0xfffffff0); // 21
 * ```
 */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * Whether `a` comes before `b` in sequence space.
 *
 * @example
 * ```ts
 * seqLt(0xffffffff, 0); // true
 * ```
 */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/**
 * Whether `a` comes before `b` or equals it.
 *
 * @example
 * ```ts
 * seqLe(7, 7); // true
 * ```
 */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/**
 * Whether `a` comes after `b`.
 *
 * @example
 * ```ts
 * seqGt(0, 0xffffffff); // true
 * ```
 */
export function seqGt(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/**
 * Whether `a` comes after `b` or equals it.
 *
 * @example
 * ```ts
 * seqGe(1, 1); // true
 * ```
 */
export function seqGe(a: number, b: number): boolean {
  return ((b - a) | 0) <= 0;
}

/**
 * `a + n` modulo 2^32.
 *
 * @example
 * ```ts
 * seqAdd(0xffffffff, 2); // 1
 * ```
 */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/**
 * `seq` relative to `base` (the ISN), modulo 2^32.
 *
 * @example
 * ```ts
 * seqRel(3, 0xfffffffe); // 5
 * ```
 */
export function seqRel(seq: number, base: number): number {
  return (seq - base) >>> 0;
}
