import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import process from "node:process";
import { cli } from "../support/cli_inproc.ts";
import {
  runConnectAsync,
  spawnConnect,
  startServe,
  waitFor,
  watchConnect,
} from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";

/** A node:net server on an ephemeral loopback port with a per-socket behaviour. */
async function nodeServer(
  onConn: (s: net.Socket) => void,
  host = "127.0.0.1",
): Promise<{ port: number; close(): void }> {
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on("error", () => {});
    onConn(s);
  });
  await new Promise<void>((r) => srv.listen(0, host, () => r()));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

test("connect: ECONNREFUSED/closed loopback port exits 5 naming errno and section", async () => {
  const s = await nodeServer(() => {});
  s.close();
  await new Promise((r) => setTimeout(r, 50));
  const r = await runConnectAsync(["127.0.0.1", String(s.port)]);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /Cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED, .*\(UNP §4\.3\)/);
});

test("connect: half-close/stdin EOF sends FIN, echoes sent after it still print, exit 0", async () => {
  // The server answers only after the client's FIN: proof that connect half-closed
  // and kept reading (UNP §6.6).
  const s = await nodeServer((sock) => {
    const chunks: Buffer[] = [];
    sock.on("data", (d) => chunks.push(d));
    sock.on("end", () => setTimeout(() => sock.end(Buffer.concat(chunks)), 100));
  });
  try {
    const r = await runConnectAsync(["127.0.0.1", String(s.port)], "after\nthe\nFIN\n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "after\nthe\nFIN\n");
  } finally {
    s.close();
  }
});

test("connect: premature FIN/server closes while stdin is open: exit 3 at once (§6.4, §6.7)", async () => {
  const s = await nodeServer((sock) => sock.once("data", (d) => sock.end(d)));
  const c = watchConnect(["127.0.0.1", String(s.port)]);
  try {
    c.child.stdin!.write("line one\n"); // stdin stays open: the FIN must still be reported
    await waitFor(() => c.code() !== null, 10_000, "connect to exit while stdin is open");
    assert.equal(c.code(), 3, c.err());
    assert.equal(c.out(), "line one\n");
    assert.match(
      c.err(),
      /server terminated prematurely: peer sent FIN while stdin was still open/,
    );
  } finally {
    c.stop();
    s.close();
  }
});

test("connect: premature FIN/echo outstanding after our FIN: exit 3 with byte count", async () => {
  const s = await nodeServer((sock) => {
    let first = true;
    sock.on("data", (d) => {
      if (first) sock.end(d.subarray(0, 3));
      first = false;
    });
  });
  try {
    const r = await runConnectAsync(["127.0.0.1", String(s.port)], "abcdefgh");
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout.toString(), "abc");
    assert.match(r.stderr, /peer sent FIN with 5 bytes unechoed \(UNP §5\.12\)/);
  } finally {
    s.close();
  }
});

test("connect: ECONNRESET/server aborts with RST: exit 4 (UNP §5.15)", async () => {
  const s = await nodeServer((sock) => sock.once("data", () => sock.resetAndDestroy()));
  try {
    const r = await runConnectAsync(["127.0.0.1", String(s.port)], "boom\n");
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /ECONNRESET, connection reset by peer.*\(UNP §5\.15\)/);
  } finally {
    s.close();
  }
});

test("connect: IPv6/::1 literal with tcpecho serve", async () => {
  const srv = await serveInProcess(["--host", "::1"]);
  try {
    const r = await runConnectAsync(["::1", String(srv.port)], "v6\n");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), "v6\n");
  } finally {
    await srv.stop();
  }
});

test("connect: usage/bad port exits 2", async () => {
  const r = await cli(["connect", "127.0.0.1", "0"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Invalid value for port: '0'/);
});

test("connect: server process killed (SIGKILL) while stdin open: FIN, exit 3 (UNP §5.12)", async () => {
  const srv = await startServe([]);
  const c = watchConnect(["127.0.0.1", String(srv.port)]);
  try {
    c.child.stdin!.write("alive?\n");
    await waitFor(() => c.out() === "alive?\n", 10_000, "first echo");
    process.kill(srv.proc.pid!, "SIGKILL");
    await waitFor(() => c.code() !== null, 10_000, "connect to notice the FIN");
    assert.equal(c.code(), 3, c.err());
    assert.match(c.err(), /server terminated prematurely/);
  } finally {
    c.stop();
    await srv.stop();
  }
});

test("connect: stdout closed by its reader/EPIPE on stdout is exit 1, not a crash", async () => {
  const srv = await serveInProcess(["--log", "none"]);
  const child = spawnConnect(["127.0.0.1", String(srv.port)]);
  let err = "";
  let code: number | null = null;
  child.stderr!.on("data", (d) => (err += d));
  child.on("exit", (c) => (code = c));
  child.stdin!.on("error", () => {});
  try {
    child.stdout!.once("data", () => child.stdout!.destroy());
    const big = new Uint8Array(1 << 20).fill(0x61);
    for (let i = 0; i < 8 && code === null; i++) {
      await new Promise<void>((r) => child.stdin!.write(big, () => r()));
    }
    child.stdin!.end();
    await waitFor(() => code !== null, 15_000, "connect to exit");
    assert.equal(code, 1, err);
    assert.match(err, /Cannot write echoes to stdout: EPIPE/);
  } finally {
    if (code === null) child.kill("SIGKILL");
    await srv.stop();
  }
});
