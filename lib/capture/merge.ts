/**
 * Reads several captures as one time-ordered stream, the way `mergecap`
 * merges them: a rotated set (`tcpdump -C`, `-G`) or captures taken at the
 * same time on different interfaces become one capture, so a connection that
 * spans two files is one connection.
 *
 * Rules (each a deliberate choice):
 * - The next frame is the one with the earliest timestamp among the next
 *   frame of every file; on a tie the file given first wins. Within one file
 *   the order of the file is kept, even where its timestamps go backwards
 *   (mergecap does the same).
 * - Frames are numbered 1, 2, 3 … in the merged order, as in the file
 *   `mergecap -w` would write; {@link FrameOrigins} maps each number back to
 *   its file and its frame number in that file.
 * - Each file is read by {@link readCapture} with its own checks; a file that
 *   cannot be read at all fails the whole set (its name in the message); a
 *   damaged or truncated file keeps what was read, with a warning that names
 *   the file.
 * - Memory: each file has one reader buffer and at most {@link HIGH_WATER}
 *   copied frames waiting, so a set costs per file, not per frame.
 * @module
 */
import { newFrame } from "./parser.ts";
import { readCapture } from "./reader.ts";
import type { ByteSource, CaptureInfo, Frame, ReadOptions, WarningKind } from "./types.ts";
import { TcpechoError } from "../errors.ts";

/** One capture of a set. */
export interface NamedSource {
  /** How the capture is named in warnings and the report (its path). */
  name: string;
  source: ByteSource;
}

/** A capture set's file, as reported. */
export interface CaptureFileInfo {
  name: string;
  format: "pcap" | "pcapng";
  /** Frames of this file in the merged stream. */
  frames: number;
  truncated: boolean;
}

/** What was learned about a capture set. */
export interface CaptureSetInfo extends CaptureInfo {
  files: CaptureFileInfo[];
}

/** Frames copied and waiting per file before its reader is paused. */
export const HIGH_WATER = 2048;

/**
 * Maps merged frame numbers back to (file, frame in file), as runs: a set of
 * rotated files is one run per file, so the table stays small.
 *
 * @example
 * ```ts
 * const o = new FrameOrigins();
 * o.add(0, 1); o.add(0, 2); o.add(1, 1);
 * o.lookup(3); // { file: 1, frame: 1 }
 * ```
 */
export class FrameOrigins {
  #start: number[] = [];
  #file: number[] = [];
  #fileFrame: number[] = [];
  #count = 0;

  /** The next merged frame came from `file`, where it was frame `fileFrame`. */
  add(file: number, fileFrame: number): void {
    const n = ++this.#count;
    const last = this.#start.length - 1;
    if (
      last >= 0 && this.#file[last] === file &&
      this.#fileFrame[last] + (n - this.#start[last]) === fileFrame
    ) return;
    this.#start.push(n);
    this.#file.push(file);
    this.#fileFrame.push(fileFrame);
  }

  /** Runs in the table (one per switch between files). */
  get runs(): number {
    return this.#start.length;
  }

  /** The file (0-based, in the order given) and frame number in it of merged frame `n`. */
  lookup(n: number): { file: number; frame: number } {
    const s = this.#start;
    let lo = 0, hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= n) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.#file[lo], frame: this.#fileFrame[lo] + (n - s[lo]) };
  }
}

interface Copied {
  index: number;
  tsSec: number;
  tsNsec: number;
  hasTimestamp: boolean;
  linkType: number;
  interfaceId: number;
  bytes: Uint8Array;
  origLen: number;
}

/** One file's reader, paused when its queue is full. */
class Lane {
  items: Copied[] = [];
  head = 0;
  done = false;
  error: unknown = undefined;
  info: CaptureInfo | undefined;
  merged = 0;
  #resume: (() => void) | undefined;
  #progress: () => void;

  constructor(readonly name: string, source: ByteSource, progress: () => void, opts?: ReadOptions) {
    this.#progress = progress;
    const gated: ByteSource = {
      read: async (into) => {
        // Parsing the previous chunk is done: the merge may go on.
        this.#progress();
        while (this.items.length - this.head >= HIGH_WATER) {
          await new Promise<void>((r) => this.#resume = r);
        }
        return source.read(into);
      },
    };
    readCapture(gated, (f) => this.items.push(copy(f)), opts).then(
      (info) => {
        this.info = info;
        this.done = true;
        this.#progress();
      },
      (e) => {
        this.error = e;
        this.done = true;
        this.#progress();
      },
    );
  }

  get waiting(): number {
    return this.items.length - this.head;
  }

  take(): Copied {
    const x = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.#resume !== undefined && this.waiting < HIGH_WATER / 2) {
      const r = this.#resume;
      this.#resume = undefined;
      r();
    }
    return x;
  }
}

function copy(f: Frame): Copied {
  return {
    index: f.index,
    tsSec: f.tsSec,
    tsNsec: f.tsNsec,
    hasTimestamp: f.hasTimestamp,
    linkType: f.linkType,
    interfaceId: f.interfaceId,
    bytes: f.buf.slice(f.offset, f.offset + f.caplen),
    origLen: f.origLen,
  };
}

/**
 * Reads a capture set in timestamp order (see the module rules), calling
 * `onFrame` for each frame with merged frame numbers; `origins` learns where
 * each came from.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { bytesSource } from "./stream.ts";
 * const bytes = new Uint8Array(readFileSync("samples/server-process-terminated.pcap"));
 * const origins = new FrameOrigins();
 * let count = 0;
 * const info = await readCaptureSet(
 *   [{ name: "a.pcap", source: bytesSource(bytes) }, { name: "b.pcap", source: bytesSource(bytes) }],
 *   () => count++,
 *   origins,
 * );
 * // count === 26, info.files.length === 2; origins.lookup(n) names the file and frame of merged frame n
 * ```
 */
export async function readCaptureSet(
  sources: NamedSource[],
  onFrame: (frame: Frame) => void,
  origins: FrameOrigins,
  opts?: ReadOptions,
): Promise<CaptureSetInfo> {
  let wake: (() => void) | undefined;
  const progress = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const lanes = sources.map((s) => new Lane(s.name, s.source, progress, opts));
  const frame = newFrame();
  let n = 0;
  for (;;) {
    // Every lane must show its next frame (or be done) before one is chosen.
    const starving = lanes.find((l) => l.waiting === 0 && !l.done);
    if (starving !== undefined) {
      await new Promise<void>((r) => wake = r);
      continue;
    }
    let best = -1;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[i];
      if (l.error !== undefined) throw named(l.name, l.error);
      if (l.waiting === 0) continue;
      if (best < 0) best = i;
      else {
        const a = l.items[l.head], b = lanes[best].items[lanes[best].head];
        if (a.tsSec < b.tsSec || (a.tsSec === b.tsSec && a.tsNsec < b.tsNsec)) best = i;
      }
    }
    if (best < 0) break;
    const lane = lanes[best];
    const c = lane.take();
    lane.merged++;
    origins.add(best, c.index);
    frame.index = ++n;
    frame.tsSec = c.tsSec;
    frame.tsNsec = c.tsNsec;
    frame.hasTimestamp = c.hasTimestamp;
    frame.linkType = c.linkType;
    frame.interfaceId = c.interfaceId;
    frame.buf = c.bytes;
    frame.offset = 0;
    frame.caplen = c.bytes.length;
    frame.origLen = c.origLen;
    onFrame(frame);
  }
  return setInfo(lanes, n);
}

function setInfo(lanes: Lane[], frames: number): CaptureSetInfo {
  const linkTypes: number[] = [];
  const warnings: string[] = [];
  let truncated = false, damaged = false, gzip = false, bytes = 0;
  const kinds = new Map<string, WarningKind>();
  const files: CaptureFileInfo[] = [];
  for (const l of lanes) {
    const i = l.info!;
    for (const t of i.linkTypes) if (!linkTypes.includes(t)) linkTypes.push(t);
    for (const w of i.warnings) warnings.push(`${l.name}: ${w}`);
    truncated ||= i.truncated;
    damaged ||= i.damaged;
    for (const k of i.warningKinds) {
      const have = kinds.get(k.kind);
      if (have === undefined) {
        kinds.set(k.kind, {
          kind: k.kind,
          count: k.count,
          examples: k.examples.map((w) => `${l.name}: ${w}`),
        });
      } else have.count += k.count;
    }
    gzip ||= i.gzip;
    bytes += i.bytes;
    files.push({ name: l.name, format: i.format, frames: l.merged, truncated: i.truncated });
  }
  return {
    format: lanes[0]?.info?.format ?? "pcap",
    linkTypes,
    frames,
    packets: frames,
    truncated,
    damaged,
    warnings,
    warningKinds: [...kinds.values()],
    gzip,
    bytes,
    files,
  };
}

function named(name: string, e: unknown): unknown {
  if (e instanceof TcpechoError) {
    return new TcpechoError(`${name}: ${e.message}`, {
      code: e.code,
      hint: e.hint,
      exitCode: e.exitCode,
      cause: e,
    });
  }
  return e;
}
