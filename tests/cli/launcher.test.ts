/**
 * The Node.js launcher (bin/tcpecho.mjs, the `bin` of the npm package): it
 * runs cmd/main.ts with the bundled Bun (or Deno), passes the exit code back
 * and forwards signals, so `tcpecho serve & kill $!` stops the server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { haveCommand, ROOT, skipUnless } from "../support/helpers.ts";

const LAUNCHER = join(ROOT, "bin", "tcpecho.mjs");
const SKIP = skipUnless(haveCommand("node"), "Node.js is not installed");

function launch(args: string[], env: Record<string, string> = {}) {
  return spawnSync("node", [LAUNCHER, ...args], {
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 30_000,
  });
}

/** The children of a process (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch { /* gone */ }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("launcher: node bin/tcpecho.mjs --version runs the bundled runtime", {
  skip: SKIP,
  timeout: 60_000,
}, () => {
  for (const runtime of ["bun", "deno"]) {
    const r = launch(["--version"], { TCPECHO_RUNTIME: runtime });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.match(r.stdout.toString(), new RegExp(`^tcpecho \\d+\\.\\d+\\.\\d+ \\(${runtime} `));
  }
});

test("launcher: the exit code comes back (usage error: 2)", { skip: SKIP, timeout: 30_000 }, () => {
  const r = launch(["explain", "--bogus"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr.toString(), /Unknown option --bogus/);
});

/**
 * Starts `serve` through `argv` (the launcher, or npx), sends SIGTERM to the
 * process `target` picks, and checks that the server process is gone.
 */
async function serveThenTerm(
  argv: string[],
  target: (started: number) => number,
) {
  const child = spawn(argv[0], [...argv.slice(1), "serve", "--host", "127.0.0.1", "--port", "0"], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  let exit: number | null | undefined;
  child.on("exit", (code) => (exit = code));
  const deadline = Date.now() + 45_000;
  while (!/listening on tcp \S+:\d+/.test(out) && exit === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = /listening on tcp \S+:(\d+)/.exec(out);
  assert.ok(m, `serve did not start: ${out}${err}`);
  const port = Number(m[1]);
  const server = descendants(child.pid!).find((pid) => /cmd\/main\.ts\0serve/.test(cmdline(pid)));
  assert.ok(server, "found the server process");
  // Every process started for this server (the launcher and all below it).
  const tree = [child.pid!, ...descendants(child.pid!)];
  // process.kill, not child.kill: Deno reports a child it signalled itself as
  // killed by the signal even when it exited 0.
  process.kill(target(child.pid!), "SIGTERM");
  const gone = Date.now() + 15_000;
  while (alive(server) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(server), false, "the server process is gone");
  const end = Date.now() + 10_000;
  while (exit === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  // No process of the tree is left to hold the listening socket. (Connecting to
  // the port proved nothing: a test running beside this one can be given the
  // port just freed; seen once.)
  while (tree.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    tree.filter(alive),
    [],
    `no process of the launcher's tree is left (port ${port})`,
  );
  return { exit, err };
}

/** Every descendant of a process, parents first. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const c of childrenOf(pid)) out.push(c, ...descendants(c));
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

const LINUX = skipUnless(process.platform === "linux", "reads /proc for the child");

test("launcher: SIGTERM to the launcher stops the server it started", {
  skip: SKIP || LINUX,
  timeout: 60_000,
}, async () => {
  const r = await serveThenTerm(["node", LAUNCHER], (launcher) => launcher);
  assert.equal(r.exit, 0, `launcher exit; stderr: ${r.err}`);
  assert.match(r.err, /shutting down/);
});

test("launcher: npx tcpecho serve, then SIGTERM to npm: the server is gone too", {
  skip: SKIP || LINUX || skipUnless(haveCommand("npx"), "npx is not installed"),
  timeout: 90_000,
}, async () => {
  // npm exits on SIGTERM without passing it on; the launcher notices.
  await serveThenTerm(["npx", "--offline", "--yes", "."], (npm) => npm);
});

test("launcher: Deno's explain with worker threads runs with the smallest young generation", {
  skip: SKIP || LINUX,
  timeout: 60_000,
}, async () => {
  const FLAG = "--v8-flags=--max-semi-space-size=1";
  // The runtime's command line, while explain waits on an open standard input.
  const runtimeArgs = async (args: string[]) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      NO_COLOR: "1",
      TCPECHO_RUNTIME: "deno",
    };
    delete env.DENO_V8_FLAGS; // (an empty one stops Deno)
    const child = spawn("node", [LAUNCHER, ...args], {
      env,
      stdio: ["pipe", "ignore", "ignore"],
    });
    try {
      const deadline = Date.now() + 30_000;
      let line = "";
      while (!line && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        line = descendants(child.pid!).map(cmdline).find((c) => /cmd\/main\.ts\0explain/.test(c)) ??
          "";
      }
      assert.ok(line, "found the runtime");
      return line.split("\0");
    } finally {
      child.stdin.end();
      child.kill("SIGTERM");
    }
  };
  assert.ok((await runtimeArgs(["explain", "--threads", "2", "-"])).includes(FLAG));
  assert.ok((await runtimeArgs(["explain", "--threads=3", "--summary", "-"])).includes(FLAG));
  assert.ok(!(await runtimeArgs(["explain", "--threads", "1", "-"])).includes(FLAG));
});
