/**
 * Transparent gunzip for captures saved as .gz. Detection is by the 1f 8b
 * magic, not the name.
 *
 * The gzip framing (RFC 1952: header, CRC-32 and size trailer, members one
 * after another) is parsed here; only the DEFLATE data goes through zlib, via
 * node:zlib's raw inflater, which Deno and Bun both provide. That makes the
 * behaviour the same on both runtimes (their DecompressionStreams differ on
 * multi-member files, bad CRCs and memory) and keeps memory flat: inflation is
 * synchronous and pull based, straight into the reader's buffer, so it never
 * produces more than was asked for (a gzip bomb costs no more than a plain
 * file) and nothing is read ahead once the reader stops asking.
 *
 * The inflater is driven through the zlib handle's `writeSync(flush, in, inOff,
 * inLen, out, outOff, outLen)` and `_writeState` (avail out, avail in), the
 * interface behind node:zlib's streams that Deno and Bun both implement; the
 * public stream API would allocate a new buffer per output chunk (on Deno a
 * gzip bomb then peaks above 100 MB before V8 collects them). Where the handle
 * is missing, the web DecompressionStream("gzip") is used instead (one member,
 * no CRC or trailing-data warnings).
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
import { streamSource } from "./stream.ts";
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

/** Compressed bytes given to the inflater per call. */
const FEED = 16 * 1024;
/** Most bytes inflated per call (what a corrupt stream can lose before its error). */
const OUT_STEP = 64 * 1024;
/** Marks the inflater's state array before a call, to see whether zlib filled it. */
const UNSET = 0xffffffff;
/** Size of the compressed input window (grown only for a longer gzip header). */
const WINDOW = 256 * 1024;
/** Longest gzip header accepted (extra field, file name and comment included). */
const MAX_HEADER = 1024 * 1024;

/** node:zlib, as {@link loadGzip} loads it. */
type Zlib = typeof import("node:zlib");
/**
 * node:zlib once {@link loadGzip} ran: imported only for a gzip capture, as
 * loading it costs Deno 40-60 ms of start-up that a plain capture never needs.
 */
let zlib: Zlib | undefined;

/**
 * Loads node:zlib; {@link gunzipSource} needs it. The capture reader calls
 * it when a capture starts with the gzip magic.
 *
 * @example
 * ```ts
 * await loadGzip(); // then gunzipSource(...) may be called
 * ```
 */
export async function loadGzip(): Promise<void> {
  zlib ??= await import("node:zlib");
}

/** The zlib handle behind a node:zlib stream (see the module doc). */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  onerror: (message: string, errno: number) => void;
}

/** A raw inflater: its handle, its state array and the stream to close. */
interface RawInflater {
  handle: ZlibHandle;
  state: Uint32Array;
  stream: { close(): void };
}

function rawInflater(zlib: Zlib): RawInflater | undefined {
  const stream = zlib.createInflateRaw() as unknown as {
    _handle?: ZlibHandle;
    _writeState?: Uint32Array;
    close(): void;
  };
  const handle = stream._handle;
  const state = stream._writeState;
  if (
    !handle || typeof handle.writeSync !== "function" || !(state instanceof Uint32Array) ||
    typeof zlib.crc32 !== "function"
  ) {
    return undefined;
  }
  return { handle, state, stream };
}

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
 * import type { ByteSource } from "./types.ts";
 * declare const file: ByteSource; // a file opened by the runtime
 * const head = new Uint8Array(4096);
 * const n = (await file.read(head)) ?? 0;
 * await loadGzip();
 * const src = isGzip(head.subarray(0, n)) ? gunzipSource(head.slice(0, n), file) : file;
 * ```
 */
export function gunzipSource(prefix: Uint8Array, rest: ByteSource, feed = FEED): GunzipSource {
  if (zlib === undefined) throw new Error("gunzipSource: await loadGzip() first");
  const z0 = zlib;
  const probe = rawInflater(z0);
  if (probe === undefined) return webGunzip(prefix, rest);
  probe.stream.close();
  let win = new Uint8Array(Math.max(WINDOW, prefix.length));
  win.set(prefix);
  let pos = 0; // next unread byte of win
  let end = prefix.length;
  let winBase = 0; // file offset of win[0]
  let inEof = false;
  let phase: "header" | "body" | "trailer" | "after" | "done" = "header";
  let inf: RawInflater | undefined;
  let error = "";
  let crc = 0;
  let size = 0;
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

  function endMember(): void {
    inf?.stream.close();
    inf = undefined;
  }

  /**
   * Inflates into `into[n..]` from the window; returns the new `n`. zlib makes
   * progress whenever it has input and room, so a call that uses no input and
   * makes no output means the DEFLATE data ended (Node's zlib uses the same rule).
   */
  function inflate(into: Uint8Array, n: number): number {
    const z = inf!;
    while (n < into.length && pos < end) {
      const inLen = Math.min(end - pos, feed);
      const room = Math.min(into.length - n, OUT_STEP);
      z.state[0] = z.state[1] = UNSET;
      z.handle.writeSync(z0.constants.Z_NO_FLUSH, win, pos, inLen, into, n, room);
      if (error !== "" || z.state[0] === UNSET) {
        // On an error Bun leaves the state unset and Deno fills it: the
        // output of this one call (at most OUT_STEP bytes) is dropped on both.
        src.failure = `corrupt deflate data in gzip member ${src.members} after byte ` +
          `${winBase + pos} (${error || "no result from zlib"})`;
        endMember();
        phase = "done";
        break;
      }
      const used = inLen - z.state[1];
      const made = room - z.state[0];
      if (made > 0) {
        crc = z0.crc32(into.subarray(n, n + made), crc);
        size += made;
        n += made;
      }
      pos += used;
      if (used === 0 && made === 0) {
        endMember();
        phase = "trailer";
        break;
      }
    }
    return n;
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
        crc = 0;
        size = 0;
        error = "";
        inf = rawInflater(z0)!;
        inf.handle.onerror = (message: string, errno: number) => {
          error = `${message}, zlib error ${errno}`;
        };
        phase = "body";
      }
    } else if (phase === "body") {
      if (inEof) {
        src.failure = `the gzip data is cut off at byte ${winBase + end} (inside member ` +
          `${src.members}, ${size} bytes inflated from it)`;
        endMember();
        phase = "done";
      } else await refill();
    } else if (phase === "trailer") {
      if (end - pos < 8) {
        if (inEof) {
          src.failure = `the gzip data is cut off in the trailer of member ${src.members} ` +
            `at byte ${winBase + pos}`;
          phase = "done";
        } else await refill();
        return;
      }
      const v = new DataView(win.buffer, win.byteOffset + pos, 8);
      const want = v.getUint32(0, true);
      const wantSize = v.getUint32(4, true);
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
      let n = 0;
      while (n < into.length) {
        if (phase === "body" && pos < end) {
          n = inflate(into, n);
          continue;
        }
        if (n > 0) return n; // deliver before waiting for more input
        if (phase === "done") return null;
        await step();
      }
      return n;
    },
  };
  return src;
}

/** The fallback where node:zlib's handle is missing: the web DecompressionStream. */
function webGunzip(prefix: Uint8Array, rest: ByteSource): GunzipSource {
  let sentPrefix = prefix.length === 0;
  const compressed = new ReadableStream<BufferSource>({
    async pull(ctrl) {
      if (!sentPrefix) {
        sentPrefix = true;
        ctrl.enqueue(prefix as Uint8Array<ArrayBuffer>);
        return;
      }
      const b = new Uint8Array(16 * 1024);
      const n = await rest.read(b);
      if (n === null) ctrl.close();
      else if (n > 0) ctrl.enqueue(b.subarray(0, n));
    },
  }, { highWaterMark: 0 });
  const inner = streamSource(
    compressed.pipeThrough(new DecompressionStream("gzip")) as ReadableStream<Uint8Array>,
  );
  const src: GunzipSource = {
    failure: "",
    log: new WarningLog(),
    damaged: false,
    members: 1,
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

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}
