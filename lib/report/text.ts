/**
 * The text report people read: per connection a verdict line and the
 * book's ladder diagram (client column, server column, arrows with flags,
 * seq/ack, length and time, analysis labels, phase headings, and each
 * endpoint's state changes on its own side). Colour only when asked.
 * @module
 */
import { citeSection } from "../explain/catalogue.ts";
import { RETRANS } from "../tcp/conn.ts";
import { createColors } from "./colors.ts";
import type { Explained } from "../explain/engine.ts";
import type { SegmentRecord, TcpConn } from "../tcp/conn.ts";
import {
  L_ACK,
  L_ANY_RETRANS,
  L_DATA,
  L_FIN,
  L_ICMP_UNREACH,
  L_RST,
  L_SYN,
  L_SYN_ACK,
  labelNames,
} from "../tcp/labels.ts";
import type { EndpointFsm } from "../tcp/state.ts";
import { flagNames } from "./json.ts";
import { formatHostPort } from "../hostport.ts";
import { slowVerdict } from "../explain/slow.ts";
import { CAUSES, type Timing } from "../explain/timing.ts";

/** Width of each state column. */
export const STATE_W = 22;
/** Width of the arrow between the columns. */
export const ARROW_W = 44;
const KIND_BITS = L_SYN | L_SYN_ACK | L_ACK | L_DATA | L_FIN | L_RST | L_ICMP_UNREACH;

/** The colour functions (identity functions without colour). */
export type Colors = ReturnType<typeof createColors>;

/*
 * The ladder writes one line per segment (millions for a long capture): its
 * fixed pieces are made once, not per line (padding, dash runs, flag names).
 */
/** SPACES[n]: n spaces (n ≤ ARROW_W). */
const SPACES = Array.from({ length: ARROW_W + 1 }, (_, n) => " ".repeat(n));
/** DASHES[n]: n box-drawing dashes (n ≤ ARROW_W). */
const DASHES = Array.from({ length: ARROW_W + 1 }, (_, n) => "─".repeat(n));
/** An empty state cell. */
const NO_STATE = SPACES[STATE_W];
/** The ladder heading up to the endpoints. */
const HEAD_START = `${"client".padEnd(STATE_W)} ${"frame".padStart(6)} ${"time".padStart(10)}  `;
/** Flag names joined with commas, by flags value (made on first use). */
const FLAG_TEXT: (string | undefined)[] = [];

/** `text` padded with spaces on the left to `w` characters (as String.prototype.padStart). */
function padLeft(text: string, w: number): string {
  return text.length >= w ? text : SPACES[w - text.length] + text;
}

/** `text` padded with spaces on the right to `w` characters (as String.prototype.padEnd). */
function padRight(text: string, w: number): string {
  return text.length >= w ? text : text + SPACES[w - text.length];
}

/** Scaled times below this are integers the double holds to 1/512: rounding them is exact enough. */
export const FIXED6_MAX = 2 ** 43;

/**
 * `t.toFixed(6)` (2.4 M calls on the benchmark capture's ladder; measured:
 * Deno's text took 0.94 of the CPU with this, Bun's the same) made from the
 * integer count of microseconds, for times from
 * 0 to about 100 days; outside that, and where `t × 10^6` lies so near a
 * half that its rounding could differ from toFixed's exact decimal, toFixed
 * itself. tests/unit/text_ladder_format.test.ts compares the two.
 */
export function fixed6(t: number): string {
  const r = t * 1e6;
  if (!(r >= 0 && r < FIXED6_MAX)) return t.toFixed(6);
  const fl = Math.floor(r);
  const frac = r - fl;
  if (frac > 0.49 && frac < 0.51) return t.toFixed(6);
  const n = frac < 0.5 ? fl : fl + 1;
  const us = n % 1e6;
  const digits = String(us);
  return String((n - us) / 1e6) + "." + "000000".slice(digits.length) + digits;
}

/** Flag names joined with commas ("PSH,ACK"). */
export function flagText(flags: number): string {
  if (flags < 0 || flags >= 4096) return flagNames(flags).join(",");
  return FLAG_TEXT[flags] ??= flagNames(flags).join(",");
}

function dashes(n: number): string {
  return n <= ARROW_W ? DASHES[n] : "─".repeat(n);
}

function endpoint(e: { addr: string; port: number }): string {
  return formatHostPort(e.addr, e.port);
}

/**
 * The verdict line(s) for a connection.
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained; // from explainCapture's onConnection
 * verdictLines(explained, false);
 * // "#1 127.0.0.1:40512 → 127.0.0.1:9877  normal (§5.6)\n    <the verdict's summary>\n"
 * ```
 */
export function verdictLines(e: Explained, color: boolean): string {
  const c = createColors(color);
  const conn = e.conn;
  const sec = e.verdict.section ? ` (${citeSection(e.verdict.section)})` : "";
  const guess = conn.rolesGuessed ? c.yellow(" [roles guessed]") : "";
  const head = `${c.bold(`#${conn.id}`)} ${endpoint(conn.client)} → ${endpoint(conn.server)}  ` +
    `${c.bold(c.cyan(e.verdict.scenario))}${sec}${guess}\n    ${e.verdict.summary}\n`;
  return head + slowLines(e, c);
}

/** Bar letters per cause (CAUSES order) and the bar's width. */
const BAR_LETTERS = "hcswLnm.";
const BAR_W = 40;

/**
 * The slowness sentence and a time bar, under the verdict, when the
 * connection was slow (docs/slow.md); "" otherwise.
 */
function slowLines(e: Explained, c: Colors): string {
  const t = e.timing;
  if (t === undefined) return "";
  const v = slowVerdict(t, e.conn, e.verdict.scenario);
  if (v === null) return "";
  return `    ${c.yellow(v.sentence)}\n    ${timeBar(t, c)}\n`;
}

/**
 * A 40-character bar of the connection's lifetime, each character the cause
 * of most of its slice of time, then the share of each cause.
 *
 * @example
 * ```ts
 * // timeBar(timing, colors) -> "time [hh.....LLLLLLLLLL........] L loss 62% · . transfer 37% · h handshake 1%"
 * ```
 */
export function timeBar(t: Timing, c: Colors): string {
  const d = t.duration;
  const iv = t.intervals;
  let bar = "";
  if (iv !== null && iv.length > 0 && iv.length < 200 && d > 0) {
    let j = 0;
    for (let i = 0; i < BAR_W; i++) {
      const from = t.firstTime + (d * i) / BAR_W, to = t.firstTime + (d * (i + 1)) / BAR_W;
      const share = [0, 0, 0, 0, 0, 0, 0, 0];
      while (j < iv.length && iv[j].start + iv[j].seconds <= from) j++;
      for (let k = j; k < iv.length && iv[k].start < to; k++) {
        const a = Math.max(from, iv[k].start), b = Math.min(to, iv[k].start + iv[k].seconds);
        if (b > a) share[iv[k].cause] += b - a;
      }
      bar += barChar(share, c);
    }
  } else {
    for (let k = 0; k < CAUSES.length; k++) {
      const n = d > 0 ? Math.round((t.seconds[k] / d) * BAR_W) : 0;
      bar += barChar(CAUSES.map((_, i) => (i === k ? 1 : 0)), c).repeat(n);
    }
  }
  const legend = CAUSES.map((name, i) => ({ name, i, s: t.seconds[i] }))
    .filter((x) => d > 0 && x.s / d >= 0.005)
    .sort((a, b) => b.s - a.s)
    .map((x) => `${BAR_LETTERS[x.i]} ${x.name} ${Math.round((x.s / d) * 100)}%`)
    .join(" · ");
  return `time [${bar}] ${c.dim(legend)}`;
}

function barChar(share: number[], c: Colors): string {
  let best = 0;
  for (let i = 1; i < share.length; i++) if (share[i] > share[best]) best = i;
  if (share[best] === 0) return " ";
  const ch = BAR_LETTERS[best];
  return best === 4 || best === 6 ? c.red(ch) : best === 7 ? ch : c.yellow(ch);
}

function arrowText(s: SegmentRecord): string {
  if (s.labels & L_ICMP_UNREACH) return `ICMP unreachable (quotes seq=${s.seq})`;
  return `${flagText(s.flags)} seq=${s.seq} ack=${s.ack} len=${s.len}`;
}

/** The arrow between the columns: `─ text ───▶` (client to server) or `◀─── text ─`. */
export function arrow(s: SegmentRecord, c: Colors): string {
  const text = ` ${arrowText(s)} `;
  const fill = Math.max(2, ARROW_W - text.length - 2);
  const body = s.side === 0 ? `─${text}${dashes(fill)}▶` : `◀${dashes(fill)}${text}─`;
  if (s.labels & (L_RST | L_ICMP_UNREACH)) return c.red(body);
  if (s.labels & L_ANY_RETRANS) return c.magenta(body);
  return body;
}

/**
 * One side's state changes, read along the ladder: {@link at} is asked for
 * each segment's frame in increasing order and returns the changes at that
 * frame ("FIN-WAIT-2→TIME-WAIT"), "" for none (a history never goes back in
 * frames, so one pass over it serves the whole ladder).
 */
export class StateCursor {
  #i = 0;
  constructor(readonly fsm: EndpointFsm | null) {}

  /** The changes at `frame` joined with "→", "" for none. */
  at(frame: number): string {
    const f = this.fsm;
    if (f === null) return "";
    const n = f.changes;
    let i = this.#i;
    while (i < n && f.changeFrame(i) < frame) i++;
    let out = "";
    for (; i < n && f.changeFrame(i) === frame; i++) {
      out = out === "" ? f.changeState(i) : out + "→" + f.changeState(i);
    }
    this.#i = i;
    return out;
  }
}

/** Label texts by label bits (without the kind bits), made on first use. */
const LABEL_TEXT = new Map<number, string>();

/** The analysis labels after the arrow ("  [retransmission]"), "" for none. */
export function labelText(mask: number, c: Colors): string {
  const bits = mask & ~KIND_BITS;
  if (bits === 0) return "";
  let t = LABEL_TEXT.get(bits);
  if (t === undefined) {
    const extra = labelNames(bits);
    t = extra.length === 0 ? "" : `  [${extra.join(", ")}]`;
    if (LABEL_TEXT.size < 4096) LABEL_TEXT.set(bits, t);
  }
  if (t === "") return "";
  return mask & L_ANY_RETRANS ? c.magenta(t) : c.yellow(t);
}

/**
 * The ladder diagram of one connection (needs segments and state histories).
 *
 * @example
 * ```ts
 * import type { TcpConn } from "../tcp/conn.ts";
 * declare const conn: TcpConn; // explained.conn
 * ladder(conn, false); // a multi-line string, one arrow per segment
 * ```
 */
export function ladder(conn: TcpConn, color: boolean): string {
  return [...ladderLines(conn, color)].join("\n") + "\n";
}

/**
 * The ladder one line at a time (no newline at the ends), so a connection of
 * millions of segments is written without ever becoming one string.
 *
 * @example
 * ```ts
 * import type { TcpConn } from "../tcp/conn.ts";
 * declare const conn: TcpConn, write: (s: string) => void; // explained.conn, an output
 * for (const line of ladderLines(conn, false)) write(line + "\n");
 * ```
 */
export function* ladderLines(conn: TcpConn, color: boolean): Generator<string> {
  const c = createColors(color);
  const cl = new StateCursor(conn.fsm?.[0] ?? null);
  const sv = new StateCursor(conn.fsm?.[1] ?? null);
  const phaseAt = new Map(conn.phases.map((p) => [p.firstFrame, p]));
  yield ladderHead(conn, c);
  const log = conn.segLog;
  const count = log === null ? 0 : log.length;
  for (let i = 0; i < count; i++) {
    const s = log!.at(i);
    const p = phaseAt.get(s.frame);
    if (p) {
      phaseAt.delete(s.frame);
      yield phaseLine(p, c);
    }
    const cell = cl.at(s.frame);
    const left = cell === "" ? NO_STATE : padRight(cell, STATE_W);
    const right = sv.at(s.frame);
    // lib/report/text_bytes.ts writes this line as bytes (without colour): keep the two alike.
    yield `${c.green(left)} ${padLeft(String(s.frame), 6)} ${
      c.dim(padLeft(fixed6(s.time), 10))
    }  ` +
      `${arrow(s, c)}  ${c.green(right)}${labelText(s.labels, c)}`;
  }
  yield ladderFoot(conn, c);
}

/** The ladder's column heading line. */
export function ladderHead(conn: TcpConn, c: Colors): string {
  const ends = `${endpoint(conn.client)} ⇄ ${endpoint(conn.server)}`;
  const head = HEAD_START + ends.padEnd(ARROW_W + 2) + "  server";
  return c.dim(head);
}

/** A phase heading line ("── data (frames 4–9) ──"). */
export function phaseLine(
  p: { name: string; firstFrame: number; lastFrame: number },
  c: Colors,
): string {
  return c.bold(`${NO_STATE} ── ${p.name} (${frameSpan(p.firstFrame, p.lastFrame)}) ──`);
}

/** The line under the ladder: handshake RTT and retransmissions. */
export function ladderFoot(conn: TcpConn, c: Colors): string {
  const f = conn.facts;
  const rt = f.p[RETRANS] + f.p[RETRANS + 1];
  const rtt = f.rtt >= 0 ? `handshake RTT ${(f.rtt * 1e3).toFixed(3)} ms` : "handshake not seen";
  // An interval (time since the copy before) is known only where the send log
  // holds that copy; when none is known the list is left out, not printed empty.
  const gaps = (f.intervals ?? []).map((x) => x.toFixed(3)).join(" ");
  const rtx = rt > 0 ? `; ${rt} retransmission(s)${gaps ? `, intervals ${gaps} s` : ""}` : "";
  return c.dim(`${NO_STATE} ${rtt}${rtx}`);
}

/**
 * Verdict plus ladder for one connection.
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained; // from explainCapture's onConnection
 * renderText(explained, false); // the verdict lines and the ladder
 * ```
 */
export function renderText(e: Explained, color: boolean): string {
  return verdictLines(e, color) + "\n" + ladder(e.conn, color) + "\n";
}

/**
 * {@link renderText} in pieces of about `size` characters, for writing a
 * connection of any length without building one string.
 *
 * @example
 * ```ts
 * import type { Explained } from "../explain/engine.ts";
 * declare const explained: Explained, write: (s: string) => Promise<void>;
 * for (const piece of textChunks(explained, false)) await write(piece);
 * ```
 */
export function* textChunks(e: Explained, color: boolean, size = 1 << 16): Generator<string> {
  let buf = verdictLines(e, color) + "\n";
  for (const line of ladderLines(e.conn, color)) {
    buf += line + "\n";
    if (buf.length >= size) {
      yield buf;
      buf = "";
    }
  }
  yield buf + "\n";
}

/** "frame 7" or "frames 3–5": a phase heading's span. */
function frameSpan(first: number, last: number): string {
  return first === last ? `frame ${first}` : `frames ${first}–${last}`;
}
