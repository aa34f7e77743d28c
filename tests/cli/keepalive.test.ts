import { test } from "node:test";
import assert from "node:assert/strict";
import { EXEC, ROOT, RUNTIME } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import {
  type InProcessPeer,
  loopbackPeer,
  type Running,
  start,
  startCli,
} from "../support/probe_run.ts";

const FAST = ["--keepidle", "1", "--keepintvl", "1", "--keepcnt", "2"];

/** Runs `fn` with the echo peer listening on 127.0.0.1 (ephemeral port), then stops the peer. */
async function withLoopbackPeer(
  fn: (peer: InProcessPeer, port: number) => Promise<void>,
): Promise<void> {
  const { peer, port } = await loopbackPeer("127.0.0.1");
  try {
    await fn(peer, port);
  } finally {
    peer.kill();
  }
}

/** `tcpecho probe 127.0.0.1 PORT ...args` under the test's runtime. */
function probeLoopback(port: number, args: string[]): Running {
  return startCli(["probe", "127.0.0.1", String(port), ...args]);
}

test("keepalive: live peer/--duration reached, settings read back, probes answered, exit 0", async () => {
  await withLoopbackPeer(async (_peer, port) => {
    const cli = probeLoopback(port, ["--keepalive", ...FAST, "--duration", "2.6"]);
    assert.equal(await cli.exit(20_000), 0, cli.stderr());
    const out = cli.stdout();
    assert.match(
      out,
      /keepalive: SO_KEEPALIVE on, TCP_KEEPIDLE 1 s, TCP_KEEPINTVL 1 s, TCP_KEEPCNT 2 \(read back; libc setsockopt via (Deno\.dlopen|bun:ffi), fd \d+\)/,
    );
    assert.match(out, /end: after [\d.]+ s idle, 2\.6\d s watched: watch time reached/);
    const answered = Number(/keepalive probes answered: (\d+)/.exec(out)?.[1]);
    assert.ok(answered >= 1, out);
  });
});

test("keepalive: peer process killed/FIN reported as §5.12, exit 3", async () => {
  await withLoopbackPeer(async (peer, port) => {
    const cli = probeLoopback(port, ["--keepalive", "--duration", "20"]);
    await cli.waitFor(/^watching the idle connection/, 15_000);
    peer.kill("SIGKILL");
    assert.equal(await cli.exit(15_000), 3, cli.stdout() + cli.stderr());
    assert.match(cli.stdout(), /end: FIN after [\d.]+ s idle.*UNP §5\.12/);
  });
});

test("keepalive: --echo and --heartbeat with a live echo peer/round trips counted, exit 0", async () => {
  await withLoopbackPeer(async (_peer, port) => {
    const cli = probeLoopback(port, [
      "--keepalive",
      "--echo",
      "--heartbeat",
      "0.3",
      "--duration",
      "1.1",
    ]);
    assert.equal(await cli.exit(20_000), 0, cli.stderr());
    const out = cli.stdout();
    assert.match(out, /^echo: verified 29 bytes in [\d.]+ ms$/m);
    assert.match(out, /^heartbeat 1: echo in [\d.]+ ms$/m);
    // Every 0.3 s over 1.1 s is three, but a loaded machine may fit fewer (two
    // were seen at load average 10): count them loosely, all must be answered.
    const m = /end: heartbeats sent (\d+), answered (\d+), rtt min\/avg\/max\/mdev/.exec(out);
    assert.ok(m, out);
    assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= 4, out);
    assert.equal(m[2], m[1], out);
  });
});

test("keepalive: --echo against a peer that does not echo/deadline missed, exit 6", async () => {
  // A listener that accepts and never answers: node:net with no data handler.
  const silent = start(
    RUNTIME === "deno"
      ? [
        EXEC,
        "eval",
        `import net from "node:net"; const s = net.createServer(() => {}).listen(0, "127.0.0.1", () => console.log("listening " + s.address().port));`,
      ]
      : [
        EXEC,
        "-e",
        `const net = require("node:net"); const s = net.createServer(() => {}).listen(0, "127.0.0.1", () => console.log("listening " + s.address().port));`,
      ],
  );
  try {
    const port = (await silent.waitFor(/^listening \d+/, 10_000)).split(" ")[1];
    const cli = startCli(["probe", "127.0.0.1", port, "--keepalive", "--echo", "--timeout", "0.3"]);
    assert.equal(await cli.exit(20_000), 6, cli.stdout() + cli.stderr());
    assert.match(cli.stdout(), /Cannot verify echo: no echo came back before the deadline/);
  } finally {
    silent.kill();
  }
});

test("keepalive: --format json/settings, end cause and exit code in one document", async () => {
  await withLoopbackPeer(async (_peer, port) => {
    const cli = probeLoopback(port, [
      "--keepalive",
      ...FAST,
      "--duration",
      "0.5",
      "--format",
      "json",
    ]);
    assert.equal(await cli.exit(20_000), 0, cli.stderr());
    const doc = JSON.parse(cli.stdout());
    assert.deepEqual(doc.keepalive.readback, { enabled: true, idle: 1, interval: 1, count: 2 });
    assert.equal(doc.keepalive.expectedMs, 3000);
    assert.equal(doc.end.cause, "duration");
    assert.equal(doc.exitCode, 0);
    assert.match(cli.stderr(), /watching the idle connection/);
  });
});

test(
  "keepalive: Deno without --allow-ffi/says the options were NOT set, never claims them",
  { skip: RUNTIME === "deno" ? false : "Deno permission behaviour" },
  async () => {
    await withLoopbackPeer(async (_peer, port) => {
      const main = join(ROOT, "cmd", "main.ts");
      const cli = start([
        EXEC,
        "run",
        "--no-check",
        "--allow-net",
        "--allow-env",
        main,
        "probe",
        "127.0.0.1",
        String(port),
        "--keepalive",
        "--duration",
        "0.3",
      ]);
      assert.equal(await cli.exit(20_000), 0, cli.stderr());
      const out = cli.stdout();
      assert.match(
        out,
        /TCP_KEEPIDLE\/TCP_KEEPINTVL\/TCP_KEEPCNT were NOT set: Deno needs --allow-ffi/,
      );
      assert.doesNotMatch(out, /read back/);
      assert.match(out, /keepalive probes answered: unknown/);
    });
  },
);
