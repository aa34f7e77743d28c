/**
 * `connect --clients N` beyond the descriptor limit (issue 12): before, Bun
 * said ECONNREFUSED (the real error was EMFILE) and Deno panicked ("Too many
 * open files"). Now both name EMFILE and the limit, and exit 1.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { cliArgv, EXEC, ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { startServe } from "../support/echo_helpers.ts";

function underLimit(limit: number, argv: string[]) {
  const r = spawnSync("sh", ["-c", `ulimit -n ${limit} && exec "$0" "$@"`, EXEC, ...argv], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 30_000,
  });
  return { code: r.status, out: `${r.stdout}`, err: `${r.stderr}` };
}

test("connect limits/--clients 300 under ulimit -n 128: EMFILE and the limit named, exit 1", {
  timeout: 60_000,
}, async () => {
  const srv = await startServe(["--log", "none"]);
  try {
    const argv = cliArgv(["connect", "127.0.0.1", String(srv.port), "--clients", "300"]);
    const r = underLimit(128, [...argv, "--duration", "0.5"]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /LOAD .*: \d+\/300 clients connected/);
    assert.match(r.out, /errors: .*EMFILE \d+ \(too many open files.*ulimit -n 128\)/);
    assert.doesNotMatch(r.out + r.err, /panic|ECONNREFUSED/);
  } finally {
    await srv.stop();
  }
});

test("connect limits/a connect with no descriptor left fails EMFILE, not ECONNREFUSED", {
  timeout: 60_000,
}, async () => {
  const srv = await startServe(["--log", "none"]);
  try {
    const script = join(ROOT, "tests", "support", "emfile_connect.ts");
    const argv = cliArgv([]).slice(0, -1).concat(script, String(srv.port));
    const r = underLimit(64, argv);
    assert.match(r.out, /code=EMFILE/, r.out + r.err);
  } finally {
    await srv.stop();
  }
});
