/**
 * ByteSource adapters: over a web ReadableStream, and over bytes in memory.
 * @module
 */
import type { ByteSource } from "./types.ts";

/**
 * A ByteSource over a ReadableStream of byte chunks (e.g. a DecompressionStream's
 * readable side, or `fetch` body). Fills the caller's buffer as far as the
 * stream's chunks go, keeping the rest of a chunk for the next read.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { readCapture } from "./reader.ts";
 * const bytes = new Uint8Array(readFileSync("samples/server-process-terminated.pcap"));
 * const src = streamSource(new Blob([bytes]).stream());
 * const info = await readCapture(src, () => {}); // info.frames === 13
 * ```
 */
export function streamSource(stream: ReadableStream<Uint8Array>): ByteSource {
  const reader = stream.getReader();
  let pending: Uint8Array = new Uint8Array(0);
  let done = false;
  return {
    async read(into: Uint8Array): Promise<number | null> {
      let n = 0;
      while (n < into.length) {
        if (pending.length === 0) {
          if (done || n > 0) break;
          const r = await reader.read();
          if (r.done) {
            done = true;
            break;
          }
          pending = r.value;
          continue;
        }
        const k = Math.min(into.length - n, pending.length);
        into.set(pending.subarray(0, k), n);
        pending = pending.subarray(k);
        n += k;
      }
      return n === 0 && done ? null : n;
    },
  };
}

/**
 * A ByteSource over bytes in memory; `maxRead` caps each read (to exercise
 * records that span reads).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { readCapture } from "./reader.ts";
 * const fileBytes = new Uint8Array(readFileSync("samples/server-process-terminated.pcap"));
 * const info = await readCapture(bytesSource(fileBytes, 7), () => {}); // 7 bytes per read
 * ```
 */
export function bytesSource(data: Uint8Array, maxRead = Infinity): ByteSource {
  let pos = 0;
  return {
    read(into: Uint8Array): Promise<number | null> {
      if (pos >= data.length) return Promise.resolve(null);
      const n = Math.min(into.length, data.length - pos, maxRead);
      into.set(data.subarray(pos, pos + n));
      pos += n;
      return Promise.resolve(n);
    },
  };
}
