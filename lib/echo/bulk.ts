/**
 * `connect --bulk BYTES`: a bulk transfer through the echo server. The bytes
 * are written as fast as the connection takes them while the echoes are read
 * at the same time (so neither side's window stays shut by the other), then
 * our FIN; the run ends at the server's FIN. Every echoed byte is checked.
 * @module
 */
import type { Conn, NetError } from "../runtime/net/mod.ts";
import { netFailure, prematureFin } from "./errors.ts";

/** What to send. */
export interface BulkOptions {
  /** Bytes to send in all. */
  bytes: number;
  /** Bytes per write (default 65536). */
  chunk?: number;
  /**
   * The server sends nothing back (`serve --discard`, RFC 863): the run ends at
   * its FIN after ours, and only a FIN before we finished sending is premature.
   */
  discard?: boolean;
  /** Called once our FIN is sent after the last byte. */
  onFinSent?(): void | Promise<void>;
  /** Called when the server's FIN arrives. */
  onPeerFin?(): void | Promise<void>;
}

/** The outcome of a run. */
export interface BulkReport {
  sent: number;
  received: number;
  /** Echoed bytes that differ from what was sent at that offset (with `discard`: any byte). */
  mismatched: number;
  /** From the first write to the server's FIN. */
  seconds: number;
}

/**
 * Byte `i` of the stream: a 251-byte cycle (a prime, so it never lines up
 * with a power-of-two write), printable, a newline every 251 bytes so
 * line-based servers (`serve --lines`) answer as it flows.
 *
 * @example
 * ```ts
 * bulkByte(0); // 33 ("!")
 * bulkByte(250); // 10 (newline)
 * ```
 */
export function bulkByte(i: number): number {
  const k = i % 251;
  return k === 250 ? 0x0a : 33 + (k % 94);
}

/** One cycle of the pattern, repeated to fill `size` bytes starting at offset 0 of a cycle. */
function patternBlock(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = bulkByte(i);
  return b;
}

/**
 * Sends `opts.bytes` and reads them back. Rejects with the CLI error
 * (premature FIN exit 3, RST exit 4 …) carrying the partial report in `partial`.
 *
 * @example
 * ```ts
 * import type { Conn } from "../runtime/net/types.ts";
 * declare const conn: Conn; // connected to an echo server
 * const r = await bulkEcho(conn, { bytes: 1 << 20 }, "h:9877");
 * r.received === r.sent; // true
 * ```
 */
export async function bulkEcho(
  conn: Conn,
  opts: BulkOptions,
  where: string,
  onPartial?: (r: BulkReport) => void,
): Promise<BulkReport> {
  const chunk = Math.max(1, Math.min(opts.chunk ?? 65536, opts.bytes));
  // A whole number of cycles plus one chunk: any offset's slice is a subarray.
  const cycles = Math.ceil(chunk / 251) + 1;
  const block = patternBlock(cycles * 251 + chunk);
  const start = performance.now();
  const r: BulkReport = { sent: 0, received: 0, mismatched: 0, seconds: 0 };
  const report = () => ({ ...r, seconds: (performance.now() - start) / 1000 });
  let failed = false;
  const writer = (async () => {
    while (r.sent < opts.bytes && !failed) {
      const n = Math.min(chunk, opts.bytes - r.sent);
      const at = r.sent % 251;
      await conn.write(block.subarray(at, at + n));
      r.sent += n;
    }
    if (failed) return;
    await conn.closeWrite();
    await opts.onFinSent?.();
  })();
  const reader = (async () => {
    for (;;) {
      const got = await conn.read();
      if (got === null) break;
      for (let i = 0; i < got.length; i++) {
        if (opts.discard || got[i] !== bulkByte(r.received + i)) r.mismatched++;
      }
      r.received += got.length;
    }
    const short = opts.discard ? r.sent < opts.bytes : r.received < opts.bytes;
    if (short) throw prematureFin(opts.discard ? 0 : opts.bytes - r.received, r.sent < opts.bytes);
    await opts.onPeerFin?.();
  })();
  try {
    await Promise.all([
      writer.catch((e) => {
        failed = true;
        throw e;
      }),
      reader.catch((e) => {
        failed = true;
        throw e;
      }),
    ]);
    return report();
  } catch (e) {
    onPartial?.(report());
    const ne = e as NetError;
    throw ne?.name === "NetError" ? netFailure(ne, where, "data") : e;
  } finally {
    writer.catch(() => {});
    reader.catch(() => {});
    conn.close();
  }
}
