/**
 * One outcome -> exit-code table (issue 15): lib/errors.ts ExitCode is the
 * only place numbers appear; serve, connect, probe and the lab name them.
 * And confirmRefused (Bun's ECONNREFUSED second opinion) lives in lib/runtime/net.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as nodeNet from "node:net";
import { ExitCode } from "../../lib/errors.ts";
import { OUTCOME_EXIT, probeExitCode } from "../../lib/probe/stats.ts";
import { causeMeaning } from "../../lib/probe/keepalive_end.ts";
import { confirmRefused } from "../../lib/runtime/net/confirm.ts";
import { ROOT } from "../support/helpers.ts";
import { join } from "../support/path.ts";

test("exit codes/probe outcomes and watch ends come from ExitCode", () => {
  assert.deepEqual(OUTCOME_EXIT, {
    connected: ExitCode.ok,
    refused: ExitCode.refused,
    timeout: ExitCode.timedOut,
    unreachable: ExitCode.unreachable,
    error: ExitCode.error,
  });
  assert.equal(probeExitCode([{ outcome: "refused" }]), ExitCode.refused);
  assert.equal(causeMeaning("fin").exitCode, ExitCode.peerClosed);
  assert.equal(causeMeaning("ECONNRESET").exitCode, ExitCode.reset);
  assert.equal(causeMeaning("ETIMEDOUT").exitCode, ExitCode.timedOut);
  assert.equal(causeMeaning("EHOSTUNREACH").exitCode, ExitCode.unreachable);
});

test("exit codes/no literal exit-code numbers in serve, connect, probe, lab code", () => {
  const files = [
    ...["connect.ts", "connect_modes.ts", "serve.ts", "probe.ts", "probe_run.ts", "probe_watch.ts"]
      .map((f) => join(ROOT, "cmd", f)),
    ...["lib/echo", "lib/probe"].flatMap((d) =>
      readdirSync(join(ROOT, d)).filter((f) => f.endsWith(".ts")).map((f) => join(ROOT, d, f))
    ),
  ];
  const bad: string[] = [];
  for (const f of files) {
    readFileSync(f, "utf8").split("\n").forEach((line, i) => {
      if (/^\s*(\*|\/\/)/.test(line)) return;
      const literal = /exitCode: [0-9]|(refused|timeout|unreachable): [0-9],/.test(line) ||
        (f.includes(`${join("cmd", "")}`) && /return [1-7];|\? [0-7] : [0-7];/.test(line));
      if (literal) {
        bad.push(`${f}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(bad, []);
});

test("exit codes/confirmRefused: a real refusal stays ECONNREFUSED; other errnos pass through", async () => {
  const port = await new Promise<number>((resolve) => {
    const s = nodeNet.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as nodeNet.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  assert.deepEqual(await confirmRefused("ECONNREFUSED", "127.0.0.1", port, 2000), {
    errno: "ECONNREFUSED",
  });
  assert.deepEqual(await confirmRefused("ETIMEDOUT", "127.0.0.1", port, 2000), {
    errno: "ETIMEDOUT",
  });
});
