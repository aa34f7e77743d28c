/**
 * "Why was it slow" in the HTML report (docs/slow.md, docs/html.md): the
 * connection's time-attribution bar (one segment per cause, its share of the
 * duration, its seconds and frames) and its stalls as bands (on the ladder
 * between the stall's frames, on the Stevens graph between its times).
 *
 * The input is the report's `timing` object as the page gets it (typed
 * `unknown`: the page reads whatever the file embeds), so {@link readTiming}
 * keeps only well-formed numbers and the eight known cause ids; everything
 * else is dropped. Pure: no DOM.
 * @module
 */
import type { StallJson } from "../json.ts";

/**
 * The causes in the order of docs/slow.md, with the text report's time-bar
 * letters (lib/report/text.ts) and the CSS class of their colour.
 */
export const TIME_CAUSES: readonly { id: string; letter: string; name: string }[] = [
  { id: "handshake", letter: "h", name: "handshake" },
  { id: "client-app", letter: "c", name: "client application" },
  { id: "server-app", letter: "s", name: "server application" },
  { id: "receive-window", letter: "w", name: "receive window" },
  { id: "loss", letter: "L", name: "loss recovery" },
  { id: "nagle", letter: "n", name: "Nagle / delayed ACK" },
  { id: "pmtu", letter: "m", name: "path MTU" },
  { id: "transfer", letter: ".", name: "transfer" },
];

const CAUSE_INDEX = new Map(TIME_CAUSES.map((c, i) => [c.id, i]));

/** The CSS class that colours a cause (`tc-loss`, …; style.ts). */
export function causeClass(id: string): string {
  return CAUSE_INDEX.has(id) ? `tc-${id}` : "tc-transfer";
}

/** One interval or stall of the timeline (the JSON report's shape), checked. */
export type TimeSpan = StallJson;

/** The parts of `timing` the page draws, checked. */
export interface TimingView {
  duration: number;
  /** Seconds per cause, in {@link TIME_CAUSES} order. */
  seconds: number[];
  intervals: TimeSpan[];
  stalls: TimeSpan[];
}

const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);

function readSpan(x: unknown): TimeSpan | null {
  if (typeof x !== "object" || x === null) return null;
  const o = x as Record<string, unknown>;
  const seconds = num(o.seconds), start = num(o.start);
  const firstFrame = num(o.firstFrame), lastFrame = num(o.lastFrame);
  if (typeof o.cause !== "string" || !CAUSE_INDEX.has(o.cause)) return null;
  if (seconds === null || seconds < 0 || start === null) return null;
  if (firstFrame === null || lastFrame === null) return null;
  const backoff = num(o.backoff);
  return {
    cause: o.cause,
    kind: typeof o.kind === "string" ? o.kind.slice(0, 40) : "",
    seconds,
    start,
    firstFrame: Math.trunc(firstFrame),
    lastFrame: Math.trunc(lastFrame),
    side: o.side === "server" ? "server" : "client",
    ...(backoff === null ? {} : { backoff: Math.trunc(backoff) }),
  };
}

function readSpans(x: unknown, max: number): TimeSpan[] {
  if (!Array.isArray(x)) return [];
  const out: TimeSpan[] = [];
  for (const v of x.slice(0, max)) {
    const s = readSpan(v);
    if (s) out.push(s);
  }
  return out;
}

/**
 * The report's `timing` object checked for drawing; null when there is none
 * or it has no duration (nothing to draw).
 *
 * @example
 * ```ts
 * readTiming({ duration: 2, seconds: { loss: 1.5, transfer: 0.5 }, intervals: [], stalls: [] })
 *   ?.seconds; // [0, 0, 0, 0, 1.5, 0, 0, 0.5]
 * readTiming(undefined); // null (e.g. an older report)
 * ```
 */
export function readTiming(x: unknown): TimingView | null {
  if (typeof x !== "object" || x === null) return null;
  const o = x as Record<string, unknown>;
  const duration = num(o.duration);
  if (duration === null || !(duration > 0)) return null;
  const sec = (typeof o.seconds === "object" && o.seconds !== null ? o.seconds : {}) as Record<
    string,
    unknown
  >;
  const seconds = TIME_CAUSES.map((c) => Math.max(0, num(sec[c.id]) ?? 0));
  if (!seconds.some((s) => s > 0)) return null;
  return {
    duration,
    seconds,
    intervals: readSpans(o.intervals, 1000),
    stalls: readSpans(o.stalls, 64),
  };
}

/** Seconds as the page prints them: "1.23 s", "5.79 ms", "12 µs". */
export function fmtSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 0.001) return `${(s * 1000).toPrecision(3)} ms`;
  return `${Math.round(s * 1e6)} µs`;
}

/** One segment of the time-attribution bar. */
export interface BarSegment {
  cause: string;
  letter: string;
  name: string;
  seconds: number;
  /** Share of the duration, 0..1. */
  share: number;
  /** Frames the cause's intervals cover (null when the timeline is not in the report). */
  firstFrame: number | null;
  lastFrame: number | null;
  /** How many intervals of the timeline it is made of. */
  intervals: number;
  /** The tooltip: "L loss recovery: 1.68 s (77%), frames 9–12 in 3 intervals". */
  title: string;
}

/**
 * The bar: one segment per cause that took any time, in {@link TIME_CAUSES}
 * order (the same order for every connection, so bars compare), with share,
 * seconds and the frames of its intervals.
 *
 * @example
 * ```ts
 * declare const timing: unknown; // one connection's `timing` from the report
 * const t = readTiming(timing);
 * const shares = t ? barSegments(t).map((s) => `${s.cause} ${Math.round(s.share * 100)}%`) : [];
 * ```
 */
export function barSegments(t: TimingView): BarSegment[] {
  const out: BarSegment[] = [];
  TIME_CAUSES.forEach((c, i) => {
    const seconds = t.seconds[i];
    if (!(seconds > 0)) return;
    let first: number | null = null, last: number | null = null, n = 0;
    for (const iv of t.intervals) {
      if (iv.cause !== c.id) continue;
      n++;
      first = first === null ? iv.firstFrame : Math.min(first, iv.firstFrame);
      last = last === null ? iv.lastFrame : Math.max(last, iv.lastFrame);
    }
    const share = Math.min(1, seconds / t.duration);
    const frames = first === null
      ? ""
      : `, frames ${first}–${last}` + (n > 1 ? ` in ${n} intervals` : "");
    out.push({
      cause: c.id,
      letter: c.letter,
      name: c.name,
      seconds,
      share,
      firstFrame: first,
      lastFrame: last,
      intervals: n,
      title: `${c.letter} ${c.name}: ${fmtSeconds(seconds)} (${pct(share)})${frames}`,
    });
  });
  return out;
}

/** A share as the legend prints it: "77%", "<1%". */
export function pct(share: number): string {
  const p = Math.round(share * 100);
  return p === 0 && share > 0 ? "<1%" : `${p}%`;
}

/**
 * The legend under the bar: causes with at least 0.5% of the time, largest
 * first, as the text report's time bar lists them ("L loss 62%").
 */
export function barLegend(segs: BarSegment[]): BarSegment[] {
  return segs.filter((s) => s.share >= 0.005).sort((a, b) => b.seconds - a.seconds);
}

/** One stall to shade. */
export interface StallBand {
  cause: string;
  kind: string;
  seconds: number;
  start: number;
  end: number;
  firstFrame: number;
  lastFrame: number;
  /** The text written on the band: "loss · rto 0.83 s". */
  label: string;
  /** A shorter one (the kind, or the cause, and the duration): "rto 0.83 s". */
  short: string;
  /** The tooltip, with side, frames and backoff. */
  title: string;
}

/**
 * The stalls of the report (its longest ones, docs/slow.md) in time order,
 * as bands to shade; [] when there is none.
 *
 * @example
 * ```ts
 * declare const timing: unknown; // one connection's `timing` from the report
 * const t = readTiming(timing);
 * const bands = t ? stallBands(t) : []; // e.g. [{ cause: "loss", kind: "rto", label: "loss · rto 0.43 s", … }]
 * ```
 */
export function stallBands(t: TimingView): StallBand[] {
  return t.stalls.slice().sort((a, b) => a.start - b.start || a.firstFrame - b.firstFrame).map(
    (s) => {
      const kind = s.kind && s.kind !== s.cause ? ` · ${s.kind}` : "";
      const back = s.backoff && s.backoff > 1 ? `, backoff ${s.backoff}` : "";
      return {
        cause: s.cause,
        kind: s.kind,
        seconds: s.seconds,
        start: s.start,
        end: s.start + s.seconds,
        firstFrame: s.firstFrame,
        lastFrame: s.lastFrame,
        label: `${s.cause}${kind} ${fmtSeconds(s.seconds)}`,
        short: `${s.kind || s.cause} ${fmtSeconds(s.seconds)}`,
        title: `stall: ${s.cause}${kind}, ${fmtSeconds(s.seconds)} (${s.side}${back}), ` +
          `frames ${s.firstFrame}–${s.lastFrame}`,
      };
    },
  );
}
