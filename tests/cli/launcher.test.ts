/**
 * The Node.js launcher (bin/tcpecho.mjs, the `bin` of the npm package): it
 * runs cmd/main.ts with the bundled Bun (or Deno), passes the exit code back
 * and forwards signals, so `tcpecho serve & kill $!` stops the server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
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

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.on("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.on("error", () => resolve(true));
  });
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

test("launcher: SIGTERM to the launcher stops the server it started", {
  skip: SKIP || skipUnless(process.platform === "linux", "reads /proc for the child"),
  timeout: 60_000,
}, async () => {
  const child = spawn("node", [LAUNCHER, "serve", "--host", "127.0.0.1", "--port", "0"], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  let exit: number | null | undefined;
  child.on("exit", (code) => (exit = code));
  const deadline = Date.now() + 20_000;
  while (!/listening on tcp \S+:\d+/.test(out) && exit === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = /listening on tcp \S+:(\d+)/.exec(out);
  assert.ok(m, `serve did not start: ${out}${err}`);
  const port = Number(m[1]);
  const servers = childrenOf(child.pid!);
  assert.equal(servers.length, 1, "the launcher runs one child");
  // process.kill, not child.kill: Deno reports a child it signalled itself as
  // killed by the signal even when it exited 0.
  process.kill(child.pid!, "SIGTERM");
  const end = Date.now() + 15_000;
  while (exit === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.equal(exit, 0, `launcher exit; stderr: ${err}`);
  const gone = Date.now() + 5_000;
  while (alive(servers[0]) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
  assert.equal(alive(servers[0]), false, "the server process is gone");
  assert.equal(await refused(port), true, "nothing listens on the port any more");
  assert.match(err, /shutting down/);
});
