/**
 * The decoder on hand-built frames: each field, option, link layer and
 * failure named (on the real fixtures: decode_fixtures.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addrString,
  decodeFrame,
  knownLinkType,
  linkTypeName,
  newPacket,
  TCP_ACK,
  TCP_NS,
  TCP_SYN,
} from "../../lib/decode/mod.ts";
import { be16, be32, ETH, frameOf, ipv4, ipv6, tcp } from "../support/frames.ts";

test("decode addrString: IPv4 dotted quad", { timeout: 300_000 }, () => {
  assert.equal(addrString(new Uint8Array([198, 18, 0, 255]), 0, 4), "198.18.0.255");
});

test("decode addrString: IPv6 follows RFC 5952", { timeout: 300_000 }, () => {
  const v6 = (groups: number[]) => {
    const b = new Uint8Array(16);
    groups.forEach((g, i) => {
      b[2 * i] = g >> 8;
      b[2 * i + 1] = g & 255;
    });
    return addrString(b, 0, 6);
  };
  assert.equal(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), "2001:db8::1");
  assert.equal(v6([0, 0, 0, 0, 0, 0, 0, 0]), "::");
  assert.equal(v6([0, 0, 0, 0, 0, 0, 0, 1]), "::1");
  assert.equal(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), "2001:db8::1:0:0:1"); // first run on a tie
  assert.equal(v6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]), "2001:db8:0:1:1:1:1:1"); // one zero: kept
  assert.equal(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 0]), "2001:db8:0:0:1::"); // longest run wins
  assert.equal(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), "2001:db8::");
  assert.equal(v6([0xfe80, 0, 0, 0, 0x42bc, 0x880, 0x4a77, 0x7f46]), "fe80::42bc:880:4a77:7f46");
  assert.equal(v6([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]), "::ffff:192.0.2.1");
  assert.equal(v6([0xABCD, 0xEF01, 0, 0, 0, 0, 0, 0x00a]), "abcd:ef01::a");
});

test("decode addrString: absent or out-of-range addresses are empty", { timeout: 300_000 }, () => {
  assert.equal(addrString(new Uint8Array(4), -1, 4), "");
  assert.equal(addrString(new Uint8Array(10), 0, 6), "");
  assert.equal(addrString(new Uint8Array(10), 0, 0), "");
});

test("decode tcp: every header field and option (MSS, WS, SACK-permitted, TS, SACK, NS)", {
  timeout: 300_000,
}, () => {
  const opts = [
    2,
    4,
    ...be16(1460),
    3,
    3,
    7,
    4,
    2,
    8,
    10,
    ...be32(111),
    ...be32(222),
    1,
    1,
    5,
    18,
    ...be32(10),
    ...be32(20),
    ...be32(30),
    ...be32(40),
  ];
  const seg = tcp(opts, [0x61, 0x62, 0x63], TCP_SYN | TCP_ACK, true);
  const p = decodeFrame(frameOf([...ETH(0x0800), ...ipv4(6, seg)], 1), newPacket());
  assert.equal(p.kind, "tcp", p.error);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.ipProto, 6);
  assert.equal(p.ttl, 64);
  assert.equal(addrString(p.buf, p.srcOff, 4), "198.18.0.1");
  assert.equal(addrString(p.buf, p.dstOff, 4), "198.18.0.2");
  assert.equal(p.srcPort, 40000);
  assert.equal(p.dstPort, 9877);
  assert.equal(p.seq, 0xfffffff0);
  assert.equal(p.ack, 123456789);
  assert.equal(p.flags, TCP_SYN | TCP_ACK | TCP_NS);
  assert.equal(p.window, 502);
  assert.equal(p.mss, 1460);
  assert.equal(p.wscale, 7);
  assert.equal(p.sackPermitted, true);
  assert.equal(p.tsVal, 111);
  assert.equal(p.tsEcr, 222);
  assert.equal(p.sackCount, 2);
  assert.deepEqual(p.sack.slice(0, 4), [10, 20, 30, 40]);
  assert.equal(p.payloadLen, 3);
  assert.equal(p.payloadCaptured, 3);
  assert.equal(String.fromCharCode(...p.buf.subarray(p.payloadOff, p.payloadOff + 3)), "abc");
});

test("decode tcp: synOptionsOnly reads options on SYN segments only", { timeout: 300_000 }, () => {
  // NOP NOP TS, then WS: what the explain engine's Packet skips on every non-SYN segment.
  const opts = [1, 1, 8, 10, ...be32(111), ...be32(222), 1, 3, 3, 7];
  const pkt = newPacket({ synOptionsOnly: true });
  assert.equal(pkt.synOptionsOnly, true);
  const syn = decodeFrame(frameOf([...ETH(0x0800), ...ipv4(6, tcp(opts, [], TCP_SYN))], 1), pkt);
  assert.equal(syn.kind, "tcp", syn.error);
  assert.equal(syn.wscale, 7);
  assert.equal(syn.tsVal, 111);
  const ack = decodeFrame(
    frameOf([...ETH(0x0800), ...ipv4(6, tcp(opts, [0x61], TCP_ACK))], 1),
    pkt,
  );
  assert.equal(ack.kind, "tcp", ack.error);
  assert.equal(ack.payloadLen, 1);
  assert.equal(ack.wscale, -1);
  assert.equal(ack.tsVal, -1);
  assert.equal(ack.tsEcr, -1);
  assert.equal(ack.synOptionsOnly, true, "the decoder keeps the caller's setting");
  // The default reads them everywhere.
  const all = decodeFrame(
    frameOf([...ETH(0x0800), ...ipv4(6, tcp(opts, [0x61], TCP_ACK))], 1),
    newPacket(),
  );
  assert.equal(all.tsVal, 111);
  assert.equal(all.wscale, 7);
});

test(
  "decode tcp: four SACK blocks and a truncated option list stop cleanly",
  { timeout: 300_000 },
  () => {
    const sack = [1, 1, 5, 34];
    for (let i = 0; i < 8; i++) sack.push(...be32(i + 1));
    const p = decodeFrame(frameOf(ipv4(6, tcp(sack)), 101), newPacket());
    assert.equal(p.sackCount, 4);
    assert.deepEqual(p.sack, [1, 2, 3, 4, 5, 6, 7, 8]);
    // An MSS option claiming 40 bytes: options end there, the segment still decodes.
    const q = decodeFrame(frameOf(ipv4(6, tcp([2, 40, 1, 1])), 101), newPacket());
    assert.equal(q.kind, "tcp");
    assert.equal(q.mss, -1);
  },
);

test("decode ipv4: a non-first fragment is never parsed as TCP", { timeout: 300_000 }, () => {
  const p = decodeFrame(frameOf(ipv4(6, tcp(), { frag: 0x0010 }), 101), newPacket());
  assert.equal(p.kind, "fragment");
  assert.equal(p.srcPort, -1);
  assert.equal(p.ipProto, 6);
  const first = decodeFrame(frameOf(ipv4(6, tcp(), { frag: 0x2000 }), 101), newPacket());
  assert.equal(first.kind, "tcp"); // first fragment (MF, offset 0): the header is there
});

test("decode ipv4: header options are skipped by the header length", { timeout: 300_000 }, () => {
  const p = decodeFrame(frameOf(ipv4(6, tcp(), { ihlWords: 7 }), 228), newPacket());
  assert.equal(p.kind, "tcp", p.error);
  assert.equal(p.srcPort, 40000);
});

test("decode ipv4: total length 0 (TSO on the capturing host) means as captured", {
  timeout: 300_000,
}, () => {
  const bytes = ipv4(6, tcp([], [1, 2, 3, 4]));
  bytes[2] = 0;
  bytes[3] = 0;
  const p = decodeFrame(frameOf(bytes, 101), newPacket());
  assert.equal(p.kind, "tcp");
  assert.equal(p.payloadLen, 4);
});

test(
  "decode ipv4: Ethernet padding after the IP packet is not payload",
  { timeout: 300_000 },
  () => {
    const p = decodeFrame(
      frameOf([...ETH(0x0800), ...ipv4(6, tcp()), 0, 0, 0, 0, 0, 0], 1),
      newPacket(),
    );
    assert.equal(p.payloadLen, 0);
    assert.equal(p.payloadCaptured, 0);
  },
);

test("decode ipv6: hop-by-hop, destination options and a first fragment lead to TCP", {
  timeout: 300_000,
}, () => {
  const seg = tcp();
  const frag = [6, 0, 0, 0, 0, 0, 0, 9]; // offset 0, no MF
  const dst = [44, 0, 1, 4, 0, 0, 0, 0];
  const hop = [60, 0, 1, 4, 0, 0, 0, 0];
  const p = decodeFrame(frameOf(ipv6(0, [...hop, ...dst, ...frag, ...seg]), 229), newPacket());
  assert.equal(p.kind, "tcp", p.error);
  assert.equal(p.ipVersion, 6);
  assert.equal(p.ttl, 61);
  assert.equal(addrString(p.buf, p.srcOff, 6), "2001:db8::1");
  assert.equal(p.seq, 0xfffffff0);
});

test("decode ipv6: a non-first fragment is never parsed as TCP", { timeout: 300_000 }, () => {
  const frag = [6, 0, 0x05, 0xa8, 0, 0, 0, 9]; // offset 1448
  const p = decodeFrame(frameOf(ipv6(44, [...frag, ...tcp()]), 229), newPacket());
  assert.equal(p.kind, "fragment");
  assert.equal(p.ipProto, 6);
  assert.equal(p.seq, -1);
});

test("decode link: SLL, SLL2, NULL (either order), LOOP, PPP, PPPoE, VLAN, QinQ", {
  timeout: 300_000,
}, () => {
  const ip = ipv4(6, tcp());
  const cases: Array<[string, number[], number]> = [
    ["sll", [0, 0, 3, 4, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0, ...ip], 113],
    ["sll2", [8, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, ...ip], 276],
    ["null le", [2, 0, 0, 0, ...ip], 0],
    ["null be", [0, 0, 0, 2, ...ip], 0],
    ["loop", [0, 0, 0, 2, ...ip], 108],
    ["ppp", [0xff, 3, 0, 0x21, ...ip], 9],
    ["ppp no hdlc", [0, 0x21, ...ip], 9],
    ["pppoe", [...ETH(0x8864), 0x11, 0, 0, 1, ...be16(ip.length + 2), 0, 0x21, ...ip], 1],
    ["vlan", [...ETH(0x8100), 0, 100, 8, 0, ...ip], 1],
    ["qinq", [...ETH(0x88a8), 0, 200, 0x81, 0, 1, 44, 8, 0, ...ip], 1],
    ["raw", ip, 101],
    ["raw 12", ip, 12],
    ["raw 14", ip, 14],
  ];
  for (const [name, bytes, lt] of cases) {
    const p = decodeFrame(frameOf(bytes, lt), newPacket());
    assert.equal(p.kind, "tcp", `${name}: ${p.error}`);
    assert.equal(p.srcPort, 40000, name);
    assert.equal(p.linkType, lt);
  }
  const v6 = decodeFrame(frameOf([30, 0, 0, 0, ...ipv6(6, tcp())], 0), newPacket());
  assert.equal(v6.kind, "tcp");
  assert.equal(v6.ipVersion, 6);
});

test("decode kinds: ARP is non-ip, an unknown link type is unknown-link, UDP has ports", {
  timeout: 300_000,
}, () => {
  assert.equal(
    decodeFrame(frameOf([...ETH(0x0806), ...Array(28).fill(0)], 1), newPacket()).kind,
    "non-ip",
  );
  const unknown = decodeFrame(frameOf([1, 2, 3], 147), newPacket());
  assert.equal(unknown.kind, "unknown-link");
  assert.equal(unknown.error, "unsupported link type 147");
  const u = decodeFrame(frameOf(ipv4(17, [0, 53, 0x26, 0x95, 0, 8, 0, 0]), 101), newPacket());
  assert.equal(u.kind, "udp");
  assert.equal(u.srcPort, 53);
  assert.equal(u.dstPort, 9877);
  assert.equal(decodeFrame(frameOf(ipv4(47, [0, 0, 0, 0]), 101), newPacket()).kind, "other-ip");
  const echo = decodeFrame(frameOf(ipv4(1, [8, 0, 0, 0, 0, 1, 0, 1]), 101), newPacket());
  assert.equal(echo.kind, "other-ip");
  assert.equal(echo.icmpType, 8);
});

test("decode malformed: labelled failures, never exceptions", { timeout: 300_000 }, () => {
  const cases: Array<[number[], number, string, number?]> = [
    [[1, 2, 3, 4, 5], 1, "Ethernet header cut"],
    [ipv4(6, tcp(), { ihlWords: 4 }), 101, "IPv4 header length < 20"],
    [[0x50, ...Array(30).fill(0)], 101, "raw IP frame is not IP version 4 or 6"],
    [[0x60, ...Array(30).fill(0)], 228, "IP version disagrees with the header before it"],
    [ipv4(6, tcp()).slice(0, 30), 101, "TCP header cut"],
    [ipv4(6, tcp()), 101, "TCP header cut", 25],
    [ipv4(6, [...tcp().slice(0, 12), 0x30, ...tcp().slice(13)]), 101, "TCP header length < 20"],
    [
      ipv4(6, [...tcp().slice(0, 12), 0xf0, ...tcp().slice(13)]),
      101,
      "TCP header longer than the IP payload",
    ],
    [ipv6(6, tcp()).slice(0, 30), 101, "IPv6 header cut"],
    [ipv6(0, [6, 5]), 229, "IPv6 extension headers cut"],
    [ipv4(1, [3, 1, 0]), 101, "ICMP header cut"],
    [[2, 0], 0, "loopback header cut"],
  ];
  for (const [bytes, lt, why, caplen] of cases) {
    const p = decodeFrame(frameOf(bytes, lt, caplen), newPacket());
    assert.equal(p.kind, "malformed", `${why}: got ${p.kind}`);
    assert.equal(p.error, why);
  }
});

test("decode packet: one object shape whatever the frame", { timeout: 300_000 }, () => {
  const keys = Object.keys(newPacket()).join(",");
  const p = newPacket();
  for (const [bytes, lt] of [[ipv4(6, tcp()), 101], [[1], 147], [[0x50], 101]] as const) {
    decodeFrame(frameOf([...bytes], lt), p);
    assert.equal(Object.keys(p).join(","), keys);
  }
});

test(
  "decode link names: known link types are named, others say unknown",
  { timeout: 300_000 },
  () => {
    assert.equal(linkTypeName(276), "Linux cooked v2 (SLL2)");
    assert.equal(linkTypeName(147), "link type 147 (unknown)");
    assert.ok([0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276].every(knownLinkType));
    assert.equal(knownLinkType(147), false);
  },
);
