/**
 * Transparent gunzip for captures saved as .gz, with the web DecompressionStream
 * that Deno and Bun both provide. Detection is by the 1f 8b magic, not the name.
 * @module
 */
import { streamSource } from "./stream.ts";
import type { ByteSource } from "./types.ts";

/**
 * Whether bytes start with the gzip magic 1f 8b.
 *
 * @example
 * ```ts
 * isGzip(new Uint8Array([0x1f, 0x8b, 8])); // true
 * ```
 */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** A ByteSource of decompressed bytes; `failure` is set when the gzip data ended badly. */
export interface GunzipSource extends ByteSource {
  /** Why decompression stopped early (corrupt or cut-off gzip data), or "" if it did not. */
  failure: string;
}

/**
 * Decompresses `prefix` (bytes already read) followed by the rest of `rest`.
 * A corrupt or cut-off gzip stream ends the source (read resolves null) and
 * sets `failure`, so everything decompressed before it is still delivered.
 *
 * @example
 * ```ts
 * import type { ByteSource } from "./types.ts";
 * declare const file: ByteSource; // a file opened by the runtime
 * const head = new Uint8Array(4096);
 * const n = (await file.read(head)) ?? 0;
 * const src = isGzip(head.subarray(0, n)) ? gunzipSource(head.slice(0, n), file) : file;
 * ```
 */
export function gunzipSource(
  prefix: Uint8Array,
  rest: ByteSource,
  chunk = 256 * 1024,
): GunzipSource {
  let sentPrefix = prefix.length === 0;
  const compressed = new ReadableStream<BufferSource>({
    async pull(ctrl) {
      if (!sentPrefix) {
        sentPrefix = true;
        ctrl.enqueue(prefix as Uint8Array<ArrayBuffer>);
        return;
      }
      const b = new Uint8Array(chunk);
      const n = await rest.read(b);
      if (n === null) ctrl.close();
      else if (n > 0) ctrl.enqueue(b.subarray(0, n));
    },
  });
  const inner = streamSource(
    compressed.pipeThrough(new DecompressionStream("gzip")) as ReadableStream<Uint8Array>,
  );
  const src: GunzipSource = {
    failure: "",
    async read(into) {
      if (src.failure !== "") return null;
      try {
        return await inner.read(into);
      } catch (e) {
        src.failure = (e as Error)?.message ?? String(e);
        return null;
      }
    },
  };
  return src;
}
