/**
 * Start-up benchmark: binary sizes and `tcpecho --version` wall time for the
 * compiled Bun binary, `deno run`, `bun run`, and the Deno binary (when
 * DENORT_BIN lets `deno compile` build one). Prints one table; not a test.
 *
 * Run: node_modules/.bin/bun bench/startup.ts   (or deno run -A bench/startup.ts)
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const ROOT = join(import.meta.dirname ?? ".", "..");
const BIN = join(ROOT, "node_modules", ".bin");
const RUNS = 15;
const tmp = mkdtempSync(join(tmpdir(), "tcpecho-startup-"));

function build(args: string[], cmd: string): boolean {
  const r = spawnSync(cmd, args, { cwd: ROOT, timeout: 300_000, env: process.env });
  return r.status === 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(cmd: string, args: string[]): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, timeout: 30_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const rows: [string, string, string][] = [];
const bunBin = join(tmp, "tcpecho");
if (
  build(["build", "--compile", "--minify", "cmd/main.ts", "--outfile", bunBin], join(BIN, "bun"))
) {
  rows.push([
    "bun compiled binary",
    `${(statSync(bunBin).size / 1e6).toFixed(1)} MB`,
    `${time(bunBin, ["--version"]).toFixed(1)} ms`,
  ]);
}
const denoBin = join(tmp, "tcpecho-deno");
if (
  process.env.DENORT_BIN &&
  build(
    ["compile", "--allow-read", "--allow-env", "--output", denoBin, "cmd/main.ts"],
    join(BIN, "deno"),
  )
) {
  rows.push([
    "deno compiled binary",
    `${(statSync(denoBin).size / 1e6).toFixed(1)} MB`,
    `${time(denoBin, ["--version"]).toFixed(1)} ms`,
  ]);
} else {
  rows.push([
    "deno compiled binary",
    "n/a",
    "DENORT_BIN not set (denort cannot be downloaded here)",
  ]);
}
rows.push([
  "bun cmd/main.ts",
  "-",
  `${time(join(BIN, "bun"), ["cmd/main.ts", "--version"]).toFixed(1)} ms`,
]);
rows.push([
  "deno run -A cmd/main.ts",
  "-",
  `${time(join(BIN, "deno"), ["run", "-A", "cmd/main.ts", "--version"]).toFixed(1)} ms`,
]);
if (existsSync("/usr/bin/socat")) {
  rows.push(["(peer) socat -V", "-", `${time("/usr/bin/socat", ["-V"]).toFixed(1)} ms`]);
}
const w = Math.max(...rows.map((r) => r[0].length));
console.log(`${"what".padEnd(w)}  ${"size".padEnd(9)}  --version (median of ${RUNS})`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w)}  ${b.padEnd(9)}  ${c}`);
