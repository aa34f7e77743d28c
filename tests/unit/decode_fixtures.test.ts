/**
 * The decoder on the real fixtures: ICMP quoting tied to the connection,
 * snaplen cuts, and the same traffic decoding alike under every link layer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixture, readRows, type Row } from "../fixtures/formats/util.ts";

async function rowsOf(name: string): Promise<Row[]> {
  return (await readRows(fixture(name))).rows;
}

test("decode icmp: unreachables quote the connection's addresses, ports and seq (§5.14)", {
  timeout: 300_000,
}, async () => {
  const rows = await rowsOf("eth-usec.pcap");
  const syn4 = rows.find((r) => r.kind === "tcp" && r.dstPort === 9999 && r.src === "198.18.0.1")!;
  const un4 = rows.find((r) =>
    r.kind === "icmp-unreachable" && r.quotedProto === 6 && r.icmpType === 3
  )!;
  assert.equal(un4.icmpCode, 1); // host unreachable
  assert.equal(un4.src, "198.18.0.2");
  assert.equal(un4.quotedSrc, "198.18.0.1");
  assert.equal(un4.quotedDst, "198.18.0.2");
  assert.equal(un4.quotedSrcPort, syn4.srcPort);
  assert.equal(un4.quotedDstPort, 9999);
  assert.equal(un4.quotedSeq, syn4.seq);
  const syn6 = rows.find((r) => r.kind === "tcp" && r.dstPort === 9999 && r.src === "2001:db8::1")!;
  const un6 = rows.find((r) =>
    r.kind === "icmp-unreachable" && r.quotedProto === 6 && r.icmpType === 1
  )!;
  assert.equal(un6.icmpCode, 3); // address unreachable
  assert.equal(un6.quotedSrc, "2001:db8::1");
  assert.equal(un6.quotedSrcPort, syn6.srcPort);
  assert.equal(un6.quotedSeq, syn6.seq);
  const udp = rows.filter((r) => r.kind === "icmp-unreachable" && r.quotedProto === 17);
  assert.equal(udp.length, 2); // port unreachable for the UDP datagrams, v4 and v6
  for (const u of udp) {
    assert.equal(u.quotedDstPort, 9878);
    assert.equal(u.quotedSeq, -1);
  }
  assert.equal(rows.filter((r) => r.kind === "fragment").length, 4); // 2 IPv4 + 2 IPv6
});

test("decode snaplen: cut segments keep their wire length and say how much was captured", {
  timeout: 300_000,
}, async () => {
  const full = (await rowsOf("eth-usec.pcap")).filter((r) => r.kind !== "malformed");
  const cut = await rowsOf("eth-snap80.pcap");
  for (const r of cut) {
    const f = full.find((x) => x.frame === r.frame);
    if (!f || f.kind !== "tcp") continue;
    assert.equal(r.kind, "tcp");
    assert.equal(r.tcpLen, f.tcpLen);
    assert.equal(r.seq, f.seq);
  }
  assert.ok(cut.some((r) => r.caplen < r.len));
});

test("decode fixtures: the same traffic decodes alike under every link layer and format", {
  timeout: 300_000,
}, async () => {
  const strip = (rows: Row[]) =>
    rows.filter((r) => r.kind === "tcp" || r.kind === "icmp-unreachable").map((r) => ({
      ...r,
      caplen: 0,
      len: 0,
      linkType: 0,
      time: r.time.slice(0, 17),
    }));
  const base = strip(await rowsOf("eth-usec.pcap"));
  assert.ok(base.length > 30);
  for (const name of ["vlan.pcap", "qinq.pcap", "be-usec.pcap", "v22.pcap", "eth-modified.pcap"]) {
    assert.deepEqual(strip(await rowsOf(name)), base, name);
  }
  const raw = strip(await rowsOf("rawip.pcap"));
  for (const name of ["null.pcap", "loop.pcap", "ppp.pcap"]) {
    assert.deepEqual(strip(await rowsOf(name)), raw, name);
  }
  // Two separate captures: equal but for timestamps.
  const untimed = (rows: Row[]) => strip(rows).map((r) => ({ ...r, time: "" }));
  assert.deepEqual(untimed(await rowsOf("any-sll2.pcap")), untimed(await rowsOf("any-sll.pcap")));
});
