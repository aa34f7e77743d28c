import { test } from "node:test";
import assert from "node:assert/strict";
import { EXEC, ROOT, RUNTIME, skipUnless } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { createNsPair, netnsSkipReason, type NsPair, sh } from "../support/netns.ts";
import { start, startCli } from "../support/probe_run.ts";

const reason = netnsSkipReason();
const skip = skipUnless(!reason, reason);

/**
 * This file's pair (198.18.60.0/24) whose server namespace drops SYNs to port
 * 82 and rejects port 81 with ICMP; `fn` runs in it, then the pair goes.
 */
async function inFirewalledPair(fn: (ns: NsPair, server: string) => Promise<void>): Promise<void> {
  const ns = createNsPair("pn", 60);
  try {
    ns.nft(ns.server, "add table inet p6fw");
    ns.nft(ns.server, "add chain inet p6fw input { type filter hook input priority 0; }");
    ns.nft(
      ns.server,
      "add rule inet p6fw input tcp dport 81 reject with icmp type host-unreachable",
    );
    ns.nft(ns.server, "add rule inet p6fw input tcp dport 82 drop");
    await fn(ns, ns.serverAddr);
  } finally {
    ns.destroy();
  }
}

test("probe netns: SYNs dropped/timed out at the deadline, exit 6", { skip }, async () => {
  await inFirewalledPair(async (ns, server) => {
    const cli = startCli(
      ["probe", server, "82", "-c", "2", "-i", "0.1", "--timeout", "0.3"],
      ns.inClient,
    );
    assert.equal(await cli.exit(20_000), 6, cli.stdout() + cli.stderr());
    assert.match(
      cli.stdout(),
      /seq=2 timed out after [\d.]+ ms \(no SYN-ACK within 300 ms, ETIMEDOUT\)/,
    );
    assert.match(
      cli.stdout(),
      /2 sent, 0 connected, 0 refused, 2 timed out, 0 unreachable, 100\.0% loss/,
    );
    assert.match(cli.stdout(), /no handshake completed/);
  });
});

test(
  "probe netns: kernel gives up on SYNs first/ETIMEDOUT, not refused, exit 6",
  { skip },
  async () => {
    await inFirewalledPair(async (ns, server) => {
      // One SYN retry: the kernel's own connect timeout comes after about 2-3 s.
      sh([...ns.inClient, "sysctl", "-qw", "net.ipv4.tcp_syn_retries=1"]);
      const cli = startCli(["probe", server, "82", "-c", "1", "--timeout", "15"], ns.inClient);
      assert.equal(await cli.exit(30_000), 6, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /seq=1 timed out after [\d.]+ ms .*ETIMEDOUT/);
    });
  },
);

test(
  "probe netns: kernel SYN timeout through the runtime's sockets (Deno without --allow-ffi)/ETIMEDOUT",
  { skip: skip || (RUNTIME === "deno" ? false : "Deno permission behaviour") },
  async () => {
    await inFirewalledPair(async (ns, server) => {
      sh([...ns.inClient, "sysctl", "-qw", "net.ipv4.tcp_syn_retries=1"]);
      const main = join(ROOT, "cmd", "main.ts");
      const cli = start(
        [EXEC, "run", "--no-check", "--allow-net", "--allow-env", main, "probe", server, "82"]
          .concat(["-c", "1", "--timeout", "15"]),
        ns.inClient,
      );
      assert.equal(await cli.exit(30_000), 6, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /\(deno .*sockets\)/);
      assert.match(cli.stdout(), /seq=1 timed out after .*ETIMEDOUT/);
    });
  },
);

test(
  "probe netns: ICMP host unreachable/unreachable (EHOSTUNREACH), exit 7",
  { skip },
  async () => {
    await inFirewalledPair(async (ns, server) => {
      const cli = startCli(["probe", server, "81", "-c", "2", "-i", "0.1"], ns.inClient);
      assert.equal(await cli.exit(20_000), 7, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /seq=1 unreachable \(ICMP, EHOSTUNREACH\) in [\d.]+ ms/);
      assert.match(cli.stdout(), /2 sent, 0 connected, 0 refused, 0 timed out, 2 unreachable/);
    });
  },
);

test(
  "probe netns: closed port behind a veth/refused in about one round trip, exit 5",
  { skip },
  async () => {
    await inFirewalledPair(async (ns, server) => {
      const cli = startCli(
        ["probe", server, "83", "-c", "1", "--format", "json"],
        ns.inClient,
      );
      assert.equal(await cli.exit(20_000), 5, cli.stdout() + cli.stderr());
      const doc = JSON.parse(cli.stdout());
      assert.equal(doc.targets[0].probes[0].errno, "ECONNREFUSED");
    });
  },
);

test(
  "keepalive netns: connect meets ICMP host unreachable/unreachable (EHOSTUNREACH), exit 7",
  { skip },
  async () => {
    await inFirewalledPair(async (ns, server) => {
      const cli = startCli(["probe", server, "81", "--keepalive"], ns.inClient);
      assert.equal(await cli.exit(20_000), 7, cli.stdout() + cli.stderr());
      assert.match(cli.stdout(), /connect failed: unreachable \(EHOSTUNREACH\)/);
    });
  },
);
