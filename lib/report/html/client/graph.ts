/**
 * Browser side: draws one direction's Stevens graph with uPlot (embedded in the
 * page as the global `uPlot`). Each sent segment is a vertical bar from seq to
 * seq+len (as tcptrace draws it) with a dot at its top; retransmissions are
 * red, segments after a capture gap orange rings, keepalive probes purple, the ACK line and the
 * advertised-window line are step lines; the connection's stalls (docs/slow.md)
 * are shaded time intervals in their cause's colour, labelled. Drag to zoom (x and y), double-click
 * to reset.
 * @module
 */
import type uPlot from "uplot";
import { stevensSeries } from "../stevens.ts";
import type { ReportConnection } from "../types.ts";
import { readTiming, type StallBand, stallBands } from "../timebar.ts";

type UPlotCtor = typeof uPlot;

function uPlotGlobal(): UPlotCtor {
  return (globalThis as unknown as { uPlot: UPlotCtor }).uPlot;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function barsHook(start: (number | null)[], top: (number | null)[][], colors: string[]) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    const xs = u.data[0];
    const min = u.scales.x.min ?? -Infinity;
    const max = u.scales.x.max ?? Infinity;
    ctx.save();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    top.forEach((series, k) => {
      ctx.beginPath();
      ctx.strokeStyle = colors[k];
      ctx.lineWidth = 1.5 * devicePixelRatio;
      for (let i = 0; i < xs.length; i++) {
        const t = series[i];
        const s = start[i];
        if (t === null || s === null || xs[i] < min || xs[i] > max) continue;
        const x = u.valToPos(xs[i], "x", true);
        ctx.moveTo(x, u.valToPos(s, "y", true));
        ctx.lineTo(x, u.valToPos(t, "y", true));
      }
      ctx.stroke();
    });
    ctx.restore();
  };
}

/**
 * The connection's stalls as shaded time intervals behind the series, each
 * labelled with its cause and duration at the top of the plot.
 */
function stallHook(bands: StallBand[], fg: string, el: HTMLElement) {
  return (u: uPlot) => {
    if (bands.length === 0) return;
    const drawn: string[] = [];
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textBaseline = "top";
    // Labels go in the first of three rows where they do not overlap the previous one.
    const rowEnd = [-Infinity, -Infinity, -Infinity];
    const dpr = devicePixelRatio;
    for (const b of bands) {
      const x1 = u.valToPos(b.start, "x", true);
      const x2 = Math.max(x1 + 2 * dpr, u.valToPos(b.end, "x", true));
      if (x2 < left || x1 > left + width) continue;
      ctx.fillStyle = cssVar(`--tc-${b.cause}`) || cssVar("--muted");
      ctx.globalAlpha = 0.2;
      ctx.fillRect(x1, top, x2 - x1, height);
      drawn.push(`${Math.round(x1)}:${Math.round(x2)}`);
      ctx.globalAlpha = 1;
      ctx.fillStyle = fg;
      const x = Math.max(left, x1) + 3 * dpr;
      // The cause too when the band is wide enough for it.
      const text = ctx.measureText(b.label).width <= x2 - x1 ? b.label : b.short;
      const w = ctx.measureText(text).width;
      const r = rowEnd.findIndex((end) => x > end + 6 * dpr);
      if (r < 0) continue;
      rowEnd[r] = x + w;
      ctx.fillText(text, x, top + (3 + r * 13) * dpr);
    }
    ctx.restore();
    // Where the bands went (canvas pixels), for tests.
    el.dataset.stallpx = drawn.join(" ");
  };
}

/** Decimals needed to print multiples of `step` exactly (0.0005 -> 4). */
function decimalsFor(step: number): number {
  let d = 0;
  while (d < 9 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-6) d++;
  return d;
}

/**
 * The y range: the data and the ACK line, plus the window line when it is
 * within 4× of them (otherwise it would flatten the data; it is then cut off).
 */
function yRange(g: ReturnType<typeof stevensSeries>): [number, number] {
  const max = (a: (number | null)[]) =>
    a.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  const min = (a: (number | null)[]) =>
    a.reduce<number>((m, v) => (v !== null && v < m ? v : m), Infinity);
  const top = Math.max(max(g.sent), max(g.retrans), max(g.ack), max(g.keepalive), 1);
  const bottom = Math.min(min(g.start), min(g.ack), 0);
  const win = max(g.window);
  const hi = win > top && win <= 4 * top ? win : top;
  return [bottom, hi + (hi - bottom) * 0.08];
}

/**
 * Draws the graph of the data `sender` sent into `el`; returns the uPlot instance.
 *
 * @example
 * ```ts
 * import type { ReportConnection } from "../types.ts";
 * declare const conn: ReportConnection; // unpacked from the page's data
 * drawStevens(document.querySelector<HTMLElement>(".graph")!, conn, "client", 1000);
 * ```
 */
export function drawStevens(
  el: HTMLElement,
  conn: ReportConnection,
  sender: "client" | "server",
  width: number,
): uPlot {
  const g = stevensSeries(conn, sender);
  const U = uPlotGlobal();
  const fg = cssVar("--fg");
  const line = cssVar("--line");
  const sent = cssVar("--sent");
  const retrans = cssVar("--retrans");
  const lost = cssVar("--lost");
  const stepped = U.paths.stepped!({ align: 1 });
  const none = () => null;
  const axis = { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  const timeValues = (_u: uPlot, splits: number[]) => {
    const d = decimalsFor(splits.length > 1 ? splits[1] - splits[0] : 1);
    return splits.map((v) => v.toFixed(d));
  };
  el.dataset.sent = String(g.counts.sent);
  el.dataset.retrans = String(g.retrans.filter((v) => v !== null).length);
  el.dataset.lost = String(g.lost.filter((v) => v !== null).length);
  el.dataset.acks = String(g.counts.acks);
  el.dataset.keepalives = String(g.counts.keepalives);
  const timing = readTiming(conn.timing);
  const stalls = timing === null ? [] : stallBands(timing);
  el.dataset.stalls = stalls.map((b) => `${b.cause}:${b.kind}`).join(" ");
  const opts: uPlot.Options = {
    width,
    height: 340,
    scales: { x: { time: false }, y: { range: yRange(g) } },
    cursor: { drag: { x: true, y: true, uni: 40 } },
    legend: { live: true },
    axes: [
      { ...axis, label: "time since capture start (s)", values: timeValues },
      { ...axis, label: "relative sequence number", size: 80 },
    ],
    series: [
      { label: "t (s)" },
      {
        label: "sent (seq+len)",
        stroke: sent,
        paths: none,
        points: { show: true, size: 4, fill: sent, stroke: sent },
      },
      {
        label: "retransmission",
        stroke: retrans,
        paths: none,
        points: { show: true, size: 9, fill: retrans, stroke: retrans },
      },
      {
        label: "after capture gap (lost)",
        stroke: lost,
        paths: none,
        points: { show: true, size: 11, width: 2, fill: "transparent", stroke: lost },
      },
      {
        label: "keepalive probe",
        stroke: cssVar("--keepalive"),
        paths: none,
        points: { show: true, size: 9, fill: cssVar("--keepalive"), stroke: cssVar("--keepalive") },
      },
      {
        label: "ACK",
        stroke: cssVar("--ackline"),
        width: 1.5,
        paths: stepped,
        spanGaps: true,
        points: { show: false },
      },
      {
        label: "ACK + window",
        stroke: cssVar("--winline"),
        width: 1,
        dash: [5, 4],
        paths: stepped,
        spanGaps: true,
        points: { show: false },
      },
    ],
    hooks: {
      drawClear: [stallHook(stalls, fg, el)],
      draw: [barsHook(g.start, [g.sent, g.retrans], [sent, retrans])],
      setScale: [(u: uPlot, key: string) => {
        if (key === "x") el.dataset.xrange = `${u.scales.x.min},${u.scales.x.max}`;
      }],
    },
  };
  const data = [g.time, g.sent, g.retrans, g.lost, g.keepalive, g.ack, g.window];
  return new U(opts, data as uPlot.AlignedData, el);
}
