/**
 * The text report without colour (output to a file or a pipe), written as
 * UTF-8 bytes straight into a buffer: the ladder's line per segment (millions
 * on a big capture) makes no string. As strings, the 2.4M-packet benchmark
 * capture's text spent about a third of its time making, joining and then
 * encoding each line (lib/report/text.ts makes the same lines as strings, with
 * colour; tests/unit/report_stream.test.ts checks the two are equal on every
 * fixture).
 * @module
 */
import type { Explained } from "../explain/engine.ts";
import type { SegmentRecord } from "../tcp/conn.ts";
import { L_ICMP_UNREACH } from "../tcp/labels.ts";
import { AsciiBuffer, wholeMillions } from "./ascii_buffer.ts";
import { createColors } from "./colors.ts";
import {
  arrow,
  ARROW_W,
  fixed6,
  FIXED6_MAX,
  flagText,
  labelText,
  ladderFoot,
  ladderHead,
  STATE_W,
  StateCursor,
  verdictLines,
} from "./text.ts";

const PLAIN = createColors(false);
const SCRATCH = new AsciiBuffer((1 << 16) + 4096);
const encoder = new TextEncoder();
const DASH = encoder.encode("─");
/** DASHES[n]: n box-drawing dashes as UTF-8 (n ≤ ARROW_W). */
const DASHES = Array.from({ length: ARROW_W + 1 }, (_, n) => encoder.encode("─".repeat(n)));
const RIGHT = encoder.encode("▶");
const LEFT = encoder.encode("◀");
/** Flag names as bytes, by flags value (made on first use). */
const FLAG_BYTES: (Uint8Array | undefined)[] = [];

/** Digits of a non-negative integer in decimal (String(n).length). */
function decimalLength(n: number): number {
  let d = 1;
  for (let m = 10; m <= n && d < 17; m *= 10) d++;
  return d;
}

/** Appends `text` as UTF-8 (ASCII state names; "→" between them). */
function put(out: AsciiBuffer, text: string): void {
  if (text !== "") out.text(text);
}

/** `padLeft(fixed6(t), width)` as text.ts writes it. */
function time(out: AsciiBuffer, t: number, width: number): void {
  const r = t * 1e6;
  const fl = Math.floor(r);
  const frac = r - fl;
  if (!(r >= 0 && r < FIXED6_MAX) || (frac > 0.49 && frac < 0.51)) {
    const s = fixed6(t);
    out.spaces(width - s.length);
    out.text(s);
    return;
  }
  const n = frac < 0.5 ? fl : fl + 1;
  const whole = wholeMillions(n), us = n - whole * 1e6;
  out.spaces(width - decimalLength(whole) - 7);
  out.uint(whole);
  out.text(".");
  out.zeroPadded(us, 6);
}

/** The arrow of an ordinary segment (ICMP errors go through text.ts's `arrow`). */
function arrowBytes(out: AsciiBuffer, s: SegmentRecord): void {
  if (s.labels & L_ICMP_UNREACH) {
    out.utf8(arrow(s, PLAIN));
    return;
  }
  const flags = FLAG_BYTES[s.flags] ??= encoder.encode(flagText(s.flags));
  // ` ${flags} seq=${seq} ack=${ack} len=${len} `
  const textLen = 1 + flags.length + 5 + decimalLength(s.seq) + 5 + decimalLength(s.ack) + 5 +
    decimalLength(s.len) + 1;
  const fill = Math.max(2, ARROW_W - textLen - 2);
  if (s.side === 0) out.bytes(DASH);
  else {
    out.bytes(LEFT);
    dashes(out, fill);
  }
  out.text(" ");
  out.bytes(flags);
  out.text(" seq=");
  out.uint(s.seq);
  out.text(" ack=");
  out.uint(s.ack);
  out.text(" len=");
  out.uint(s.len);
  out.text(" ");
  if (s.side === 0) {
    dashes(out, fill);
    out.bytes(RIGHT);
  } else out.bytes(DASH);
}

function dashes(out: AsciiBuffer, n: number): void {
  if (n <= ARROW_W) out.bytes(DASHES[n]);
  else for (let i = 0; i < n; i++) out.bytes(DASH);
}

const PHASE_OPEN = encoder.encode(" ── ");
const PHASE_CLOSE = encoder.encode(") ──\n");
const EN_DASH = encoder.encode("–");

/** text.ts's phaseLine without colour, with its newline. */
function phaseBytes(
  out: AsciiBuffer,
  p: { name: string; firstFrame: number; lastFrame: number },
): void {
  out.spaces(STATE_W);
  out.bytes(PHASE_OPEN);
  out.text(p.name);
  if (p.firstFrame === p.lastFrame) {
    out.text(" (frame ");
    out.uint(p.firstFrame);
  } else {
    out.text(" (frames ");
    out.uint(p.firstFrame);
    out.bytes(EN_DASH);
    out.uint(p.lastFrame);
  }
  out.bytes(PHASE_CLOSE);
}

const SEQ = encoder.encode(" seq=");
const ACK = encoder.encode(" ack=");
const LEN = encoder.encode(" len=");
/** Below this every number of a line is a small integer (written by integer arithmetic). */
const INT_MAX = 2 ** 31;

/** Copies `from` into `b` at `at`; returns the end. */
function copy(b: Uint8Array, at: number, from: Uint8Array): number {
  for (let i = 0; i < from.length; i++) b[at + i] = from[i];
  return at + from.length;
}

/** Writes `n` spaces; returns the end. */
function blank(b: Uint8Array, at: number, n: number): number {
  for (let i = 0; i < n; i++) b[at + i] = 0x20;
  return n > 0 ? at + n : at;
}

/** Writes integer 0 ≤ n < 2^31 in `digits` decimal digits (its length); returns the end. */
function digits(b: Uint8Array, at: number, n: number, count: number): number {
  let v = n | 0;
  for (let i = at + count - 1; i >= at; i--) {
    b[i] = 0x30 + v % 10;
    v = (v / 10) | 0;
  }
  return at + count;
}

/**
 * The common ladder line, written straight into the buffer: no state change
 * on either side, no label, no ICMP error, small numbers, an ordinary time
 * (else false, and {@link segmentLine} writes it field by field).
 */
function plainLine(out: AsciiBuffer, s: SegmentRecord, cell: string, right: string): boolean {
  const { frame, seq, ack, len } = s;
  if ((s.labels & L_ICMP_UNREACH) !== 0 || labelText(s.labels, PLAIN) !== "") return false;
  if (!(frame < INT_MAX && seq < INT_MAX && ack < INT_MAX && len < INT_MAX && len >= 0)) {
    return false;
  }
  const r = s.time * 1e6;
  const fl = Math.floor(r);
  const frac = r - fl;
  if (!(r >= 0 && r < FIXED6_MAX) || (frac > 0.49 && frac < 0.51)) return false;
  const n = frac < 0.5 ? fl : fl + 1;
  const whole = wholeMillions(n), us = n - whole * 1e6;
  if (whole >= INT_MAX) return false;
  const flags = FLAG_BYTES[s.flags] ??= encoder.encode(flagText(s.flags));
  const fd = decimalLength(frame), sd = decimalLength(seq), ad = decimalLength(ack);
  const ld = decimalLength(len), wd = decimalLength(whole);
  const textLen = 1 + flags.length + 5 + sd + 5 + ad + 5 + ld + 1;
  const fill = Math.max(2, ARROW_W - textLen - 2);
  const left = cell === "" ? EMPTY : cellBytes(cell);
  const end = right === "" ? EMPTY : cellBytes(right);
  const b = out.room(
    STATE_W + left.length + 20 + 10 + 4 + textLen + 3 * (fill + 2) + 8 + end.length,
  );
  let at = out.length;
  if (left.length > 0) at = copy(b, at, left);
  at = blank(b, at, STATE_W - cell.length + 1 + Math.max(0, 6 - fd));
  at = digits(b, at, frame, fd);
  at = blank(b, at, 1 + Math.max(0, 10 - wd - 7));
  at = digits(b, at, whole, wd);
  b[at++] = 0x2e;
  at = digits(b, at, us, 6);
  at = blank(b, at, 2);
  const dashRun = fill <= ARROW_W ? DASHES[fill] : undefined;
  if (s.side === 0) at = copy(b, at, DASH);
  else {
    at = copy(b, at, LEFT);
    if (dashRun !== undefined) at = copy(b, at, dashRun);
    else for (let i = 0; i < fill; i++) at = copy(b, at, DASH);
  }
  b[at++] = 0x20;
  at = copy(b, at, flags);
  at = copy(b, at, SEQ);
  at = digits(b, at, seq, sd);
  at = copy(b, at, ACK);
  at = digits(b, at, ack, ad);
  at = copy(b, at, LEN);
  at = digits(b, at, len, ld);
  b[at++] = 0x20;
  if (s.side === 0) {
    if (dashRun !== undefined) at = copy(b, at, dashRun);
    else for (let i = 0; i < fill; i++) at = copy(b, at, DASH);
    at = copy(b, at, RIGHT);
  } else at = copy(b, at, DASH);
  at = blank(b, at, 2);
  if (end.length > 0) at = copy(b, at, end);
  b[at++] = 0x0a;
  out.length = at;
  return true;
}

const EMPTY = new Uint8Array(0);
/** State cells ("SYN-SENT", "FIN-WAIT-2→TIME-WAIT") as UTF-8, by text (made on first use). */
const CELLS = new Map<string, Uint8Array>();

function cellBytes(cell: string): Uint8Array {
  let b = CELLS.get(cell);
  if (b === undefined) {
    b = encoder.encode(cell);
    if (CELLS.size < 4096) CELLS.set(cell, b);
  }
  return b;
}

/** One ladder line (text.ts's ladderLines, without colour), with its newline. */
function segmentLine(
  out: AsciiBuffer,
  s: SegmentRecord,
  cl: StateCursor,
  sv: StateCursor,
): void {
  const cell = cl.at(s.frame);
  const right = sv.at(s.frame);
  if (cell.length <= STATE_W && plainLine(out, s, cell, right)) return;
  put(out, cell);
  out.spaces(STATE_W - cell.length);
  out.text(" ");
  out.spaces(6 - decimalLength(s.frame));
  out.uint(s.frame);
  out.text(" ");
  time(out, s.time, 10);
  out.text("  ");
  arrowBytes(out, s);
  out.text("  ");
  put(out, right);
  put(out, labelText(s.labels, PLAIN));
  out.text("\n");
}

/**
 * A connection's text report without colour (the same bytes as
 * `textChunks(e, false)` encoded), in pieces of about `size` bytes. Each
 * piece is a view of a buffer this module reuses: read (or copy) it before
 * asking for the next piece of any connection.
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained, write: (b: Uint8Array) => Promise<void>;
 * for (const piece of textBytes(explained)) await write(piece);
 * ```
 */
export function* textBytes(e: Explained, size = 1 << 16): Generator<Uint8Array> {
  // One buffer for every connection. A generator writes only between being
  // (re)started and its next yield, and what the buffer holds then was
  // yielded already (a piece is read before the next is asked for), so each
  // generator empties it whenever it starts writing: a connection whose
  // output was left half made (the output queue keeps long ones lazily)
  // never mixes with another's.
  const out = SCRATCH;
  out.length = 0;
  const conn = e.conn;
  out.utf8(verdictLines(e, false) + "\n");
  out.utf8(ladderHead(conn, PLAIN) + "\n");
  const cl = new StateCursor(conn.fsm?.[0] ?? null);
  const sv = new StateCursor(conn.fsm?.[1] ?? null);
  const phaseAt = new Map(conn.phases.map((p) => [p.firstFrame, p]));
  const log = conn.segLog;
  const count = log === null ? 0 : log.length;
  for (let i = 0; i < count; i++) {
    const s = log!.peek(i);
    const p = phaseAt.get(s.frame);
    if (p) {
      phaseAt.delete(s.frame);
      phaseBytes(out, p);
    }
    segmentLine(out, s, cl, sv);
    if (out.length >= size) {
      yield out.view();
      out.length = 0;
    }
  }
  out.text(ladderFoot(conn, PLAIN) + "\n\n");
  yield out.view();
  out.length = 0;
}
