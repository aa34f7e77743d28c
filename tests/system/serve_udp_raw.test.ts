/**
 * `serve --udp` against a datagram from source port 0 (issue 12): no ordinary
 * socket can send one, so it is hand-made through a raw socket (libc sendto by
 * FFI; root or CAP_NET_RAW). Before the fix it killed serve on Deno, TCP
 * service included ("RangeError: Port should be > 0").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { loadRawUdp } from "../../lib/runtime/sockopt/mod.ts";
import { isRoot, RUNTIME, skipUnless } from "../support/helpers.ts";
import { startServe, waitFor } from "../support/echo_helpers.ts";
import { echoRoundTrip } from "../support/churn.ts";

test("serve udp/a datagram from port 0 is dropped; UDP and TCP still answer", {
  skip: skipUnless(isRoot(), "needs root for a raw socket (source port 0)"),
  timeout: 30_000,
}, async () => {
  const raw = await loadRawUdp();
  assert.ok(!("reason" in raw), "reason" in raw ? raw.reason : "");
  const srv = await startServe(["--udp"]);
  const sock = dgram.createSocket("udp4");
  try {
    await waitFor(() => srv.stdout().includes("udp"), 5000, "udp line");
    for (let i = 0; i < 3; i++) {
      assert.equal(
        raw.send(0, "127.0.0.1", srv.port, new TextEncoder().encode("zero\n")),
        undefined,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
    let got = "";
    sock.on("message", (m) => (got += m));
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    sock.send("after\n", srv.port, "127.0.0.1");
    await waitFor(() => got === "after\n", 5000, "the UDP echo after the port-0 datagrams");
    assert.ok((await echoRoundTrip("127.0.0.1", srv.port, 5000)) < 5000);
    assert.doesNotMatch(srv.stderr(), /Uncaught|RangeError/);
    assert.equal(await srv.stop(), 0);
    // Deno's node:dgram delivers the datagrams (and serve counts them); Bun's never does.
    if (RUNTIME === "deno") {
      assert.match(srv.stderr(), /udp: not echoed: .*, 3 from port 0, 0 send failures/);
    }
  } finally {
    sock.close();
    await srv.stop();
  }
});
