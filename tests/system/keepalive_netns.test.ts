import { test } from "node:test";
import assert from "node:assert/strict";
import { skipUnless } from "../support/helpers.ts";
import { createNsPair, netnsSkipReason, type NsPair, sh } from "../support/netns.ts";
import { type Running, startCli, startPeer } from "../support/probe_run.ts";

const reason = netnsSkipReason(["ip", "nft", "ss"]);
const skip = skipUnless(!reason, reason);
const FAST = ["--keepidle", "1", "--keepintvl", "1", "--keepcnt", "2"];
/** The probe options of the keepalive tests, and the line that says it is watching. */
const KEEPALIVE = ["--keepalive", ...FAST, "--duration", "30"];
const WATCHING = /^watching the idle connection/;

/** Seconds of idle the CLI reported at the end. */
function idleSeconds(out: string): number {
  return Number(/end: \S+ after ([\d.]+) s idle/.exec(out)?.[1]);
}

/** What {@link probeAcrossPair} hands the test. */
interface Watch {
  ns: NsPair;
  peer: Running;
  port: number;
  cli: Running;
}

/**
 * A pair of this file's own (198.18.62.0/24), the echo peer on 9877 in the
 * server namespace, and `probe SERVER PORT ...args` in the client namespace
 * once its stdout has a line matching `ready`; then `fn`, then cleanup.
 */
async function probeAcrossPair(
  args: string[],
  ready: RegExp,
  fn: (w: Watch) => Promise<void>,
): Promise<void> {
  const ns = createNsPair("kn", 62);
  let peer: Running | undefined;
  let cli: Running | undefined;
  try {
    const started = await startPeer(ns.serverAddr, 9877, ns.inServer);
    peer = started.peer;
    cli = startCli(["probe", ns.serverAddr, String(started.port), ...args], ns.inClient);
    await cli.waitFor(ready, 15_000);
    await fn({ ns, peer, port: started.port, cli });
  } finally {
    cli?.kill();
    peer?.kill();
    ns.destroy();
  }
}

test(
  "keepalive netns: server host silent (all dropped)/ETIMEDOUT after idle + intvl × cnt, exit 6",
  { skip },
  () =>
    probeAcrossPair(KEEPALIVE, WATCHING, async ({ ns, cli }) => {
      ns.dropServer();
      // keepidle 1 + keepintvl 1 × keepcnt 2 = 3 s, plus slack for slow machines.
      assert.equal(await cli.exit(20_000), 6, cli.stdout() + cli.stderr());
      const out = cli.stdout();
      assert.match(out, /end: ETIMEDOUT after [\d.]+ s idle.*UNP §7\.5/);
      assert.match(out, /keepalive predicted 1 \+ 1 × 2 = 3 s; measured [\d.]+ s/);
      assert.match(out, /keepalive: probe 2 unanswered so far/);
      const idle = idleSeconds(out);
      assert.ok(idle >= 2.5 && idle < 15, `idle ${idle} s`);
    }),
);

test(
  "keepalive netns: server state destroyed silently (host rebooted)/probe answered by RST, exit 4",
  { skip },
  () =>
    probeAcrossPair(KEEPALIVE, WATCHING, async ({ ns, port, cli }) => {
      // The reboot: the server's connection vanishes and the RST that ss -K sends is
      // dropped, so the client learns only when its next keepalive probe meets RST (§5.15).
      ns.dropServer();
      sh([...ns.inServer, "ss", "-K", "-tn", "sport", "=", `:${port}`]);
      ns.undropServer();
      assert.equal(await cli.exit(20_000), 4, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /end: ECONNRESET after [\d.]+ s idle.*UNP §5\.15/);
      const idle = idleSeconds(cli.stdout());
      assert.ok(idle >= 0.5, `the RST came with a probe, not at once: idle ${idle} s`);
    }),
);

test(
  "keepalive netns: server process killed/FIN, exit 3",
  { skip },
  () =>
    probeAcrossPair(KEEPALIVE, WATCHING, async ({ peer, cli }) => {
      peer.kill("SIGKILL");
      assert.equal(await cli.exit(20_000), 3, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /end: FIN after [\d.]+ s idle.*UNP §5\.12/);
    }),
);

test(
  "heartbeat netns: server host silent/echo deadline missed, exit 6",
  { skip },
  () =>
    probeAcrossPair(
      ["--heartbeat", "0.3", "--timeout", "0.5"],
      /^heartbeat 1: echo in/,
      async ({ ns, cli }) => {
        ns.dropServer();
        assert.equal(await cli.exit(20_000), 6, cli.stdout() + cli.stderr());
        assert.match(cli.stdout(), /heartbeat \d+: no echo within 500 ms/);
        assert.match(cli.stdout(), /end: heartbeats sent \d+, answered \d+/);
      },
    ),
);
