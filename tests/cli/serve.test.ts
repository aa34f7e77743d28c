import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import { runCli } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { runConnectAsync, startServe, waitFor } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";

/** Connects with node:net, sends `data`, optionally half-closes; collects until close. */
function talk(
  port: number,
  data: string | Uint8Array,
  opts: { host?: string; end?: boolean; waitMs?: number; onData?: () => void } = {},
): Promise<{ got: Buffer; how: "fin" | "rst" | "timeout" }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const s = net.connect({ port, host: opts.host ?? "127.0.0.1", allowHalfOpen: true });
    const finish = (how: "fin" | "rst" | "timeout") => {
      if (done) return;
      done = true;
      clearTimeout(t);
      s.destroy();
      resolve({ got: Buffer.concat(chunks), how });
    };
    const t = setTimeout(() => finish("timeout"), opts.waitMs ?? 5000);
    s.on("connect", () => {
      s.write(data);
      if (opts.end) s.end();
    });
    s.on("data", (d) => {
      chunks.push(d);
      opts.onData?.();
    });
    s.on("end", () => finish("fin"));
    s.on("error", (e: NodeJS.ErrnoException) => finish(e.code === "ECONNRESET" ? "rst" : "fin"));
  });
}

test("serve: echo/random binary 4 MB byte for byte through connect with stdin piped", async () => {
  const srv = await serveInProcess([]);
  try {
    const data = randomBytes(4 * 1024 * 1024);
    const r = await runConnectAsync(["127.0.0.1", String(srv.port)], data);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, data.length);
    assert.ok(Buffer.compare(r.stdout, data) === 0, "echo differs from input");
  } finally {
    await srv.stop();
  }
});

test("serve: half-close/client FIN first, every echoed byte still arrives, then server FIN", async () => {
  const srv = await serveInProcess(["--delay", "100"]);
  try {
    const r = await talk(srv.port, "one\ntwo\nthree\n", { end: true });
    assert.equal(r.how, "fin");
    assert.equal(r.got.toString(), "one\ntwo\nthree\n");
    await waitFor(() => /closed by peer FIN; in 14 B, out 14 B/.test(srv.stderr()), 5000, "log");
  } finally {
    await srv.stop();
  }
});

test("serve: IPv6/::1 echo through connect", async () => {
  const srv = await serveInProcess(["--host", "::1"]);
  try {
    assert.match(srv.stdout(), /listening on tcp \[::1\]:\d+/);
    const r = await runConnectAsync(["::1", String(srv.port)], "over six\n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "over six\n");
  } finally {
    await srv.stop();
  }
});

test("serve: dual-stack/default wildcard accepts IPv4 and IPv6 on one port", async () => {
  const srv = await serveInProcess([], false);
  try {
    assert.match(srv.stdout(), /listening on tcp \[::\]:\d+ \(dual-stack/);
    const v4 = await talk(srv.port, "four\n", { end: true });
    const v6 = await talk(srv.port, "six\n", { end: true, host: "::1" });
    assert.equal(v4.got.toString(), "four\n");
    assert.equal(v6.got.toString(), "six\n");
    await waitFor(() => /accepted 127\.0\.0\.1:\d+/.test(srv.stderr()), 5000, "v4 peer unmapped");
  } finally {
    await srv.stop();
  }
});

test("serve: several --host/one port each, both answer", async () => {
  const srv = await serveInProcess(["--host", "127.0.0.1", "--host", "::1"]);
  try {
    const v6 = new RegExp(`\\[::1\\]:${srv.port}`);
    await waitFor(() => v6.test(srv.stdout()), 5000, "the second listening line");
    assert.equal((await talk(srv.port, "x\n", { end: true, host: "::1" })).got.toString(), "x\n");
    assert.equal((await talk(srv.port, "y\n", { end: true })).got.toString(), "y\n");
  } finally {
    await srv.stop();
  }
});

test("serve: --log json/NDJSON accepted and closed events with bytes and reason", async () => {
  const srv = await serveInProcess(["--log", "json"]);
  try {
    await talk(srv.port, "abc\n", { end: true });
    await waitFor(() => srv.stderr().includes('"closed"'), 5000, "closed event");
    const events = srv.stderr().trim().split("\n").map((l) => JSON.parse(l));
    const closed = events.find((e) => e.event === "closed");
    assert.ok(events.some((e) => e.event === "accepted" && /^127\.0\.0\.1:\d+$/.test(e.peer)));
    assert.equal(closed.reason, "peer-fin");
    assert.equal(closed.bytesIn, 4);
    assert.equal(closed.bytesOut, 4);
    assert.equal(typeof closed.durationMs, "number");
  } finally {
    await srv.stop();
  }
});

test("serve: SIGTERM/graceful: open client gets FIN, server exits 0", async () => {
  const srv = await startServe([]);
  let echoed = false;
  const pending = talk(srv.port, "hi\n", { waitMs: 9000, onData: () => echoed = true });
  // SIGTERM after the echo came back (before it, the FIN may rightly come first).
  await waitFor(() => echoed, 5000, "echo");
  const code = await srv.stop("SIGTERM");
  const r = await pending;
  assert.equal(code, 0);
  assert.equal(r.how, "fin");
  assert.equal(r.got.toString(), "hi\n");
  assert.match(srv.stderr(), /server shutdown/);
});

test("serve: SIGINT/graceful with no clients exits 0", async () => {
  const srv = await startServe([]);
  assert.equal(await srv.stop("SIGINT"), 0);
});

test("serve: EADDRINUSE/second server on the same port exits 1 naming the errno", async () => {
  const srv = await startServe([]);
  try {
    const r = runCli(["serve", "--host", "127.0.0.1", "--port", String(srv.port)], {
      timeoutMs: 15000,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot listen on 127\.0\.0\.1 port \d+: EADDRINUSE/);
  } finally {
    await srv.stop();
  }
});

test("serve: usage/bad --port value exits 2", async () => {
  const r = await cli(["serve", "--port", "99999"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Invalid value for --port: '99999'/);
});
