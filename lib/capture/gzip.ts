/**
 * Transparent gunzip for captures saved as .gz. Detection is by the 1f 8b
 * magic, not the name.
 *
 * The gzip framing (RFC 1952: header, CRC-32 and size trailer, members one
 * after another) is parsed here; only the DEFLATE data goes through
 * node:zlib's raw inflater, which Deno and Bun both provide. That makes the
 * behaviour the same on both runtimes (their DecompressionStream differ on
 * multi-member files, bad CRCs and memory) and keeps memory bounded:
 * decompression is pull based and is fed at most 16 KiB of compressed bytes
 * at a time, only when everything inflated so far was read (16 KiB inflate to
 * at most ~16.5 MB, DEFLATE's ratio being below 1032:1).
 *
 * - Several members are read one after the other (as `gzip -dc`).
 * - Bytes after the last member that do not start another member are
 *   ignored with a warning (as `gzip -dc`: "trailing garbage ignored").
 * - A CRC-32 or size mismatch keeps every byte, with a warning, and marks the
 *   capture damaged; reading goes on with the next member.
 * - Corrupt or cut-off DEFLATE data ends the source; what was inflated
 *   before it is delivered and `failure` says why.
 * @module
 */
import zlib from "node:zlib";
import type { ByteSource } from "./types.ts";
import { WarningLog } from "./warnings.ts";

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

/** A ByteSource of decompressed bytes, with what went wrong in the gzip layer. */
export interface GunzipSource extends ByteSource {
  /** Why decompression stopped early (corrupt or cut-off gzip data), or "" if it did not. */
  failure: string;
  /** Warnings of the gzip layer (kinds "gzip-trailing", "gzip-check"). */
  log: WarningLog;
  /** True when a member's CRC-32 or size did not match its data. */
  damaged: boolean;
  /** Members started so far. */
  members: number;
}

/** Compressed bytes fed to the inflater per step (bounds the output of one step). */
const FEED = 16 * 1024;
/** Size of the compressed input window (grown only for a longer gzip header). */
const WINDOW = 64 * 1024;
/** Longest gzip header accepted (extra field, file name and comment included). */
const MAX_HEADER = 1024 * 1024;

const FTEXT_FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

/**
 * The length of the gzip member header at `p` in `b[p, end)`: > 0 when whole,
 * 0 when more bytes are needed, or a string saying why it is not a header.
 */
function headerLength(b: Uint8Array, p: number, end: number): number | string {
  if (end - p < 10) return 0;
  if (b[p] !== 0x1f || b[p + 1] !== 0x8b) return "no gzip magic 1f 8b";
  if (b[p + 2] !== 8) return `compression method ${b[p + 2]} (expected 8, deflate)`;
  const flg = b[p + 3];
  if ((flg & 0xe0) !== 0) return `reserved header flags 0x${flg.toString(16)}`;
  let q = p + 10;
  if (flg & FEXTRA) {
    if (end - q < 2) return 0;
    q += 2 + (b[q] | (b[q + 1] << 8));
    if (q > end) return 0;
  }
  for (const f of [FNAME, FCOMMENT]) {
    if (flg & f) {
      while (q < end && b[q] !== 0) q++;
      if (q >= end) return 0;
      q++;
    }
  }
  if (flg & FTEXT_FHCRC) q += 2;
  return q > end ? 0 : q - p;
}

/**
 * Decompresses `prefix` (bytes already read) followed by the rest of `rest`.
 * A corrupt or cut-off gzip stream ends the source (read resolves null) and
 * sets `failure`, so everything decompressed before it is still delivered.
 *
 * @example
 * ```ts
 * const head = new Uint8Array(4096);
 * const n = (await file.read(head)) ?? 0;
 * const src = isGzip(head.subarray(0, n)) ? gunzipSource(head.slice(0, n), file) : file;
 * ```
 */
export function gunzipSource(prefix: Uint8Array, rest: ByteSource, feed = FEED): GunzipSource {
  let win = new Uint8Array(Math.max(WINDOW, prefix.length));
  win.set(prefix);
  let pos = 0; // next unread byte of win
  let end = prefix.length;
  let winBase = 0; // file offset of win[0]
  let inEof = false;
  let phase: "header" | "body" | "trailer" | "after" | "done" = "header";
  const queue: Uint8Array[] = [];
  let head = 0; // bytes of queue[0] already read
  let inflater: zlib.InflateRaw | undefined;
  let ended = false;
  let error = "";
  let crc = 0;
  let size = 0;
  let fed = 0; // compressed bytes given to the current inflater
  let memberAt = 0; // file offset of the current member

  /** Reads more compressed bytes after `pos`, moving the unread ones to the front. */
  async function refill(): Promise<void> {
    if (pos > 0) {
      win.copyWithin(0, pos, end);
      winBase += pos;
      end -= pos;
      pos = 0;
    }
    if (end === win.length) {
      const bigger = new Uint8Array(win.length * 2);
      bigger.set(win);
      win = bigger;
    }
    const n = await rest.read(win.subarray(end));
    if (n === null) inEof = true;
    else end += n;
  }

  function startMember(): void {
    ended = false;
    error = "";
    crc = 0;
    size = 0;
    fed = 0;
    const inf = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
    inf.on("data", (chunk: Uint8Array) => {
      queue.push(chunk);
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
    });
    inf.on("end", () => {
      ended = true;
    });
    inf.on("error", (e: Error) => {
      error = e?.message ?? String(e);
    });
    inflater = inf;
  }

  /** Feeds the next piece of compressed input and waits until it was inflated. */
  async function feedOnce(): Promise<void> {
    if (pos === end) {
      if (inEof) {
        src.failure = `the gzip data is cut off at byte ${winBase + end} (inside member ` +
          `${src.members}, ${size} bytes inflated from it)`;
        phase = "done";
        return;
      }
      await refill();
      return;
    }
    const inf = inflater!;
    const piece = win.slice(pos, Math.min(end, pos + feed));
    const before = fed;
    fed += piece.length;
    await new Promise<void>((resolve) => {
      const done = () => {
        inf.off("end", done);
        inf.off("error", done);
        resolve();
      };
      inf.once("end", done);
      inf.once("error", done);
      inf.write(piece, done);
    });
    if (error !== "") {
      src.failure = `corrupt deflate data in member ${src.members} near byte ` +
        `${winBase + pos} (${error})`;
      phase = "done";
      return;
    }
    const used = inf.bytesWritten;
    if (!ended && used < fed) {
      // The deflate data ended inside this piece: wait for the last output.
      await new Promise<void>((resolve) => {
        if (ended || error !== "") resolve();
        else {
          inf.once("end", resolve);
          inf.once("error", () => resolve());
        }
      });
    }
    if (ended) {
      pos += used - before;
      phase = "trailer";
      inf.removeAllListeners();
      inf.on("error", () => {});
      inflater = undefined;
    } else pos += piece.length;
  }

  async function step(): Promise<void> {
    if (phase === "header") {
      const h = headerLength(win, pos, end);
      if (typeof h === "string") {
        src.failure = `bad gzip header at byte ${winBase + pos}: ${h}`;
        phase = "done";
      } else if (h === 0) {
        if (inEof) {
          src.failure = `the gzip data is cut off in the header of member ${src.members + 1} ` +
            `at byte ${winBase + pos}`;
          phase = "done";
        } else if (end - pos >= MAX_HEADER) {
          src.failure = `gzip header at byte ${winBase + pos} longer than ${MAX_HEADER} bytes`;
          phase = "done";
        } else await refill();
      } else {
        memberAt = winBase + pos;
        src.members++;
        pos += h;
        startMember();
        phase = "body";
      }
    } else if (phase === "body") {
      await feedOnce();
    } else if (phase === "trailer") {
      if (end - pos < 8) {
        if (inEof) {
          src.failure = `the gzip data is cut off in the trailer of member ${src.members} ` +
            `at byte ${winBase + pos}`;
          phase = "done";
        } else await refill();
        return;
      }
      const want =
        (win[pos] | (win[pos + 1] << 8) | (win[pos + 2] << 16) | (win[pos + 3] << 24)) >>>
        0;
      const wantSize =
        (win[pos + 4] | (win[pos + 5] << 8) | (win[pos + 6] << 16) | (win[pos + 7] << 24)) >>> 0;
      if (want !== crc >>> 0 || wantSize !== size % 4294967296) {
        src.damaged = true;
        src.log.add(
          "gzip-check",
          `gzip member ${src.members} at byte ${memberAt} fails its check: CRC-32 ` +
            `${hex(crc >>> 0)} and size ${size % 4294967296} computed, its trailer says ` +
            `${hex(want)} and ${wantSize}; its data was kept`,
        );
      }
      pos += 8;
      phase = "after";
    } else if (phase === "after") {
      if (end - pos < 2) {
        if (!inEof) return refill();
        if (end === pos) {
          phase = "done";
          return;
        }
      }
      if (end - pos >= 2 && win[pos] === 0x1f && win[pos + 1] === 0x8b) {
        phase = "header";
        return;
      }
      src.log.add(
        "gzip-trailing",
        `trailing data after the gzip data at byte ${winBase + pos} ignored (as gzip -dc does)`,
      );
      phase = "done";
    }
  }

  const src: GunzipSource = {
    failure: "",
    log: new WarningLog(),
    damaged: false,
    members: 0,
    async read(into: Uint8Array): Promise<number | null> {
      for (;;) {
        let n = 0;
        while (n < into.length && queue.length > 0) {
          const c = queue[0];
          const k = Math.min(into.length - n, c.length - head);
          into.set(c.subarray(head, head + k), n);
          n += k;
          head += k;
          if (head === c.length) {
            queue.shift();
            head = 0;
          }
        }
        if (n > 0) return n;
        if (phase === "done") return null;
        await step();
      }
    },
  };
  return src;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
