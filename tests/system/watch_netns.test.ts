/**
 * `tcpecho watch` inside a client network namespace (198.18.70.0/24): a
 * refused connection and an echo exchange with `tcpecho serve` in the server
 * namespace; watch must give the same verdicts explain gives on tcpdump's
 * capture of the same traffic, on each runtime.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { join } from "node:path";
import { runConnect, waitFor } from "../support/echo_helpers.ts";
import { cliArgv, EXEC, ROOT, runCli, skipUnless, tempDir } from "../support/helpers.ts";
import { createNsPair, netnsSkipReason } from "../support/netns.ts";
import { startWatch } from "../support/watch.ts";

const reason = netnsSkipReason(["ip", "tcpdump"]);
const skip = skipUnless(!reason, reason);

test("watch netns: refused and normal connections get explain's verdicts on tcpdump's capture", {
  skip,
  timeout: 90_000,
}, async () => {
  const ns = createNsPair("wn", 70);
  const dir = tempDir();
  const file = join(dir.path, "tcpdump.pcap");
  const procs: { kill(s?: NodeJS.Signals): boolean; exitCode: number | null }[] = [];
  try {
    // The server: tcpecho serve on 9877; nothing listens on 9878 (refused).
    const srv = spawn("ip", [
      "netns",
      "exec",
      ns.server,
      EXEC,
      ...cliArgv(["serve", "--port", "9877", "--host", ns.serverAddr]),
    ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    procs.push(srv);
    let srvOut = "";
    srv.stdout!.on("data", (d) => (srvOut += d));
    await waitFor(() => srvOut.includes("listening"), 15_000, "serve in the server namespace");
    // The reference: tcpdump on the client side.
    const td = spawn("ip", [
      "netns",
      "exec",
      ns.client,
      "tcpdump",
      "-Z",
      "root",
      "-i",
      "any",
      "-U",
      "--immediate-mode",
      "-n",
      "-w",
      file,
      "tcp",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    procs.push(td);
    let tdErr = "";
    let tdDone = false;
    td.stderr!.on("data", (d) => (tdErr += d));
    td.on("exit", () => (tdDone = true));
    await waitFor(() => /listening on/.test(tdErr), 15_000, "tcpdump");
    const w = await startWatch(["-i", "any", "--format", "ndjson", "--summary", "tcp"], ns.client);
    try {
      const refused = runConnect([ns.serverAddr, "9878"], "", { netns: ns.client });
      assert.equal(refused.code, 5, refused.stderr);
      const ok = runConnect([ns.serverAddr, "9877", "-c", "2", "-i", "0.1"], "", {
        netns: ns.client,
      });
      assert.equal(ok.code, 0, ok.stderr);
      await waitFor(() => w.out().trim().split("\n").length >= 2, 15_000, "two verdicts");
      assert.equal(await w.stop("SIGINT"), 0, w.err());
    } finally {
      await w.stop();
    }
    process.kill(td.pid!, "SIGINT");
    await waitFor(() => tdDone, 10_000, `tcpdump exit (${tdErr})`);
    const watched = w.out().trim().split("\n").map((l) => JSON.parse(l));
    const ex = runCli(["explain", "--format", "ndjson", "--summary", file]);
    assert.equal(ex.code, 0, ex.stderr);
    const explained = ex.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const key = (r: { client: { port: number }; server: { port: number }; scenario: string }) =>
      `${r.client.port}->${r.server.port} ${r.scenario}`;
    assert.deepEqual(watched.map(key).sort(), explained.map(key).sort());
    assert.deepEqual(watched.map((r) => r.scenario).sort(), ["connection-refused", "normal"]);
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
    ns.destroy();
    if (!process.env.KEEP_WATCH_TMP) dir.cleanup();
    else console.log(dir.path);
  }
});
