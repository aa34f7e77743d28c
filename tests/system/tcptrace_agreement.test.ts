/**
 * explain's per-connection byte counts and RTT samples against
 * `tcptrace -l -r -n` on the captures of docs/slow.md's agreement table:
 * equal where both count the same thing, and different exactly where that
 * table says the definitions differ.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { haveCommand, ROOT, runCli, skipUnless } from "../support/helpers.ts";

const FIXTURES = join(ROOT, "tests", "fixtures", "explain");
const skip = skipUnless(haveCommand("tcptrace"), "tcptrace is not installed");

/** One direction of tcptrace's long output (a→b or b→a). */
interface TraceDir {
  actual: number;
  unique: number;
  rexmt: number;
  rttSamples: number;
  rttMaxMs: number;
}

/** tcptrace's single connection in `file`: its hosts and both directions. */
function tcptrace(file: string): { a: string; b: string; ab: TraceDir; ba: TraceDir } {
  const r = spawnSync("tcptrace", ["-l", "-r", "-n", file], { timeout: 30_000 });
  const out = r.stdout.toString();
  assert.match(out, /1 TCP connection traced/, out.slice(0, 400));
  const host = (h: string) => out.match(new RegExp(`host ${h}:\\s+(\\S+)`))![1];
  const pair = (label: string): [number, number] => {
    const m = out.match(new RegExp(`${label}:\\s+([\\d.]+)(?: ms)?\\s+${label}:\\s+([\\d.]+)`));
    assert.ok(m, `tcptrace printed no "${label}"`);
    return [Number(m[1]), Number(m[2])];
  };
  const actual = pair("actual data bytes"), unique = pair("unique bytes sent");
  const rexmt = pair("rexmt data bytes"), samples = pair("RTT samples"), max = pair("RTT max");
  const dir = (i: 0 | 1): TraceDir => ({
    actual: actual[i],
    unique: unique[i],
    rexmt: rexmt[i],
    rttSamples: samples[i],
    rttMaxMs: max[i],
  });
  return { a: host("a"), b: host("b"), ab: dir(0), ba: dir(1) };
}

interface Side {
  bytes: number;
  goodBytes: number;
  retransmittedBytes: number;
}

/** explain's single connection in `file` (JSON): the two sides' counts and the RTT figures. */
function explain(file: string): {
  client: string;
  client_: Side;
  server_: Side;
  rtt: { max: number; samples: number };
} {
  const r = runCli(["explain", file, "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout).connections[0];
  return {
    client: `${c.client.addr}:${c.client.port}`,
    client_: c.timing.client,
    server_: c.timing.server,
    rtt: c.timing.rtt,
  };
}

/** Both tools on one capture, tcptrace's directions put as explain's (client, server). */
function both(name: string) {
  const file = join(FIXTURES, name);
  const t = tcptrace(file);
  const e = explain(file);
  const clientIsA = t.a === e.client;
  assert.ok(
    clientIsA || t.b === e.client,
    `${name}: tcptrace's hosts ${t.a} ${t.b}, explain's client ${e.client}`,
  );
  return {
    e,
    fromClient: clientIsA ? t.ab : t.ba,
    fromServer: clientIsA ? t.ba : t.ab,
  };
}

test(
  "tcptrace: a lossy bulk transfer at the sender: bytes, new bytes, retransmitted bytes and RTT samples agree",
  {
    skip,
  },
  () => {
    const { e, fromClient, fromServer } = both("lossy-bulk.pcap");
    assert.equal(e.client_.bytes, fromClient.actual);
    assert.equal(e.client_.goodBytes, fromClient.unique);
    assert.equal(e.client_.retransmittedBytes, fromClient.rexmt);
    assert.ok(e.client_.retransmittedBytes > 0);
    assert.equal(e.server_.bytes, fromServer.actual);
    // Karn's rule on seq/ack samples in both tools: the same count, and the same largest sample
    // (tcptrace prints it in ms to one decimal).
    assert.equal(e.rtt.samples, fromClient.rttSamples + fromServer.rttSamples);
    assert.ok(
      Math.abs(e.rtt.max * 1000 - Math.max(fromClient.rttMaxMs, fromServer.rttMaxMs)) <= 0.05,
    );
  },
);

test(
  "tcptrace: the same transfer at the receiver: bytes and RTT samples agree, retransmissions differ by definition",
  {
    skip,
  },
  () => {
    const { e, fromClient, fromServer } = both("lossy-bulk-receiver.pcap");
    assert.equal(e.client_.bytes, fromClient.actual);
    assert.equal(e.rtt.samples, fromClient.rttSamples + fromServer.rttSamples);
    // docs/slow.md: explain counts what Wireshark labels a retransmission (below the highest
    // sequence seen: here the repairs of segments whose first copy never reached this capture
    // point), and only bytes that advance the highest sequence are new; tcptrace counts a range
    // as retransmitted only when it saw it twice, and at the receiver it saw none twice.
    assert.equal(fromClient.rexmt, 0);
    assert.equal(fromClient.unique, fromClient.actual);
    assert.ok(e.client_.retransmittedBytes > 0);
    assert.ok(e.client_.goodBytes < fromClient.unique);
  },
);

test("tcptrace: a host crash with retransmitted data: bytes, new and retransmitted bytes agree", {
  skip,
}, () => {
  const { e, fromClient, fromServer } = both("server-host-crash.pcap");
  assert.deepEqual(
    [e.client_.bytes, e.client_.goodBytes, e.client_.retransmittedBytes],
    [fromClient.actual, fromClient.unique, fromClient.rexmt],
  );
  assert.deepEqual(
    [e.server_.bytes, e.server_.goodBytes, e.server_.retransmittedBytes],
    [fromServer.actual, fromServer.unique, fromServer.rexmt],
  );
});

test(
  "tcptrace: a retransmitted FIN is 1 byte to tcptrace and no payload to explain",
  { skip },
  () => {
    const { e, fromClient, fromServer } = both("simultaneous-close.pcap");
    assert.equal(e.client_.bytes, fromClient.actual);
    assert.equal(e.server_.bytes, fromServer.actual);
    assert.equal(e.server_.retransmittedBytes, 0);
    assert.equal(fromServer.rexmt, 1);
  },
);
