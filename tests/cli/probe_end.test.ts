/**
 * How a watched connection's end is worded: the same errno name, strerror text
 * and operation on Deno and Bun for the same kernel event (docs/design.md), whatever
 * each runtime's own message says.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { errorEnd } from "../../lib/probe/keepalive_end.ts";
import { NetError } from "../../lib/runtime/net/mod.ts";
import { cli, serveInProcess } from "../support/cli_inproc.ts";

test("probe end: Deno's and Bun's messages for the same errno read the same", () => {
  const deno = new NetError("ETIMEDOUT", "read", "Connection timed out (os error 110)");
  const bun = new NetError("ETIMEDOUT", "read", "ETIMEDOUT: connection timed out, read");
  assert.deepEqual(errorEnd(deno), errorEnd(bun));
  assert.deepEqual(errorEnd(deno), {
    cause: "ETIMEDOUT",
    message: "ETIMEDOUT: connection timed out, read",
  });
  const reset = new NetError("ECONNRESET", "read", "Connection reset by peer (os error 104)");
  assert.equal(errorEnd(reset).message, "ECONNRESET: connection reset by peer, read");
});

test("probe end: an errno without a known meaning keeps the runtime's message", () => {
  const other = new NetError("EOTHER", "read", "something odd", { detail: "EWHAT" });
  assert.deepEqual(errorEnd(other), { cause: "EOTHER", message: "something odd" });
});

test("probe end: RST on loopback (serve --reset-after 1): ECONNRESET named, exit 4", {
  timeout: 60_000,
}, async () => {
  const s = await serveInProcess(["--reset-after", "1"]);
  try {
    const r = await cli([
      "probe",
      "127.0.0.1",
      String(s.port),
      "--heartbeat",
      "0.2",
      "--duration",
      "5",
    ]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const last = r.stdout.trim().split("\n").pop();
    assert.equal(last, "end: ECONNRESET: connection reset by peer, read");
    assert.match(r.stdout, /^end: ECONNRESET after .*\(UNP §5\.15\)$/m);
  } finally {
    await s.stop();
  }
});
