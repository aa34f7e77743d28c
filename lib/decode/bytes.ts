/**
 * Big-endian field readers over a Uint8Array (network byte order), inlined by
 * the JIT; callers check lengths first (a checked view, as in smoltcp).
 * @module
 */

/**
 * Unsigned 16-bit big-endian value at `off`.
 *
 * @example
 * ```ts
 * u16(new Uint8Array([0x08, 0x00]), 0); // 2048
 * ```
 */
export function u16(b: Uint8Array, off: number): number {
  return (b[off] << 8) | b[off + 1];
}

/**
 * Unsigned 32-bit big-endian value at `off`.
 *
 * @example
 * ```ts
 * u32(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 0); // 4294967295
 * ```
 */
export function u32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}
