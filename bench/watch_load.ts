/**
 * CPU and memory of `tcpecho watch` under a loopback load: RATE new
 * connections per second for SECONDS (each writes 64 bytes, reads the echo,
 * closes) against `tcpecho serve`, while watch (on RUNTIME) reports each as
 * ndjson --summary. Prints one JSON line: connections made and reported, the
 * watch's CPU seconds and share, its peak RSS, and its idle CPU before the load.
 *
 * Usage (root): bun bench/watch_load.ts [deno|bun] [RATE=200] [SECONDS=20] [BACKEND=ffi]
 * @module
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as net from "node:net";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const [which = "bun", rateArg = "200", secsArg = "20", backend = "ffi"] = process.argv.slice(2);
const RATE = Number(rateArg), SECS = Number(secsArg);
const bin = join(ROOT, "node_modules", ".bin", which);
const main = join(ROOT, "cmd", "main.ts");
const cli = (args: string[]) =>
  spawn(bin, which === "deno" ? ["run", "-A", "--no-check", main, ...args] : [main, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(pred: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`no ${what} in ${ms} ms`);
    await sleep(20);
  }
}

/** utime + stime of a process, in seconds. */
function cpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / 100;
}
function hwm(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

const srv = cli(["serve", "--port", "0", "--host", "127.0.0.1"]);
const children = [srv];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});
let srvOut = "";
srv.stdout!.on("data", (d) => (srvOut += d));
await until(() => /listening on tcp \S+:\d+/.test(srvOut), 20_000, "serve");
const port = Number(/listening on tcp \S+:(\d+)/.exec(srvOut)![1]);
const w = cli([
  "watch",
  "-i",
  "lo",
  "--capture",
  backend,
  "--format",
  "ndjson",
  "--summary",
  `tcp port ${port}`,
]);
children.push(w);
let lines = 0, err = "";
w.stdout!.on("data", (d: Buffer) => {
  for (const b of d) if (b === 10) lines++;
});
w.stderr!.on("data", (d) => (err += d));
await until(() => /capturing on/.test(err), 20_000, "watch start").catch((e) => {
  console.error(String(e), err);
  process.exit(1);
});
const c0 = cpu(w.pid!);
await sleep(5000);
const idle = (cpu(w.pid!) - c0) / 5;
let made = 0, done = 0, failed = 0;
const one = () => {
  made++;
  const s = net.connect({ port, host: "127.0.0.1" }, () => s.write(Buffer.alloc(64, 97)));
  s.on("data", () => s.end());
  s.on("close", () => done++);
  s.on("error", () => failed++);
};
const c1 = cpu(w.pid!);
const t1 = Date.now();
const timer = setInterval(() => {
  const due = Math.floor(((Date.now() - t1) / 1000) * RATE);
  while (made < due && made < RATE * SECS) one();
}, 5);
await until(() => made >= RATE * SECS, SECS * 1000 + 30_000, "the load");
clearInterval(timer);
await until(() => done + failed >= made, 30_000, "connections to close");
const loadS = (Date.now() - t1) / 1000;
await until(() => lines >= done, 30_000, `watch to report (${lines}/${done})`).catch(() => {});
const c2 = cpu(w.pid!);
const peak = hwm(w.pid!);
process.kill(w.pid!, "SIGINT");
await until(() => w.exitCode !== null, 15_000, "watch exit").catch(() => w.kill("SIGKILL"));
srv.kill("SIGTERM");
console.log(JSON.stringify({
  runtime: which,
  backend,
  rate: RATE,
  seconds: SECS,
  made,
  closed: done,
  failed,
  reported: lines,
  loadSeconds: Number(loadS.toFixed(1)),
  watchCpuSeconds: Number((c2 - c1).toFixed(2)),
  watchCpuShare: Number(((c2 - c1) / loadS).toFixed(3)),
  idleCpuShare: Number(idle.toFixed(3)),
  peakRssMiB: Number((peak / 2 ** 20).toFixed(1)),
  dropped: /(\d+) dropped/.exec(err)?.[1] ?? "0",
}));
process.exit(0);
