import { test } from "node:test";
import assert from "node:assert/strict";
import { skipUnless } from "./helpers.ts";
import { createNsPair, netnsSkipReason, SERVER_ADDR, sh } from "./probe_netns.ts";
import { startCli, startPeer } from "./probe_run.ts";

const reason = netnsSkipReason();
const skip = skipUnless(reason === undefined, reason ?? "");
const FAST = ["--keepidle", "1", "--keepintvl", "1", "--keepcnt", "2"];

/** Seconds of idle the CLI reported at the end. */
function idleSeconds(out: string): number {
  return Number(/end: \S+ after ([\d.]+) s idle/.exec(out)?.[1]);
}

test(
  "keepalive netns: server host silent (all dropped)/ETIMEDOUT after idle + intvl × cnt, exit 6",
  { skip },
  async () => {
    const ns = createNsPair();
    const { peer, port } = await startPeer(SERVER_ADDR, 9877, ns.inServer);
    try {
      const cli = startCli(
        ["probe", SERVER_ADDR, String(port), "--keepalive", ...FAST, "--duration", "30"],
        ns.inClient,
      );
      await cli.waitFor(/^watching the idle connection/, 15_000);
      ns.dropServer();
      // keepidle 1 + keepintvl 1 × keepcnt 2 = 3 s, plus slack for slow machines.
      assert.equal(await cli.exit(20_000), 6, cli.stdout() + cli.stderr());
      const out = cli.stdout();
      assert.match(out, /end: ETIMEDOUT after [\d.]+ s idle.*UNP §7\.5/);
      assert.match(out, /keepalive predicted 1 \+ 1 × 2 = 3 s; measured [\d.]+ s/);
      assert.match(out, /keepalive: probe 2 unanswered so far/);
      const idle = idleSeconds(out);
      assert.ok(idle >= 2.5 && idle < 15, `idle ${idle} s`);
    } finally {
      peer.kill();
      ns.destroy();
    }
  },
);

test(
  "keepalive netns: server state destroyed silently (host rebooted)/probe answered by RST, exit 4",
  { skip },
  async () => {
    const ns = createNsPair();
    const { peer, port } = await startPeer(SERVER_ADDR, 9877, ns.inServer);
    try {
      const cli = startCli(
        ["probe", SERVER_ADDR, String(port), "--keepalive", ...FAST, "--duration", "30"],
        ns.inClient,
      );
      await cli.waitFor(/^watching the idle connection/, 15_000);
      // The reboot: the server's connection vanishes and the RST that ss -K sends is
      // dropped, so the client learns only when its next keepalive probe meets RST (§5.15).
      ns.dropServer();
      sh([...ns.inServer, "ss", "-K", "-tn", "sport", "=", `:${port}`]);
      ns.undropServer();
      assert.equal(await cli.exit(20_000), 4, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /end: ECONNRESET after [\d.]+ s idle.*UNP §5\.15/);
      const idle = idleSeconds(cli.stdout());
      assert.ok(idle >= 0.5, `the RST came with a probe, not at once: idle ${idle} s`);
    } finally {
      peer.kill();
      ns.destroy();
    }
  },
);

test(
  "keepalive netns: server process killed/FIN, exit 3",
  { skip },
  async () => {
    const ns = createNsPair();
    const { peer, port } = await startPeer(SERVER_ADDR, 9877, ns.inServer);
    try {
      const cli = startCli(
        ["probe", SERVER_ADDR, String(port), "--keepalive", ...FAST, "--duration", "30"],
        ns.inClient,
      );
      await cli.waitFor(/^watching the idle connection/, 15_000);
      peer.kill("SIGKILL");
      assert.equal(await cli.exit(20_000), 3, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /end: FIN after [\d.]+ s idle.*UNP §5\.12/);
    } finally {
      peer.kill();
      ns.destroy();
    }
  },
);

test(
  "heartbeat netns: server host silent/echo deadline missed, exit 6",
  { skip },
  async () => {
    const ns = createNsPair();
    const { peer, port } = await startPeer(SERVER_ADDR, 9877, ns.inServer);
    try {
      const cli = startCli(
        ["probe", SERVER_ADDR, String(port), "--heartbeat", "0.3", "--timeout", "0.5"],
        ns.inClient,
      );
      await cli.waitFor(/^heartbeat 1: echo in/, 15_000);
      ns.dropServer();
      assert.equal(await cli.exit(20_000), 6, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /heartbeat \d+: no echo within 500 ms/);
      assert.match(cli.stdout(), /end: heartbeats sent \d+, answered \d+/);
    } finally {
      peer.kill();
      ns.destroy();
    }
  },
);
