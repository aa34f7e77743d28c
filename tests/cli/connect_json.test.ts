import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { closedPort, runConnectAsync, waitFor, watchConnect } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";

/** Parses NDJSON stdout: every line must be one JSON object with an event name. */
function events(stdout: Buffer): Record<string, unknown>[] {
  const lines = stdout.toString().split("\n").filter((l) => l !== "");
  return lines.map((l) => {
    const ev = JSON.parse(l);
    assert.equal(typeof ev.event, "string", l);
    assert.equal(typeof ev.time, "string", l);
    return ev;
  });
}

test("connect --json: connected, fin-sent, peer-fin, summary exitCode 0; echoes counted, not printed", async () => {
  const srv = await serveInProcess([]);
  try {
    const r = await runConnectAsync(["127.0.0.1", String(srv.port), "--json"], "hello\nworld\n");
    assert.equal(r.code, 0, r.stderr);
    const evs = events(r.stdout);
    assert.deepEqual(evs.map((e) => e.event), ["connected", "fin-sent", "peer-fin", "summary"]);
    assert.match(String(evs[0].local), /^127\.0\.0\.1:\d+$/);
    assert.equal(evs[0].remote, `127.0.0.1:${srv.port}`);
    assert.equal(typeof evs[0].ms, "number");
    assert.equal(evs[1].bytesSent, 12);
    const sum = evs[3];
    assert.equal(sum.mode, "stream");
    assert.equal(sum.bytesSent, 12);
    assert.equal(sum.bytesReceived, 12);
    assert.equal(sum.end, "done");
    assert.equal(sum.exitCode, 0);
  } finally {
    await srv.stop();
  }
});

test("connect --json --count: one echo event per round trip, rtt statistics in the summary", async () => {
  const srv = await serveInProcess([]);
  try {
    const r = await runConnectAsync(
      ["127.0.0.1", String(srv.port), "--json", "-c", "3", "-i", "0.01", "-s", "10"],
    );
    assert.equal(r.code, 0, r.stderr);
    const evs = events(r.stdout);
    assert.deepEqual(evs.map((e) => e.event), [
      "connected",
      "echo",
      "echo",
      "echo",
      "fin-sent",
      "peer-fin",
      "summary",
    ]);
    assert.deepEqual(evs.slice(1, 4).map((e) => [e.seq, e.bytes, e.ok]), [
      [1, 10, true],
      [2, 10, true],
      [3, 10, true],
    ]);
    const sum = evs.at(-1)!;
    assert.equal(sum.sent, 3);
    assert.equal(sum.echoed, 3);
    assert.equal(sum.bytesSent, 30);
    const rtt = sum.rtt as Record<string, number>;
    assert.equal(rtt.count, 3);
    assert.ok(rtt.min <= rtt.avg && rtt.avg <= rtt.max);
    assert.equal(sum.exitCode, 0);
  } finally {
    await srv.stop();
  }
});

test("connect --json --count: server FIN early gives an error event (§5.12) and exit 3", async () => {
  const srv = await serveInProcess(["--close-after", "1"]);
  try {
    const r = await runConnectAsync([
      "127.0.0.1",
      String(srv.port),
      "--json",
      "-c",
      "3",
      "-i",
      "0.01",
    ]);
    assert.equal(r.code, 3, r.stderr);
    const evs = events(r.stdout);
    const err = evs.find((e) => e.event === "error")!;
    assert.equal(err.errno, "EPEERFIN");
    assert.equal(err.section, "5.12");
    assert.equal(err.exitCode, 3);
    const sum = evs.at(-1)!;
    assert.equal(sum.event, "summary");
    assert.equal(sum.end, "peer-fin");
    assert.equal(sum.echoed, 1);
    assert.equal(sum.exitCode, 3);
  } finally {
    await srv.stop();
  }
});

test("connect --json: a refused port gives an error event with ECONNREFUSED, §4.3, exit 5", async () => {
  const port = await closedPort();
  const r = await runConnectAsync(["127.0.0.1", String(port), "--json"]);
  assert.equal(r.code, 5, r.stderr);
  const evs = events(r.stdout);
  assert.deepEqual(evs.map((e) => e.event), ["error", "summary"]);
  assert.equal(evs[0].errno, "ECONNREFUSED");
  assert.equal(evs[0].section, "4.3");
  assert.equal(evs[0].exitCode, 5);
  assert.equal(evs[1].end, "refused");
  assert.equal(evs[1].exitCode, 5);
  assert.match(r.stderr, /ECONNREFUSED/);
});

test("connect --json --clients: a single summary line with round trips and errors", async () => {
  const srv = await serveInProcess(["--log", "none"]);
  try {
    const r = await runConnectAsync(
      ["127.0.0.1", String(srv.port), "--json", "--clients", "4", "--duration", "0.3"],
    );
    assert.equal(r.code, 0, r.stderr);
    const evs = events(r.stdout);
    assert.equal(evs.length, 1);
    assert.equal(evs[0].event, "summary");
    assert.equal(evs[0].mode, "clients");
    assert.equal(evs[0].connected, 4);
    assert.ok((evs[0].roundTrips as number) > 0);
    assert.deepEqual(evs[0].errors, {});
    assert.equal(evs[0].exitCode, 0);
  } finally {
    await srv.stop();
  }
});

test("connect --json --naive is a usage error (exit 2)", async () => {
  const r = await runConnectAsync(["127.0.0.1", "9", "--json", "--naive"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Cannot use --json with --naive/);
});

test("connect --json: server RST (--reset-after 1) gives peer-rst and an error event, exit 4", async () => {
  // connect's stdin stays open: its own FIN cannot race the server's RST (with
  // stdin closed at once, the FIN went first at load average 12 and the RST read
  // as a plain error, without peer-rst).
  const srv = await serveInProcess(["--reset-after", "1"]);
  const c = watchConnect(["127.0.0.1", String(srv.port), "--json"]);
  try {
    c.child.stdin!.write("one\ntwo\nthree\n");
    await waitFor(() => c.code() !== null, 15_000, "connect to exit on the RST");
    assert.equal(c.code(), 4, c.err());
    const evs = events(Buffer.from(c.out()));
    const names = evs.map((e) => e.event);
    assert.equal(names[0], "connected");
    assert.deepEqual(names.slice(-3), ["peer-rst", "error", "summary"]);
    const err = evs.at(-2)!;
    assert.match(String(err.errno), /^(ECONNRESET|EPIPE)$/);
    assert.equal(err.exitCode, 4);
    assert.equal(evs.at(-1)!.end, "peer-rst");
    assert.equal(evs.at(-1)!.exitCode, 4);
  } finally {
    c.stop();
    await srv.stop();
  }
});

test("connect --json --count: Ctrl-C ends the run with a summary whose end is 'interrupted', exit 0", async () => {
  const srv = await serveInProcess([]);
  const c = watchConnect(["127.0.0.1", String(srv.port), "--json", "-c", "1000", "-i", "0.2"]);
  try {
    await waitFor(() => c.out().includes('"event":"echo"'), 10_000, "the first echo event");
    process.kill(c.child.pid!, "SIGINT");
    await waitFor(() => c.code() !== null, 10_000, "exit after SIGINT");
    assert.equal(c.code(), 0, c.err());
    const evs = events(Buffer.from(c.out()));
    const sum = evs.at(-1)!;
    assert.equal(sum.event, "summary");
    assert.equal(sum.end, "interrupted");
    assert.equal(sum.exitCode, 0);
    assert.ok((sum.sent as number) < 1000);
  } finally {
    c.stop();
    await srv.stop();
  }
});
