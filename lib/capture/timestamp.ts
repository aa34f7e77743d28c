/**
 * Splitting a pcapng 64-bit timestamp (two 32-bit halves, in units of
 * 1/unitsPerSecond) into whole seconds and nanoseconds, exactly, without BigInt
 * or allocation on the common paths.
 * @module
 */

/** A target for {@link splitTimestamp}: the Frame's timestamp fields. */
export interface TsTarget {
  tsSec: number;
  tsNsec: number;
}

const TWO32 = 4294967296;
const TWO16 = 65536;

/**
 * Writes seconds and nanoseconds of the timestamp `hi * 2^32 + lo` (units of
 * 1/`units` second) into `out`, adding `offsetSec` (pcapng if_tsoffset).
 *
 * @example
 * ```ts
 * const out = { tsSec: 0, tsNsec: 0 };
 * splitTimestamp(0, 1_500_000, 1e6, 0, out); // out = { tsSec: 1, tsNsec: 500000000 }
 * ```
 */
export function splitTimestamp(
  hi: number,
  lo: number,
  units: number,
  offsetSec: number,
  out: TsTarget,
): void {
  let sec: number;
  let rem: number;
  if (hi < 0x200000) {
    // hi * 2^32 + lo < 2^53: the value is an exact double.
    const t = hi * TWO32 + lo;
    sec = Math.floor(t / units);
    rem = t - sec * units;
    if (rem < 0) {
      sec--;
      rem += units;
    } else if (rem >= units) {
      sec++;
      rem -= units;
    }
  } else if (units <= 0x1000000000) {
    // Long division in 16-bit steps: every intermediate stays below 2^53.
    const r0 = hi % units;
    const q0 = (hi - r0) / units;
    const a = r0 * TWO16 + (lo >>> 16);
    const r1 = a % units;
    const q1 = (a - r1) / units;
    const b = r1 * TWO16 + (lo & 0xffff);
    rem = b % units;
    sec = q0 * TWO32 + q1 * TWO16 + (b - rem) / units;
  } else {
    const big = (BigInt(hi) << 32n) | BigInt(lo);
    const u = BigInt(units);
    out.tsSec = Number(big / u) + offsetSec;
    out.tsNsec = Number(((big % u) * 1_000_000_000n) / u);
    return;
  }
  out.tsSec = sec + offsetSec;
  out.tsNsec = units === 1e9 ? rem : Math.floor(rem * (1e9 / units) + 1e-7);
}
