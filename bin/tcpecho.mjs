#!/usr/bin/env node
// tcpecho's launcher for machines that have only Node.js (`npm i -g`, `npx`).
// tcpecho is TypeScript for Bun or Deno, so this finds a runtime and runs
// cmd/main.ts with it:
//   1. TCPECHO_RUNTIME=bun|deno picks one; otherwise Bun first, then Deno;
//   2. each is looked for in this package's dependencies (the `bun` npm package,
//      or its platform package when npm skipped Bun's install script), then on PATH.
// Deno runs with -A: for least privilege run `deno run` yourself with the flags
// in docs/install.md. Signals (SIGINT, SIGTERM, SIGHUP) are passed to the
// runtime, and its exit code (or signal) becomes this process's.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { delimiter, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, "..", "cmd", "main.ts");
const require = createRequire(import.meta.url);

/** A real runtime binary (npm's placeholders before the install script are small). */
function isBinary(path) {
  try {
    return statSync(path).isFile() && statSync(path).size > 1_000_000;
  } catch {
    return false;
  }
}

/** The directory of an installed package, or undefined. */
function packageDir(name, from = require) {
  try {
    return dirname(from.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && isBinary(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const ARCH = { x64: "x64", arm64: "aarch64" }[process.arch] ?? process.arch;

function findBun() {
  const pkg = packageDir("bun");
  if (pkg) {
    const exe = join(pkg, "bin", "bun.exe");
    if (isBinary(exe)) return exe;
    // npm skipped Bun's postinstall: the binary is still in the platform package.
    const from = createRequire(join(pkg, "package.json"));
    for (const variant of [`${process.platform}-${ARCH}`, `${process.platform}-${ARCH}-musl`]) {
      const dir = packageDir(`@oven/bun-${variant}`, from);
      if (dir && isBinary(join(dir, "bin", "bun"))) return join(dir, "bin", "bun");
    }
  }
  return onPath("bun");
}

function findDeno() {
  const pkg = packageDir("deno");
  if (pkg) {
    if (isBinary(join(pkg, "deno"))) return join(pkg, "deno");
    const from = createRequire(join(pkg, "package.json"));
    const os = process.platform === "win32" ? "win32" : process.platform;
    const arch = process.arch === "arm64" ? "arm64" : "x64";
    const name = os === "linux" ? `@deno/linux-${arch}-glibc` : `@deno/${os}-${arch}`;
    const dir = packageDir(name, from);
    if (dir && isBinary(join(dir, "deno"))) return join(dir, "deno");
  }
  return onPath("deno");
}

function command() {
  const want = process.env.TCPECHO_RUNTIME;
  if (want !== undefined && want !== "bun" && want !== "deno") {
    fail(`TCPECHO_RUNTIME must be bun or deno, not '${want}'`);
  }
  if (want !== "deno") {
    const bun = findBun();
    if (bun) return [bun, [main]];
  }
  if (want !== "bun") {
    const deno = findDeno();
    if (deno) return [deno, ["run", "-A", "--no-check", ...denoFlags(process.argv.slice(2)), main]];
  }
  const how = want === "deno"
    ? "install Deno (https://deno.com) or unset TCPECHO_RUNTIME"
    : "reinstall tcpecho (its bun dependency is missing) or install Bun or Deno";
  fail(`cannot find ${want ?? "Bun or Deno"}: ${how}`);
}

/**
 * Deno: `explain` with worker threads runs with V8's smallest young
 * generation (1 MiB semi-spaces). V8 grows an isolate's young generation for
 * as long as anything survives, up to 16 MiB semi-spaces, and the reader of
 * `--threads 2` reached 210-220 MiB at four times the benchmark capture; with
 * this, 171-216 MiB (docs/threads.md). Only a start-up flag sets it. One
 * thread (the default below three cores) is left as it is. A semi-space size
 * set in DENO_V8_FLAGS is kept.
 */
function denoFlags(args) {
  if (args[0] !== "explain" || /semi-space/.test(process.env.DENO_V8_FLAGS ?? "")) return [];
  const at = args.findIndex((a) => a === "--threads" || a.startsWith("--threads="));
  const given = at < 0
    ? undefined
    : Number(args[at].includes("=") ? args[at].split("=")[1] : args[at + 1]);
  // Without --threads, explain uses a worker per core but its own on big captures.
  const threads = given ?? (cores() >= 3 ? 2 : 1);
  return threads >= 2 ? ["--v8-flags=--max-semi-space-size=1"] : [];
}

function cores() {
  return typeof os.availableParallelism === "function"
    ? os.availableParallelism()
    : os.cpus().length;
}

function fail(message) {
  process.stderr.write(`tcpecho: ${message}\n`);
  process.exit(1);
}

if (!existsSync(main)) fail(`cannot find ${main}`);
const [exe, pre] = command();
// Bun's heap is sized by the machine's RAM and grows to several times what is
// live before collecting; telling it the machine has 1 GB keeps explain's peak
// memory about 40% lower for about 10% more CPU (docs/reliability.md). A value
// the user set is kept.
const env = { ...process.env };
// Bun runs as [main], Deno as ["run", ...].
if (pre.length === 1 && env.BUN_JSC_forceRAMSize === undefined) {
  env.BUN_JSC_forceRAMSize = "1000000000";
}
const child = spawn(exe, [...pre, ...process.argv.slice(2)], { stdio: "inherit", env });
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const forward = (sig) => {
  try {
    child.kill(sig);
  } catch { /* already gone */ }
};
for (const sig of SIGNALS) process.on(sig, forward);
child.on("error", (e) => fail(`cannot start ${exe}: ${e.message}`));
watchNpm();
child.on("exit", (code, signal) => {
  for (const sig of SIGNALS) process.off(sig, forward);
  if (signal) {
    // Die of the same signal, so a shell sees what the runtime saw.
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + 15), 1000).unref();
  } else process.exit(code ?? 1);
});

/** The parent of a process (Linux /proc), or undefined. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * Under `npx tcpecho` / `npm exec` we run as npm -> sh -> node, and npm exits
 * on SIGTERM without passing it on (npm 11), so `npx tcpecho serve & kill $!`
 * would leave the server running. When the npm process above us goes away,
 * stop the runtime as if it had been sent SIGTERM. Linux only (/proc).
 */
function watchNpm() {
  if (!process.env.npm_command || process.platform !== "linux") return;
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  if (grandparent === undefined) return;
  const timer = setInterval(() => {
    if (process.ppid !== parent || parentOf(parent) !== grandparent) {
      clearInterval(timer);
      forward("SIGTERM");
    }
  }, 250);
  timer.unref();
}
