import { test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import * as net from "node:net";
import { rssBytes, runConnectAsync, startServe, waitFor } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";

/** Opens a node:net client; records data, FIN, RST. */
function client(port: number, host = "127.0.0.1") {
  const st = { data: "", fin: false, rst: false, closed: false };
  const s = net.connect({ port, host, allowHalfOpen: true });
  s.on("data", (d) => (st.data += d));
  s.on("end", () => (st.fin = true));
  s.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "ECONNRESET") st.rst = true;
  });
  s.on("close", () => (st.closed = true));
  const connected = new Promise<void>((r) => s.on("connect", () => r()));
  return { s, st, connected };
}

test("serve: --close-after 2: connect sees FIN with bytes unechoed, exits 3 (UNP §5.12)", async () => {
  const srv = await serveInProcess(["--close-after", "2"]);
  try {
    const r = await runConnectAsync(["127.0.0.1", String(srv.port)], "a\nb\nc\nd\n");
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout.toString(), "a\nb\n");
    assert.match(
      r.stderr,
      /server terminated prematurely: peer sent FIN with 4 bytes unechoed \(UNP §5\.12\)/,
    );
    await waitFor(() => /fault --close-after/.test(srv.stderr()), 5000, "log");
  } finally {
    await srv.stop();
  }
});

test("serve: --reset-after 1: connect sees RST, exits 4 ECONNRESET (UNP §5.15)", async () => {
  const srv = await serveInProcess(["--reset-after", "1"]);
  try {
    const c = client(srv.port);
    await c.connected;
    c.s.write("one\ntwo\n");
    await waitFor(() => c.st.rst || c.st.closed, 5000, "RST");
    assert.equal(c.st.rst, true, "node client saw ECONNRESET");
    assert.equal(c.st.data, "one\n");
    const r = await runConnectAsync(["127.0.0.1", String(srv.port)], "x\ny\n");
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /ECONNRESET, connection reset by peer.*\(UNP §5\.15\)/);
  } finally {
    await srv.stop();
  }
});

test("serve: --drop-after 1: second line never echoed, idle timeout then closes", async () => {
  const srv = await serveInProcess(["--drop-after", "1", "--idle-timeout", "0.5"]);
  try {
    const c = client(srv.port);
    await c.connected;
    c.s.write("one\n");
    await waitFor(() => c.st.data === "one\n", 5000, "first echo");
    c.s.write("two\n");
    await waitFor(() => c.st.fin || c.st.rst, 8000, "close after idle timeout");
    assert.equal(c.st.data, "one\n");
    await waitFor(() => /idle timeout \(dropped after 1 lines\)/.test(srv.stderr()), 5000, "log");
    c.s.destroy();
  } finally {
    await srv.stop();
  }
});

test("serve: --delay: echo still byte-exact through connect", async () => {
  const srv = await serveInProcess(["--delay", "50"]);
  try {
    const r = await runConnectAsync(["127.0.0.1", String(srv.port)], "slow\nbut\nsure\n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "slow\nbut\nsure\n");
  } finally {
    await srv.stop();
  }
});

test("serve: --max-conns 1: second connection refused with FIN and a logged reason", async () => {
  const srv = await serveInProcess(["--max-conns", "1"]);
  try {
    const a = client(srv.port);
    await a.connected;
    await waitFor(() => srv.stderr().includes("accepted"), 5000, "first accepted");
    const b = client(srv.port);
    await waitFor(() => b.st.fin || b.st.rst || b.st.closed, 5000, "second closed");
    // The log line is written asynchronously: it may land just after the client saw the FIN.
    const refused = /refused 127\.0\.0\.1:\d+: --max-conns reached/;
    await waitFor(() => refused.test(srv.stderr()), 5000, "the refused line");
    a.s.write("still\n");
    await waitFor(() => a.st.data === "still\n", 5000, "first still served");
    a.s.destroy();
    b.s.destroy();
  } finally {
    await srv.stop();
  }
});

test("serve: --idle-timeout: idle client gets FIN, log says idle timeout", async () => {
  const srv = await serveInProcess(["--idle-timeout", "0.3"]);
  try {
    const c = client(srv.port);
    await c.connected;
    await waitFor(() => c.st.fin || c.st.closed, 8000, "FIN from idle timeout");
    assert.equal(c.st.rst, false);
    await waitFor(() => /idle timeout; in 0 B, out 0 B/.test(srv.stderr()), 5000, "log");
    c.s.destroy();
  } finally {
    await srv.stop();
  }
});

test("serve: back-pressure/client writes 64 MB and never reads, server RSS stays bounded", async () => {
  // A process of its own: the test reads its resident memory.
  const srv = await startServe(["--max-buffer", "65536", "--idle-timeout", "2"]);
  try {
    const before = rssBytes(srv.proc.pid!);
    const c = client(srv.port);
    await c.connected;
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    let queued = 0;
    let stalled = false;
    c.s.pause(); // never read the echoes
    for (let i = 0; i < 64 && !stalled; i++) {
      queued += chunk.length;
      if (!c.s.write(chunk)) {
        stalled = await Promise.race([
          new Promise<boolean>((r) => c.s.once("drain", () => r(false))),
          new Promise<boolean>((r) => setTimeout(() => r(true), 1000)),
        ]);
      }
    }
    const after = rssBytes(srv.proc.pid!);
    assert.equal(stalled, true, `the client's writes never stalled (queued ${queued} B)`);
    if (before > 0) {
      assert.ok(after - before < 48 * 1024 * 1024, `server RSS grew ${after - before} B`);
    }
    await waitFor(() => /stalled: the client does not read/.test(srv.stderr()), 10_000, "log");
    c.s.destroy();
  } finally {
    await srv.stop();
  }
});

test("serve: --udp echoes a datagram (RFC 862) and rate-limits per source", async () => {
  const srv = await serveInProcess(["--udp", "--udp-rate", "5"]);
  const sock = dgram.createSocket("udp4");
  try {
    await waitFor(() => srv.stdout().includes("udp"), 5000, "udp line");
    assert.match(srv.stdout(), /listening on udp 127\.0\.0\.1:\d+/);
    let got = 0;
    let first = "";
    sock.on("message", (m) => {
      if (got++ === 0) first = m.toString();
    });
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    for (let i = 0; i < 40; i++) sock.send(`ping ${i}`, srv.port, "127.0.0.1");
    await waitFor(() => got >= 5, 5000, "echoes");
    await new Promise((r) => setTimeout(r, 300));
    assert.match(first, /^ping \d+$/);
    assert.ok(got < 40, `rate limit let ${got} of 40 through`);
  } finally {
    sock.close();
    await srv.stop();
  }
});

test("serve: --udp without --host binds loopback only", async () => {
  const srv = await serveInProcess(["--udp"], false);
  try {
    await waitFor(() => (srv.stdout().match(/udp/g) ?? []).length >= 2, 5000, "udp lines");
    const udpLines = srv.stdout().split("\n").filter((l) => l.includes("udp"));
    for (const l of udpLines) assert.match(l, /udp (127\.0\.0\.1|\[::1\]):\d+/);
  } finally {
    await srv.stop();
  }
});
