/** Pure parts of the socket layer and the echo logic: no sockets. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { toNetError } from "../../lib/runtime/net/errors.ts";
import {
  arpFailed,
  ipv4RouteVerdict,
  ipv6RouteVerdict,
  snmpDestUnreachs,
} from "../../lib/runtime/net/route.ts";
import { ChunkQueue } from "../../lib/runtime/net/queue.ts";
import { formatAddr, makeAddr, NetError } from "../../lib/runtime/net/mod.ts";
import { errnoInfo, netFailure, prematureFin } from "../../lib/echo/errors.ts";
import { formatEvent } from "../../lib/echo/log.ts";
import { RateLimiter } from "../../lib/echo/udp.ts";

test("net errors: Deno class names/normalised to errno names", () => {
  const cases: [string, "connect" | "read" | "write", string][] = [
    ["ConnectionRefused", "connect", "ECONNREFUSED"],
    ["ConnectionReset", "read", "ECONNRESET"],
    ["ConnectionReset", "write", "EPIPE"],
    ["BrokenPipe", "write", "EPIPE"],
    ["TimedOut", "connect", "ETIMEDOUT"],
    ["NetworkUnreachable", "connect", "ENETUNREACH"],
    ["AddrInUse", "connect", "EADDRINUSE"],
  ];
  for (const [name, op, code] of cases) {
    assert.equal(toNetError({ name, message: "x" }, op).code, code, `${name} on ${op}`);
  }
});

test("net errors: node codes/kept, ECONNRESET on write becomes EPIPE (UNP §5.13)", () => {
  assert.equal(toNetError({ code: "EHOSTUNREACH" }, "connect").code, "EHOSTUNREACH");
  assert.equal(toNetError({ code: "ECONNRESET" }, "write").code, "EPIPE");
  assert.equal(toNetError({ code: "ECONNRESET" }, "read").code, "ECONNRESET");
  assert.equal(toNetError({ code: "EAI_AGAIN" }, "connect").code, "ENOTFOUND");
  const other = toNetError({ code: "EWEIRD", message: "odd" }, "read");
  assert.equal(other.code, "EOTHER");
  assert.equal(other.detail, "EWEIRD");
});

test("net route: /proc/net/route/longest prefix, reject flag, no route", () => {
  const text = [
    "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT",
    "*\t000612C6\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0",
    "v0\t000512C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
  ].join("\n");
  assert.equal(ipv4RouteVerdict(text, "198.18.6.9"), "reject");
  assert.equal(ipv4RouteVerdict(text, "198.18.5.9"), "route");
  assert.equal(ipv4RouteVerdict(text, "198.18.7.9"), "no-route");
  const withDefault = text + "\nv0\t00000000\t010512C6\t0003\t0\t0\t0\t00000000\t0\t0\t0";
  assert.equal(ipv4RouteVerdict(withDefault, "198.18.7.9"), "route");
  assert.equal(ipv4RouteVerdict(withDefault, "198.18.6.9"), "reject");
});

test("net route: /proc/net/ipv6_route/prefix match, catch-all reject is no route", () => {
  const z = "00000000000000000000000000000000";
  const text = [
    `20010db8000000000000000000000000 40 ${z} 00 ${z} 00000100 00000001 00000000 00000001 v0`,
    `20010db8000100000000000000000000 40 ${z} 00 ${z} 00000400 00000001 00000000 00000201 lo`,
    `${z} 00 ${z} 00 ${z} ffffffff 00000001 00000000 00200200 lo`,
  ].join("\n");
  assert.equal(ipv6RouteVerdict(text, "2001:db8::5"), "route");
  assert.equal(ipv6RouteVerdict(text, "2001:db8:1::5"), "reject");
  assert.equal(ipv6RouteVerdict(text, "2001:db8:2::5"), "no-route");
  assert.equal(ipv6RouteVerdict(text, "not-an-address"), "unknown");
});

test("net route: /proc/net/arp/failed entry and snmp counter", () => {
  const arp = "IP address HW type Flags HW address Mask Device\n" +
    "198.18.5.3 0x1 0x0 00:00:00:00:00:00 * v0\n198.18.5.2 0x1 0x2 aa:bb:cc:dd:ee:ff * v0\n";
  assert.equal(arpFailed(arp, "198.18.5.3"), true);
  assert.equal(arpFailed(arp, "198.18.5.2"), false);
  assert.equal(snmpDestUnreachs("Icmp: InMsgs InErrors InDestUnreachs\nIcmp: 9 0 4\n"), 4);
});

test("net queue: back-pressure/pauses at the cap, resumes when a reader waits, FIN after data", async () => {
  let paused = 0;
  let resumed = 0;
  const q = new ChunkQueue(10, () => paused++, () => resumed++);
  q.push(new Uint8Array(6));
  q.push(new Uint8Array(6));
  assert.equal(paused, 1);
  assert.equal(q.buffered, 12);
  assert.equal((await q.read())!.length, 6);
  assert.equal(resumed, 0); // data still queued: no need to read more yet
  q.end();
  assert.equal((await q.read())!.length, 6);
  assert.equal(await q.read(), null);
});

test("net queue: RST/failure delivered after queued data", async () => {
  const q = new ChunkQueue(100, () => {}, () => {});
  q.push(new Uint8Array(3));
  q.fail(new NetError("ECONNRESET", "read", "reset"));
  assert.equal((await q.read())!.length, 3);
  await assert.rejects(q.read(), (e: NetError) => e.code === "ECONNRESET");
});

test("net addr: IPv4-mapped/unmapped and bracketed IPv6", () => {
  assert.deepEqual(makeAddr("::ffff:127.0.0.1", 1), { host: "127.0.0.1", port: 1, family: 4 });
  assert.equal(formatAddr(makeAddr("::1", 9877)), "[::1]:9877");
});

test("echo errors: errno/exit codes and sections as in docs/design.md", () => {
  assert.equal(errnoInfo("ECONNREFUSED", "connect")?.exitCode, 5);
  assert.equal(errnoInfo("ETIMEDOUT", "connect")?.exitCode, 6);
  assert.equal(errnoInfo("EHOSTUNREACH", "connect")?.exitCode, 7);
  assert.equal(errnoInfo("ENETUNREACH", "connect")?.exitCode, 7);
  assert.equal(errnoInfo("ECONNRESET", "data")?.section, "5.15");
  assert.equal(errnoInfo("EPIPE", "data")?.section, "5.13");
  const e = netFailure(new NetError("ECONNRESET", "read", "x"), "h:1", "data");
  assert.equal(e.exitCode, 4);
  assert.match(e.message, /^Connection to h:1 failed: ECONNRESET, .* \(UNP §5\.15\)$/);
  assert.equal(
    prematureFin(12, false).message,
    "server terminated prematurely: peer sent FIN with 12 bytes unechoed (UNP §5.12)",
  );
  assert.equal(prematureFin(0, true).exitCode, 3);
});

test("echo log: text and NDJSON/one line per event", () => {
  const ev = {
    event: "closed" as const,
    id: 3,
    peer: "127.0.0.1:5",
    reason: "peer-rst" as const,
    bytesIn: 10,
    bytesOut: 8,
    durationMs: 1500,
    open: 0,
  };
  const at = new Date(0);
  assert.equal(
    formatEvent(ev, "text", at),
    "1970-01-01T00:00:00.000Z #3 127.0.0.1:5 reset by peer RST; in 10 B, out 8 B, 1.500 s (0 open)\n",
  );
  const j = JSON.parse(formatEvent(ev, "json", at));
  assert.equal(j.reason, "peer-rst");
  assert.equal(j.time, "1970-01-01T00:00:00.000Z");
});

test("echo udp: rate limiter/token bucket per source refills over time", () => {
  const r = new RateLimiter(2);
  assert.deepEqual([r.allow("a", 0), r.allow("a", 0), r.allow("a", 0)], [true, true, false]);
  assert.equal(r.allow("b", 0), true);
  assert.equal(r.allow("a", 500), true);
});
