import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { ROOT } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { join } from "../support/path.ts";
import { buildPcap } from "../support/explain_build.ts";

const DIR = join(ROOT, "tests", "fixtures", "explain");
const SPT = join(DIR, "server-process-terminated.pcap");
const NORMAL = join(DIR, "normal.pcap");
const skip = existsSync(SPT) && existsSync(NORMAL) ? false : "fixtures missing (make.sh)";

test(
  "report cli: text -> verdict line, ladder with phases, states and labels",
  { skip },
  async () => {
    const r = await cli(["explain", SPT]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.match(
      out,
      /^#1 198\.18\.44\.1:\d+ → 198\.18\.45\.1:\d+ {2}server-process-terminated \(§5\.12\)/,
    );
    assert.match(out, /── handshake \(frames 1–3\) ──/);
    assert.match(out, /SYN-SENT +1 +0\.000000 +─ SYN seq=0 ack=0 len=0 ─+▶ +LISTEN/);
    assert.match(out, /◀─+ RST seq=\d+ ack=0 len=0 ─ +CLOSED/);
    assert.match(out, /CLOSE-WAIT/);
    assert.ok(!out.includes("\x1b["), "no colour when NO_COLOR is set");
  },
);

test("report cli: --color -> ANSI colour in the ladder", { skip }, async () => {
  const r = await cli(["explain", SPT, "--color"], { env: { NO_COLOR: "" } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes("\x1b["));
});

test("report cli: --format json -> docs/design.md shape", { skip }, async () => {
  const r = await cli(["explain", NORMAL, "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  // The document streams: connections first, capture (known only at the end) last.
  assert.deepEqual(Object.keys(doc), ["connections", "capture"]);
  // docs/design.md's keys in order; `unplaced` is additive (frames in no connection, by reason).
  assert.deepEqual(Object.keys(doc.capture), [
    "format",
    "linkTypes",
    "frames",
    "truncated",
    "warnings",
    "unplaced",
  ]);
  const c = doc.connections[0];
  // docs/design.md's keys in order; additive fields: `handshakeRtt` (issue 4 asks for the RTT),
  // `timing` and `slow` (issue 13, docs/slow.md).
  const additive = new Set(["handshakeRtt", "timing", "slow"]);
  assert.deepEqual(Object.keys(c).filter((k) => !additive.has(k)), [
    "id",
    "client",
    "server",
    "rolesGuessed",
    "scenario",
    "section",
    "summary",
    "phases",
    "segments",
    "states",
    "retransmissions",
  ]);
  // docs/design.md's keys in order; `window` is an additive field (for the HTML report's graph).
  assert.deepEqual(
    Object.keys(c.segments[0]).filter((k) => k !== "window"),
    ["frame", "time", "from", "flags", "seq", "ack", "len", "labels"],
  );
  assert.deepEqual(c.segments[0].flags, ["SYN"]);
  assert.deepEqual(c.segments[0].labels, ["syn"]);
  assert.deepEqual(c.states.client[0], { frame: 1, state: "SYN-SENT" });
  assert.deepEqual(c.states.server[0], { frame: 1, state: "LISTEN" });
  assert.deepEqual(c.retransmissions, { count: 0, intervals: [] });
  assert.ok(c.handshakeRtt > 0 && c.handshakeRtt < 1, `handshakeRtt ${c.handshakeRtt}`);
  assert.equal(doc.capture.frames, c.segments.length);
});

test(
  "report cli: - on stdin with --format ndjson -> one connection per line",
  { skip },
  async () => {
    const two = Buffer.concat([readFileSync(NORMAL)]);
    const r = await cli(["explain", "-", "--format", "ndjson"], { input: two });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]).scenario, "normal");
  },
);

test("report cli: port reuse capture -> --summary table, --conn and --port filters", async () => {
  const segs = [1000, 900000].flatMap((isn, i) => [
    { fromA: true, flags: "S", seq: isn, t: i },
    { fromA: false, flags: "RA", seq: 0, ack: isn + 1, t: i + 0.001 },
  ]);
  const pcap = buildPcap(segs);
  const sum = await cli(["explain", "-", "--summary"], { input: pcap });
  assert.equal(sum.code, 0, sum.stderr);
  const rows = sum.stdout.trim().split("\n");
  assert.match(rows[0], /^id +client +server +scenario/);
  assert.equal(rows.length, 4);
  assert.match(rows[1], /^1 +198\.18\.0\.1:40000 +198\.18\.0\.2:9877 +connection-refused +4\.3/);
  assert.match(rows[3], /^2 connection\(s\), 4 frame\(s\)/);
  const one = await cli(["explain", "-", "--conn", "2", "--format", "json"], { input: pcap });
  const doc = JSON.parse(one.stdout);
  assert.deepEqual(doc.connections.map((c: { id: number }) => c.id), [2]);
  assert.equal(doc.connections[0].segments[0].frame, 3);
  const none = await cli(["explain", "-", "--port", "80"], { input: pcap });
  assert.match(none.stdout, /No connection matches the filter \(2 in the capture\)/);
  const host = await cli(["explain", "-", "--host", "198.18.0.2", "--format", "ndjson"], {
    input: pcap,
  });
  assert.equal(host.stdout.trim().split("\n").length, 2);
});

test("report cli: missing file -> exit 1 naming ENOENT", async () => {
  const r = await cli(["explain", "/nonexistent/x.pcap"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot open capture '\/nonexistent\/x\.pcap': no such file \(ENOENT\)/);
});

test("report cli: not a capture -> exit 1 with the reader's message", async () => {
  const r = await cli(["explain", "-"], { input: "GET / HTTP/1.1\r\n\r\n" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot read capture/);
});

test("report cli: bad --conn value -> usage error exit 2", async () => {
  const r = await cli(["explain", "-", "--conn", "zero"], { input: "" });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Invalid value for --conn: 'zero'/);
});

test("report cli: --host with a non-canonical IPv6 address -> matches the connection", {
  skip: existsSync(join(DIR, "normal-ipv6.pcap")) ? false : "fixture missing",
}, async () => {
  const r = await cli([
    "explain",
    join(DIR, "normal-ipv6.pcap"),
    "--host",
    "2001:DB8:44:0::1",
    "--summary",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[2001:db8:44::1\]:\d+ +\[2001:db8:45::1\]:\d+ +normal/);
});
