/**
 * Least privilege under Deno: each command runs with exactly the permissions
 * docs/install.md lists, and with one fewer it fails with one line naming the
 * flag to add (no stack trace). Deno only: Bun has no permissions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { ROOT, RUNTIME, skipUnless, tempDir } from "../support/helpers.ts";

const SKIP = skipUnless(RUNTIME === "deno", "Deno only: Bun has no permission flags");
const MAIN = join(ROOT, "cmd", "main.ts");
const SAMPLE = join(ROOT, "samples", "server-process-terminated.pcap");

/**
 * The Deno binary by its node_modules/.bin path: Deno's node:child_process
 * rewrites a child command that is its own executable (process.execPath) and
 * gives it every permission, so that path would not test anything.
 */
const DENO = join(ROOT, "node_modules", ".bin", "deno");

/** The command line that runs the CLI with exactly `perms`, never prompting. */
function denoArgv(perms: string[], args: string[]): string[] {
  return ["run", "--no-prompt", "--no-check", ...perms, MAIN, ...args];
}

/** Runs the CLI under Deno with exactly `perms`. */
function deno(perms: string[], args: string[], input = "") {
  const r = spawnSync(DENO, denoArgv(perms, args), {
    cwd: ROOT,
    input,
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Asserts the one-line permission message naming `flag`. */
function assertNeeds(r: { code: number | null; stderr: string }, flag: string) {
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(lines[0], new RegExp(`^tcpecho: Deno was not allowed .*run it with ${flag}$`));
  assert.doesNotMatch(r.stderr, /\n\s+at |NotCapable|Uncaught/);
}

/** An echo server on 127.0.0.1 in this process. */
async function echoServer(): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("no address");
  return { port: addr.port, server };
}

test("permissions: --help, --version and completions need none", { skip: SKIP }, () => {
  for (const args of [["--help"], ["--version"], ["explain", "--help"], ["completions", "bash"]]) {
    const r = deno([], args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr, "");
  }
});

test("permissions: explain needs --allow-read only", {
  skip: SKIP || skipUnless(existsSync(SAMPLE), "samples/ is absent"),
}, () => {
  const ok = deno([`--allow-read=${SAMPLE}`], ["explain", SAMPLE, "--summary"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /server-process-terminated/);
  assertNeeds(deno([], ["explain", SAMPLE, "--summary"]), "--allow-read");
});

test("permissions: explain -o FILE adds --allow-write for that file", {
  skip: SKIP || skipUnless(existsSync(SAMPLE), "samples/ is absent"),
}, () => {
  const dir = tempDir("tcpecho-perm-");
  try {
    const out = join(dir.path, "report.html");
    const args = ["explain", SAMPLE, "--format", "html", "-o", out];
    const ok = deno([`--allow-read=${SAMPLE}`, `--allow-write=${out}`], args);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(existsSync(out));
    assertNeeds(deno([`--allow-read=${SAMPLE}`], args), "--allow-write");
  } finally {
    dir.cleanup();
  }
});

test("permissions: connect needs --allow-net only", { skip: SKIP }, async () => {
  const { port, server } = await echoServer();
  try {
    const args = ["connect", "127.0.0.1", String(port)];
    const ok = await denoAsync(["--allow-net=127.0.0.1"], args, "hi\n");
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "hi\n");
    assertNeeds(await denoAsync([], args, "hi\n"), "--allow-net");
    assertNeeds(await denoAsync([], ["connect", "localhost", String(port)], "hi\n"), "--allow-net");
  } finally {
    server.close();
  }
});

test("permissions: probe needs --allow-net only", { skip: SKIP }, async () => {
  const { port, server } = await echoServer();
  try {
    const args = ["probe", "127.0.0.1", String(port), "--count", "1"];
    const ok = await denoAsync(["--allow-net=127.0.0.1"], args);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /connected/);
    assertNeeds(await denoAsync([], args), "--allow-net");
    assertNeeds(
      await denoAsync([], ["probe", "localhost", String(port), "--count", "1"]),
      "--allow-net",
    );
  } finally {
    server.close();
  }
});

test("permissions: serve needs --allow-net only", { skip: SKIP, timeout: 30_000 }, async () => {
  const args = ["serve", "--host", "127.0.0.1", "--port", "0"];
  const child = spawn(DENO, denoArgv(["--allow-net"], args), {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  const deadline = Date.now() + 20_000;
  while (!/listening on/.test(err) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(err, /listening on/, err);
  // process.kill, not child.kill: Deno reports a child it signalled itself as
  // killed by the signal even when it exited 0.
  process.kill(child.pid!, "SIGTERM");
  assert.equal(await exited, 0, err);
  assertNeeds(deno([], args), "--allow-net");
});

test("permissions: lab names every flag it lacks", { skip: SKIP }, () => {
  const list = deno([], ["lab", "--list"]);
  assert.equal(list.code, 0, list.stderr);
  const r = deno(["--allow-read", "--allow-write", "--allow-env", "--allow-sys"], [
    "lab",
    "normal",
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--allow-run/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

/** Like {@link deno}, without blocking this process (the echo server runs here). */
function denoAsync(perms: string[], args: string[], input = "") {
  const child = spawn(DENO, denoArgv(perms, args), {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
