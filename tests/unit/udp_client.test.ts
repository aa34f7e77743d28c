import { test } from "node:test";
import assert from "node:assert/strict";
import { getNet, type UdpSocket } from "../../lib/runtime/net/mod.ts";
import { LineSplitter, MAX_DATAGRAM, UdpEchoer, udpMessage } from "../../lib/echo/udp_client.ts";
import { endCause, errorEvent } from "../../lib/echo/events.ts";
import { prematureFin } from "../../lib/echo/errors.ts";

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const bytes = (s: string) => new TextEncoder().encode(s);

test("udpMessage: sequence number first, letters, newline last, exact size", () => {
  assert.equal(text(udpMessage(7, 8)), "7 jklmn\n");
  assert.equal(udpMessage(123, 64).length, 64);
  assert.equal(text(udpMessage(5, 1)), "\n");
  assert.equal(text(udpMessage(12345, 4)), "vwx\n"); // too small for the number: letters only
  assert.notDeepEqual(udpMessage(1, 64), udpMessage(27, 64));
});

test("LineSplitter: lines keep their newline, the rest waits for more or for flush", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push(bytes("a\nb")).map(text), ["a\n"]);
  assert.deepEqual(s.push(bytes("c\n\nd")).map(text), ["bc\n", "\n"]);
  assert.equal(text(s.flush()), "d");
  assert.equal(s.flush(), null);
});

test("LineSplitter: a line longer than one datagram goes in MAX_DATAGRAM pieces", () => {
  const s = new LineSplitter();
  const long = new Uint8Array(2 * MAX_DATAGRAM + 10).fill(120);
  long[long.length - 1] = 10;
  const out = s.push(long);
  assert.deepEqual(out.map((b) => b.length), [MAX_DATAGRAM, MAX_DATAGRAM, 10]);
  assert.equal(s.flush(), null);
});

test("events: errorEvent carries errno, UNP section and exit code; endCause names the end", () => {
  const e = errorEvent(prematureFin(12, false));
  assert.equal(e.event, "error");
  assert.equal(e.errno, "EPEERFIN");
  assert.equal(e.section, "5.12");
  assert.equal(e.exitCode, 3);
  assert.equal(endCause(undefined), "done");
  assert.equal(endCause({ code: "EPIPE" }), "peer-rst");
  assert.equal(endCause({ code: "ETIMEDOUT" }), "timeout");
  assert.equal(endCause({ code: "EWHATEVER" }), "error");
});

/** A loopback UDP echo that holds back the first datagram by `delayMs`. */
async function slowFirstEcho(delayMs: number): Promise<UdpSocket> {
  const net = await getNet();
  const s = await net.bindUdp({ host: "127.0.0.1", port: 0 });
  (async () => {
    let n = 0;
    for (let d = await s.receive(); d; d = await s.receive()) {
      const dg = d;
      if (n++ === 0) setTimeout(() => s.send(dg.data, dg.from).catch(() => {}), delayMs);
      else await s.send(dg.data, dg.from).catch(() => {});
    }
  })();
  return s;
}

test("UdpEchoer: a lost datagram's late echo is counted late, not taken for the next one", async () => {
  const net = await getNet();
  const srv = await slowFirstEcho(300);
  const sock = await net.connectUdp({ host: "127.0.0.1", port: srv.addr.port });
  try {
    const e = new UdpEchoer(sock, 150, "here");
    const first = await e.echo(1, udpMessage(1, 16));
    assert.equal(first.echo, null);
    await new Promise((r) => setTimeout(r, 250)); // the late echo is queued by now
    const second = await e.echo(2, udpMessage(2, 16));
    assert.equal(text(second.echo), text(udpMessage(2, 16)));
    const r = e.report();
    assert.deepEqual([r.sent, r.received, r.lost, r.late], [2, 1, 1, 1]);
    assert.equal(r.rtt.count, 1);
  } finally {
    sock.close();
    srv.close();
  }
});

test("UdpEchoer: ICMP port unreachable is 'no UDP echo service', exit 5 (where the runtime sees it)", async () => {
  const net = await getNet();
  const gone = await net.bindUdp({ host: "127.0.0.1", port: 0 });
  const port = gone.addr.port;
  gone.close();
  await new Promise((r) => setTimeout(r, 200)); // node:dgram closes asynchronously on Deno
  const sock = await net.connectUdp({ host: "127.0.0.1", port });
  try {
    const e = new UdpEchoer(sock, 300, `127.0.0.1:${port}`);
    if (!sock.seesIcmp) {
      assert.equal((await e.echo(1, bytes("x\n"))).echo, null);
      return;
    }
    await assert.rejects(e.echo(1, bytes("x\n")), (err: Error & { exitCode?: number }) => {
      assert.match(err.message, /no UDP echo service \(ICMP port unreachable\)/);
      assert.equal(err.exitCode, 5);
      return true;
    });
  } finally {
    sock.close();
  }
});
