/**
 * The load generator for bench/watch_load.ts, in its own process so its CPU
 * is not the watch's: RATE new TCP connections per second for SECONDS to
 * HOST:PORT (an echo server); each writes 64 bytes, reads the echo and
 * closes. Connections are started on a schedule (every 2 ms, as many as are
 * due), so a slow second is caught up, and the achieved rate is measured.
 * Writes each completed connection's local port, one a line, to PORTS_FILE,
 * and prints one JSON line: started, completed, failed, the seconds it took
 * to start them all, the achieved rate, and the slowest one-second window.
 *
 * Usage: bun bench/conn_load.ts HOST PORT RATE SECONDS PORTS_FILE
 * @module
 */
import { writeFileSync } from "node:fs";
import * as net from "node:net";
import process from "node:process";

const [host = "127.0.0.1", portArg = "9877", rateArg = "1000", secsArg = "10", file = ""] = process
  .argv.slice(2);
const PORT = Number(portArg), RATE = Number(rateArg), SECS = Number(secsArg);
const TOTAL = RATE * SECS;
const payload = Buffer.alloc(64, 97);
const ports: number[] = [];
let started = 0, completed = 0, failed = 0, open = 0, maxOpen = 0;
/** Connections started in each whole second since t0. */
const perSecond: number[] = [];
const errors = new Map<string, number>();

function one(): void {
  started++;
  open++;
  if (open > maxOpen) maxOpen = open;
  let local = 0, echoed = false;
  const s = net.connect({ port: PORT, host }, () => {
    local = s.localPort ?? 0;
    s.write(payload);
  });
  s.on("data", () => {
    if (!echoed) s.end();
    echoed = true;
  });
  s.on("error", (e: Error & { code?: string }) => {
    const k = e.code ?? e.message;
    errors.set(k, (errors.get(k) ?? 0) + 1);
  });
  s.on("close", () => {
    open--;
    if (echoed && local !== 0) {
      completed++;
      ports.push(local);
    } else failed++;
  });
}

const t0 = performance.now();
let lastStart = t0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const now = performance.now();
    const due = Math.min(TOTAL, Math.floor(((now - t0) / 1000) * RATE));
    const sec = Math.floor((now - t0) / 1000);
    while (started < due) {
      one();
      perSecond[sec] = (perSecond[sec] ?? 0) + 1;
      lastStart = now;
    }
    if (started >= TOTAL) {
      clearInterval(timer);
      resolve();
    }
  }, 2);
});
const startSeconds = (lastStart - t0) / 1000;
const end = performance.now() + 30_000;
while (completed + failed < started && performance.now() < end) {
  await new Promise((r) => setTimeout(r, 20));
}
if (file !== "") writeFileSync(file, ports.join("\n") + "\n");
const full = Array.from({ length: Math.floor(startSeconds) }, (_, i) => perSecond[i] ?? 0);
console.log(JSON.stringify({
  rate: RATE,
  seconds: SECS,
  started,
  completed,
  failed,
  errors: Object.fromEntries(errors),
  startSeconds: Number(startSeconds.toFixed(2)),
  achievedRate: Math.round(started / Math.max(startSeconds, 1e-3)),
  slowestSecond: full.length > 0 ? Math.min(...full) : null,
  maxOpen,
  cpuSeconds: Number(
    ((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(2),
  ),
}));
process.exit(0);
