/**
 * The decoder on hand-built frames of the link types and tunnels added for
 * real captures (issue 11): each one leads to the inner TCP; what cannot be
 * decoded says why with a stable reason; the length rule (the smaller length
 * wins, `lengthNote` says which) and its outer-fragment exception.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeFrame, LENGTH_NOTE, newPacket, type Packet } from "../../lib/decode/mod.ts";
import { be16, ETH, frameOf, ipv4, ipv6, stableReason, tcp } from "../support/frames.ts";

const IP = ipv4(6, tcp([], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
const IP6 = ipv6(6, tcp([], [1, 2, 3]));
const SNAP_IP = [0xaa, 0xaa, 3, 0, 0, 0, 8, 0];
const udp = (sport: number, dport: number, payload: number[]) => [
  ...be16(sport),
  ...be16(dport),
  ...be16(8 + payload.length),
  0,
  0,
  ...payload,
];
/** An 802.11 QoS data frame header (to DS), as Aruba's GRE carries. */
const WLAN_QOS = (fc1 = 0x01, qos0 = 0) => [0x88, fc1, 0, 0, ...Array(18).fill(2), 0, 0, qos0, 0];

function decode(bytes: number[], lt: number, caplen?: number): Packet {
  return decodeFrame(frameOf(bytes, lt, caplen), newPacket());
}

function assertTcp(name: string, p: Packet, tunnel = "", payloadLen = 10) {
  assert.equal(p.kind, "tcp", `${name}: ${p.kind} ${p.error}`);
  assert.equal(p.srcPort, 40000, name);
  assert.equal(p.dstPort, 9877, name);
  assert.equal(p.payloadLen, payloadLen, name);
  assert.equal(p.tunnel, tunnel, name);
  assert.equal(p.lengthNote, "", name);
}

test("decode link types: FDDI, ARCnet, NFLOG, IPoIB, Cisco HDLC, Juniper, PPP with direction", {
  timeout: 300_000,
}, () => {
  const cases: Array<[string, number[], number]> = [
    ["fddi", [0x50, ...Array(12).fill(7), ...SNAP_IP, ...IP], 10],
    ["arcnet linux rfc1051", [0xbe, 0x50, 0, 0, 240, ...IP], 129],
    ["arcnet linux rfc1201", [0xbe, 0x50, 0, 0, 212, 0, 1, 0x66, ...IP], 129],
    ["arcnet rfc1201 exception", [1, 2, 0, 0, 212, 0xff, 0xff, 0xff, 212, 0, 0, 1, ...IP], 129],
    ["arcnet bsd", [0xbe, 0x50, 240, ...IP], 7],
    [
      "nflog le",
      [2, 0, 0, 1, 8, 0, 1, 0, 8, 0, 0, 0, ...be16(IP.length + 4).reverse(), 9, 0, ...IP, 0, 0],
      239,
    ],
    ["nflog be", [2, 0, 0, 1, 0, 8, 0, 1, 8, 0, 0, 0, ...be16(IP.length + 4), 0, 9, ...IP], 239],
    ["ipoib", [...Array(40).fill(0), 8, 0, 0, 0, ...IP], 242],
    ["cisco hdlc", [0x0f, 0, 8, 0, ...IP], 104],
    ["cisco hdlc with direction", [1, 0x8f, 0, 8, 0, ...IP], 205],
    ["cisco hdlc in ppp serial", [0x0f, 0, 8, 0, ...IP], 50],
    ["ppp with direction", [1, 0xff, 3, 0, 0x21, ...IP], 204],
    ["juniper ether", [0x4d, 0x47, 0x43, 0x80, 0, 2, 9, 9, ...ETH(0x0800), ...IP], 178],
    ["juniper ether no ext", [0x4d, 0x47, 0x43, 0x01, ...ETH(0x0800), ...IP], 178],
    ["802.3 llc/snap", [...ETH(IP.length + 8), ...SNAP_IP, ...IP], 1],
    [
      "802.3 llc/snap in vlan",
      [...ETH(0x8100), 0, 5, ...be16(IP.length + 8), ...SNAP_IP, ...IP],
      1,
    ],
    ["sll llc", [0, 0, 3, 4, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 4, ...SNAP_IP, ...IP], 113],
    ["ppp compressed protocol", [0xff, 3, 0x21, ...IP], 9],
    ["ppp no hdlc compressed", [0x21, ...IP], 9],
    ["pppoe compressed protocol", [
      ...ETH(0x8864),
      0x11,
      0,
      0,
      1,
      ...be16(IP.length + 1),
      0x21,
      ...IP,
    ], 1],
    ["pppoe link type", [0x11, 0, 0, 1, ...be16(IP.length + 2), 0, 0x21, ...IP], 51],
    ["vn-tag", [...ETH(0x8926), 0, 0, 0, 0, 8, 0, ...IP], 1],
    ["e-tag", [...ETH(0x893f), 0, 0, 0, 0, 0, 0, 8, 0, ...IP], 1],
    ["qinq 0x9200", [...ETH(0x9200), 0, 1, 0x81, 0, 0, 2, 8, 0, ...IP], 1],
  ];
  for (const [name, bytes, lt] of cases) assertTcp(name, decode(bytes, lt));
  const v6 = decode([0xbe, 0x50, 0, 0, 196, 0, 0, 1, ...IP6], 129);
  assert.equal(v6.kind, "tcp");
  assert.equal(v6.ipVersion, 6);
});

test(
  "decode link types: Token Ring, ATM, enc, pflog, 802.11 (radiotap, Prism, AVS, PPI), PKTAP, …",
  {
    timeout: 300_000,
  },
  () => {
    const wlanData = [0x08, 0x01, 0, 0, ...Array(18).fill(2), 0, 0, ...SNAP_IP, ...IP]; // data, to DS
    const le16 = (x: number) => [x & 255, x >> 8];
    const cases: Array<[string, number[], number]> = [
      ["token ring", [0x10, 0x40, ...Array(12).fill(3), ...SNAP_IP, ...IP], 6],
      ["token ring with routing", [
        0x10,
        0x40,
        ...Array(6).fill(3),
        0x80,
        0,
        0,
        0,
        0,
        0,
        0x04,
        0x30,
        0,
        0,
        ...SNAP_IP,
        ...IP,
      ], 6],
      ["atm llc", [...SNAP_IP, ...IP], 100],
      ["enc", [2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, ...IP], 109],
      ["pflog", [61, 2, ...Array(62).fill(0), ...IP], 117],
      ["802.11", wlanData, 105],
      [
        "802.11 four addresses",
        [0x08, 0x03, 0, 0, ...Array(24).fill(2), 0, 0, ...SNAP_IP, ...IP],
        105,
      ],
      ["radiotap", [0, 0, ...le16(12), 4, 0, 0, 0, 0x10, 0, 0, 0, ...wlanData], 127],
      ["prism", [0x44, 0, 0, 0, 16, 0, 0, 0, ...Array(8).fill(0), ...wlanData], 119],
      ["avs", [0x80, 0x21, 0x10, 1, 0, 0, 0, 12, 0, 0, 0, 0, ...wlanData], 163],
      ["ppi", [0, 0, ...le16(8), 105, 0, 0, 0, ...wlanData], 192],
      ["pktap", [12, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, ...ETH(0x0800), ...IP], 258],
      ["ieee 1394", [...Array(16).fill(1), 8, 0, ...IP], 138],
      ["mpls link", [0, 1, 1, 64, ...IP], 219],
      ["ipnet", [1, 2, 0, 0, ...Array(20).fill(0), ...IP], 226],
      ["netanalyzer", [0, 0, 0, 0, ...ETH(0x0800), ...IP], 240],
      ["netanalyzer transparent", [
        0,
        0,
        0,
        0,
        0x55,
        0x55,
        0x55,
        0x55,
        0x55,
        0x55,
        0x55,
        0xd5,
        ...ETH(0x0800),
        ...IP,
      ], 241],
    ];
    for (const [name, bytes, lt] of cases) {
      assertTcp(
        name,
        decode(bytes, lt),
        name.includes("mpls") ? "MPLS" : "",
      );
    }
    const v6 = decode([61, 24, ...Array(62).fill(0), ...IP6], 117);
    assert.equal(v6.kind, "tcp");
    assert.equal(v6.ipVersion, 6);
    const beacon = decode([0x80, 0, ...Array(40).fill(0)], 105);
    assert.equal(beacon.kind, "non-ip");
    const wep = decode([0x08, 0x41, 0, 0, ...Array(18).fill(2), 0, 0, ...Array(40).fill(9)], 105);
    assert.equal(wep.kind, "unsupported");
    assert.equal(wep.error, "unsupported encryption: 802.11 protected frame");
  },
);

test("decode link types: what carries no IP is non-ip, not an error", { timeout: 300_000 }, () => {
  const cases: Array<[string, number[], number]> = [
    ["fddi smt frame", [0x41, ...Array(12).fill(7), ...SNAP_IP, ...IP], 10],
    ["802.3 stp", [...ETH(38), 0x42, 0x42, 3, ...Array(35).fill(0)], 1],
    ["snap with a vendor oui", [...ETH(40), 0xaa, 0xaa, 3, 0, 0, 0x0c, 0x20, 0, ...IP], 1],
    ["arcnet arp", [0xbe, 0x50, 0, 0, 241, ...Array(20).fill(0)], 129],
    ["nflog without payload", [2, 0, 0, 1, 8, 0, 1, 0, 8, 0, 0, 0], 239],
    ["ppp lcp", [0xff, 3, 0xc0, 0x21, 1, 1, 0, 4], 9],
    ["sll novell", [0, 0, 3, 4, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 1, 0xff, 0xff], 113],
  ];
  for (const [name, bytes, lt] of cases) {
    const p = decode(bytes, lt);
    assert.equal(p.kind, "non-ip", name);
    assert.equal(p.error, "", name);
  }
});

test("decode tunnels: IP-in-IP (4in4, 6in4, 4in6, 6in6), the inner packet is what is seen", {
  timeout: 300_000,
}, () => {
  const cases: Array<[string, number[], number, string, number]> = [
    ["4in4", ipv4(4, IP), 101, "IPv4-in-IPv4", 4],
    ["6in4", ipv4(41, IP6), 101, "IPv6-in-IPv4", 6],
    ["4in6", ipv6(4, IP), 101, "IPv4-in-IPv6", 4],
    ["6in6", ipv6(41, IP6), 101, "IPv6-in-IPv6", 6],
  ];
  for (const [name, bytes, lt, tunnel, v] of cases) {
    const p = decode(bytes, lt);
    assertTcp(name, p, tunnel, v === 4 ? 10 : 3);
    assert.equal(p.ipVersion, v, name);
    assert.equal(p.ipProto, 6, name);
    assert.equal(p.srcOff, 5 + (bytes.length - (v === 4 ? IP : IP6).length) + (v === 4 ? 12 : 8));
  }
});

test("decode tunnels: GRE with its options, ERSPAN I/II/III, WCCP, PPTP, Aruba 802.11", {
  timeout: 300_000,
}, () => {
  const eth = [...ETH(0x0800), ...IP];
  const cases: Array<[string, number[], string]> = [
    ["gre", [0, 0, 8, 0, ...IP], "GRE"],
    ["gre csum key seq", [0xb0, 0, 8, 0, ...Array(12).fill(9), ...IP], "GRE"],
    ["gre ipv6", [0x20, 0, 0x86, 0xdd, 0, 0, 0, 1, ...IP6], "GRE"],
    ["gre bridged ethernet", [0, 0, 0x65, 0x58, ...eth], "GRE"],
    ["erspan i", [0, 0, 0x88, 0xbe, ...eth], "GRE/ERSPAN"],
    [
      "erspan ii",
      [0x10, 0, 0x88, 0xbe, 0, 0, 0, 1, 0x10, 1, 0, 0, 0, 0, 0, 5, ...eth],
      "GRE/ERSPAN",
    ],
    ["erspan iii", [0x10, 0, 0x22, 0xeb, 0, 0, 0, 1, ...Array(12).fill(0), ...eth], "GRE/ERSPAN"],
    [
      "erspan iii subheader",
      [0x10, 0, 0x22, 0xeb, 0, 0, 0, 1, ...Array(11).fill(0), 1, ...Array(8).fill(3), ...eth],
      "GRE/ERSPAN",
    ],
    ["wccp", [0, 0, 0x88, 0x3e, 0, 0, 0, 0, ...IP], "GRE"],
    ["wccp without redirect header", [0, 0, 0x88, 0x3e, ...IP], "GRE"],
    ["pptp", [0x30, 0x01, 0x88, 0x0b, 0, 10, 0, 1, 0, 0, 0, 7, 0xff, 3, 0, 0x21, ...IP], "GRE"],
    [
      "pptp with ack, compressed",
      [0x30, 0x81, 0x88, 0x0b, ...Array(12).fill(0), 0x21, ...IP],
      "GRE",
    ],
    ["gre mpls", [0, 0, 0x88, 0x47, 0, 1, 0x01, 64, ...IP], "GRE/MPLS"],
    ["aruba", [0, 0, 0x82, 0, ...WLAN_QOS(), ...SNAP_IP, ...IP], "GRE"],
    ["aruba a-msdu", [
      0,
      0,
      0x82,
      0x10,
      ...WLAN_QOS(1, 0x80),
      ...Array(14).fill(4),
      ...SNAP_IP,
      ...IP,
    ], "GRE"],
  ];
  for (const [name, gre, tunnel] of cases) {
    assertTcp(name, decode(ipv4(47, gre), 101), tunnel, name.endsWith("ipv6") ? 3 : 10);
  }
  assertTcp("gre in ipv6", decode(ipv6(47, [0, 0, 8, 0, ...IP]), 101), "GRE");
});

test("decode tunnels: MPLS (IP, Ethernet pseudowire), PBB, FabricPath over Ethernet and PPP", {
  timeout: 300_000,
}, () => {
  const cases: Array<[string, number[], number, string]> = [
    ["mpls", [...ETH(0x8847), 0, 1, 0, 64, 0, 2, 1, 64, ...IP], 1, "MPLS"],
    ["mpls ipv6", [...ETH(0x8847), 0, 2, 1, 64, ...IP6], 1, "MPLS"],
    ["mpls in vlan", [...ETH(0x8100), 0, 7, 0x88, 0x47, 0, 2, 1, 64, ...IP], 1, "MPLS"],
    ["mpls pseudowire", [...ETH(0x8847), 0, 2, 1, 64, 0, 0, 0, 0, ...ETH(0x800), ...IP], 1, "MPLS"],
    ["ppp mpls", [0xff, 3, 2, 0x81, 0, 2, 1, 64, ...IP], 9, "MPLS"],
    ["pbb", [...ETH(0x88e7), 0, 0, 0, 1, ...ETH(0x8100), 0, 3, 8, 0, ...IP], 1, "PBB"],
    ["fabricpath", [...ETH(0x8903), 0, 0, ...ETH(0x0800), ...IP], 1, "FabricPath"],
    ["nsh", [...ETH(0x894f), 0x0f, 0x02, 0x02, 1, 0, 0, 1, 0xff, ...IP], 1, "NSH"],
  ];
  for (const [name, bytes, lt, tunnel] of cases) {
    const p = decode(bytes, lt);
    assertTcp(name, p, tunnel, name.endsWith("ipv6") ? 3 : 10);
  }
});

test("decode tunnels: VXLAN, Geneve, GTP-U, GRE-in-UDP, AYIYA (either UDP port)", {
  timeout: 300_000,
}, () => {
  const eth = [...ETH(0x0800), ...IP];
  const cases: Array<[string, number[], string]> = [
    ["vxlan", udp(50000, 4789, [8, 0, 0, 0, 0, 0, 1, 0, ...eth]), "VXLAN"],
    ["vxlan source port", udp(4789, 50000, [8, 0, 0, 0, 0, 0, 1, 0, ...eth]), "VXLAN"],
    ["geneve", udp(50000, 6081, [0, 0, 0x65, 0x58, 0, 0, 1, 0, ...eth]), "Geneve"],
    [
      "geneve options",
      udp(50000, 6081, [2, 0, 0x65, 0x58, 0, 0, 1, 0, ...Array(8).fill(1), ...eth]),
      "Geneve",
    ],
    ["geneve ip", udp(50000, 6081, [0, 0, 8, 0, 0, 0, 1, 0, ...IP]), "Geneve"],
    ["gtp-u", udp(2152, 2152, [0x30, 0xff, ...be16(IP.length), 0, 0, 0, 1, ...IP]), "GTP-U"],
    [
      "gtp-u extension header",
      udp(2152, 2152, [0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0, 9, 0, ...IP]),
      "GTP-U",
    ],
    [
      "gtp-u sequence",
      udp(2152, 2152, [0x32, 0xff, 0, 0, 0, 0, 0, 1, 0, 5, 0, 0, ...IP6]),
      "GTP-U",
    ],
    ["gre in udp", udp(50000, 4754, [0, 0, 8, 0, ...IP]), "GRE-in-UDP"],
    ["vxlan-gpe ip", udp(50000, 4790, [0x0c, 0, 0, 1, 0, 0, 1, 0, ...IP]), "VXLAN-GPE"],
    ["vxlan-gpe ethernet", udp(50000, 4790, [0x08, 0, 0, 0, 0, 0, 1, 0, ...eth]), "VXLAN-GPE"],
    [
      "vxlan-gpe nsh",
      udp(50000, 4790, [0x0c, 0, 0, 4, 0, 0, 1, 0, 0x0f, 0x02, 0x02, 3, 0, 0, 1, 0xff, ...eth]),
      "VXLAN-GPE/NSH",
    ],
    [
      "ayiya",
      udp(5072, 5072, [0x41, 0x52, 0x11, 41, 0, 0, 0, 1, ...Array(36).fill(0), ...IP6]),
      "AYIYA",
    ],
    ["l2tp", udp(1701, 1701, [0, 2, 0, 1, 0, 1, 0xff, 3, 0, 0x21, ...IP]), "L2TP"],
    [
      "l2tp length, sequence, offset",
      udp(1701, 1701, [0x4a, 2, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 2, 9, 9, 0x21, ...IP]),
      "L2TP",
    ],
    ["teredo", udp(3544, 50000, IP6), "Teredo"],
    ["teredo origin", udp(50000, 3544, [0, 0, 1, 2, 3, 4, 5, 6, ...IP6]), "Teredo"],
    [
      "teredo auth origin",
      udp(50000, 3544, [0, 1, 2, 1, 7, 7, 9, ...Array(9).fill(0), 0, 0, 1, 2, 3, 4, 5, 6, ...IP6]),
      "Teredo",
    ],
  ];
  for (const [name, u, tunnel] of cases) {
    const p = decode(ipv4(17, u), 101);
    const v6 = name.endsWith("sequence") || name === "ayiya" || name.startsWith("teredo");
    assertTcp(name, p, tunnel, v6 ? 3 : 10);
  }
  assertTcp(
    "vxlan in ipv6",
    decode(ipv6(17, udp(1, 4789, [8, 0, 0, 0, 0, 0, 1, 0, ...eth])), 101),
    "VXLAN",
  );
  const nested = udp(1, 4789, [
    8,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    ...ETH(0x800),
    ...ipv4(47, [0, 0, 8, 0, ...IP]),
  ]);
  assertTcp("gre in vxlan", decode(ipv4(17, nested), 101), "VXLAN/GRE");
});

test(
  "decode tunnels: what is not tunnelled data stays UDP / other-ip",
  { timeout: 300_000 },
  () => {
    const echo = decode(ipv4(17, udp(2152, 2152, [0x32, 1, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0])), 101);
    assert.equal(echo.kind, "udp"); // GTP echo request: signalling
    assert.equal(echo.dstPort, 2152);
    const heartbeat = decode(ipv4(17, udp(5072, 5072, [0x41, 0x52, 0x10, 59, 0, 0, 0, 1])), 101);
    assert.equal(heartbeat.kind, "udp");
    const control = decode(
      ipv4(17, udp(1701, 1701, [0xc8, 2, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0])),
      101,
    );
    assert.equal(control.kind, "udp"); // L2TP control message
    const bubble = decode(ipv4(17, udp(3544, 3544, [0, 0, 1, 2, 3, 4, 5, 6])), 101);
    assert.equal(bubble.kind, "udp"); // Teredo indication without an IPv6 packet
    const arp = decode(
      ipv4(17, udp(1, 4789, [8, 0, 0, 0, 0, 0, 1, 0, ...ETH(0x0806), ...Array(28).fill(0)])),
      101,
    );
    assert.equal(arp.kind, "other-ip");
    assert.equal(arp.error, "");
    const keepalive = decode(ipv4(47, [0, 0, 0, 0]), 101);
    assert.equal(keepalive.kind, "other-ip");
    assert.equal(decode(ipv4(47, [0, 0, 0x08, 0x06, ...Array(28).fill(0)]), 101).kind, "other-ip");
    const aruba = decode(ipv4(47, [0, 0, 0x82, 0, 0x48, 1, ...Array(22).fill(0)]), 101); // null data
    assert.equal(aruba.kind, "other-ip");
  },
);

test("decode unsupported: stable reasons for what may carry TCP but is not decoded", {
  timeout: 300_000,
}, () => {
  const cases: Array<[string, number[], number, string, string]> = [
    ["link", [1, 2, 3], 147, "unknown-link", "unsupported link type 147"],
    [
      "gre proto",
      ipv4(47, [0, 0, 0x12, 0x34, ...IP]),
      101,
      "unsupported",
      "unsupported tunnel: GRE",
    ],
    [
      "gre routing",
      ipv4(47, [0x40, 0, 8, 0, 0, 0, 0, 0, ...IP]),
      101,
      "unsupported",
      "unsupported tunnel: GRE source routing",
    ],
    [
      "gre version",
      ipv4(47, [0, 2, 8, 0, ...IP]),
      101,
      "unsupported",
      "unsupported tunnel: GRE version",
    ],
    [
      "mpls payload",
      [...ETH(0x8847), 0, 2, 1, 64, 0x90, ...IP],
      1,
      "unsupported",
      "unsupported tunnel: MPLS",
    ],
    [
      "geneve proto",
      ipv4(17, udp(1, 6081, [0, 0, 0x12, 0x34, 0, 0, 1, 0, ...IP])),
      101,
      "unsupported",
      "unsupported tunnel: Geneve",
    ],
    [
      "gtp-u payload",
      ipv4(17, udp(2152, 2152, [0x30, 0xff, 0, 0, 0, 0, 0, 1, 0xff, 3, ...IP])),
      101,
      "unsupported",
      "unsupported tunnel: GTP-U",
    ],
    [
      "nsh next",
      [...ETH(0x894f), 0x0f, 0x02, 0x02, 9, 0, 0, 1, 0xff, ...IP],
      1,
      "unsupported",
      "unsupported tunnel: NSH",
    ],
    ["pktap cut", [99, 0, 0, 0, 1, 0, 0, 0], 258, "malformed", "PKTAP header cut"],
    [
      "pktap inner link",
      [12, 0, 0, 0, 147, 0, 0, 0, 0, 0, 0, 0, 1],
      258,
      "unknown-link",
      "unsupported link type 147",
    ],
    [
      "l2tpv3 over udp",
      ipv4(17, udp(1701, 1701, [0, 3, 0, 0, 0, 0, 0, 1, ...IP])),
      101,
      "unsupported",
      "unsupported tunnel: L2TPv3",
    ],
    [
      "l2tpv3 over ip",
      ipv4(115, [0, 0, 0, 1, ...IP]),
      101,
      "unsupported",
      "unsupported tunnel: L2TPv3",
    ],
    [
      "ayiya next",
      ipv4(17, udp(5072, 5072, [0x41, 0x52, 0x11, 17, 0, 0, 0, 1, ...Array(36).fill(0), ...IP])),
      101,
      "unsupported",
      "unsupported tunnel: AYIYA",
    ],
    [
      "802.11 protected",
      ipv4(47, [0, 0, 0x82, 0, ...WLAN_QOS(0x41), ...IP]),
      101,
      "unsupported",
      "unsupported encryption: 802.11 protected frame",
    ],
    [
      "ppp vj",
      [0xff, 3, 0, 0x2d, ...IP],
      9,
      "unsupported",
      "unsupported compression: PPP Van Jacobson",
    ],
    ["vxlan cut", ipv4(17, udp(1, 4789, [8, 0, 0])), 101, "malformed", "VXLAN header cut"],
    ["gre cut", ipv4(47, [0x30, 0, 8, 0, 1]), 101, "malformed", "GRE header cut"],
    ["mpls cut", [...ETH(0x8847), 0, 2, 0, 64], 1, "malformed", "MPLS header cut"],
    ["vlan cut", [...ETH(0x8100), 0], 1, "malformed", "VLAN header cut"],
    ["llc cut", [...ETH(3), 0xaa], 1, "malformed", "LLC header cut"],
    ["fddi cut", [0x50, 1, 2], 10, "malformed", "FDDI header cut"],
    ["ipoib cut", [0, 0], 242, "malformed", "IPoIB header cut"],
    ["juniper magic", [1, 2, 3, 4, 5], 178, "malformed", "Juniper header without its magic"],
    ["inner ip cut", ipv4(4, IP.slice(0, 12)), 101, "malformed", "IPv4 header cut"],
  ];
  for (const [name, bytes, lt, kind, error] of cases) {
    const p = decode(bytes, lt);
    assert.equal(p.kind, kind, `${name}: ${p.kind} ${p.error}`);
    assert.equal(p.error, error, name);
    assert.ok(stableReason(p.error), name);
  }
  let deep = IP;
  for (let i = 0; i < 10; i++) deep = ipv4(4, deep);
  const p = decode(deep, 101);
  assert.equal(p.kind, "malformed");
  assert.equal(p.error, "encapsulations nested too deep");
});

test(
  "decode lengths: the smaller of IP's length and the frame's / PPPoE's / NFLOG's / outer packet's",
  {
    timeout: 300_000,
  },
  () => {
    // IP says 100 bytes more than the frame has on the wire (origLen): the frame's count.
    const long = [...IP];
    long[3] += 100;
    const a = decode(long, 101);
    assert.equal(a.kind, "tcp");
    assert.equal(a.payloadLen, 10);
    assert.equal(a.lengthNote, LENGTH_NOTE.FRAME);
    // A snaplen cut is not a disagreement: IP's length stands, fewer bytes captured.
    const b = decode(IP, 101, IP.length - 4);
    assert.equal(b.payloadLen, 10);
    assert.equal(b.payloadCaptured, 6);
    assert.equal(b.lengthNote, "");
    // PPPoE's length ends 4 bytes before IP's: PPPoE's counts.
    const c = decode([...ETH(0x8864), 0x11, 0, 0, 1, ...be16(IP.length - 2), 0, 0x21, ...IP], 1);
    assert.equal(c.kind, "tcp");
    assert.equal(c.payloadLen, 6);
    assert.equal(c.payloadCaptured, 6);
    assert.equal(c.lengthNote, LENGTH_NOTE.PPPOE);
    // PPPoE's length longer (padding after): IP's counts, no note.
    const d = decode([
      ...ETH(0x8864),
      0x11,
      0,
      0,
      1,
      ...be16(IP.length + 8),
      0,
      0x21,
      ...IP,
      0,
      0,
      0,
      0,
      0,
      0,
    ], 1);
    assert.equal(d.payloadLen, 10);
    assert.equal(d.lengthNote, "");
    // NFLOG's payload TLV ends 3 bytes before IP's end.
    const e = decode([2, 0, 0, 1, ...be16(IP.length + 1).reverse(), 9, 0, ...IP], 239);
    assert.equal(e.payloadLen, 7);
    assert.equal(e.lengthNote, LENGTH_NOTE.NFLOG);
    // The inner packet claims more than the outer one carries: the outer counts.
    const f = decode(ipv4(47, [0, 0, 8, 0, ...IP.slice(0, IP.length - 5)]), 101);
    assert.equal(f.kind, "tcp");
    assert.equal(f.payloadLen, 5);
    assert.equal(f.lengthNote, LENGTH_NOTE.OUTER);
    // ... unless the outer packet is a first fragment: the rest is in the next fragment,
    // so the inner length stands and the missing bytes count as not captured.
    const g = decode(ipv4(47, [0, 0, 8, 0, ...IP.slice(0, IP.length - 5)], { frag: 0x2000 }), 101);
    assert.equal(g.kind, "tcp");
    assert.equal(g.payloadLen, 10);
    assert.equal(g.payloadCaptured, 5);
    assert.equal(g.lengthNote, LENGTH_NOTE.OUTER_FRAGMENT);
    // Ethernet padding after the inner packet is not payload (IP's length is shorter).
    const h = decode([...ETH(0x0800), ...ipv4(4, IP), 0, 0, 0, 0], 1);
    assert.equal(h.payloadLen, 10);
    assert.equal(h.lengthNote, "");
  },
);

test("decode fuzz: mutated tunnel and link frames never throw and give stable reasons", {
  timeout: 300_000,
}, () => {
  const eth = [...ETH(0x0800), ...IP];
  const corpus: Array<[number[], number]> = [
    [[...ETH(0x8100), 0, 1, 0x88, 0x47, 0, 1, 0, 64, 0, 2, 1, 64, ...IP], 1],
    [[...ETH(0x8864), 0x11, 0, 0, 1, ...be16(IP.length + 2), 0, 0x21, ...IP], 1],
    [ipv4(47, [0x30, 0x81, 0x88, 0x0b, ...Array(12).fill(0), 0xff, 3, 0, 0x21, ...IP]), 101],
    [ipv4(47, [0x10, 0, 0x22, 0xeb, 0, 0, 0, 1, ...Array(12).fill(0), ...eth]), 101],
    [ipv4(47, [0, 0, 0x82, 0, ...WLAN_QOS(), ...SNAP_IP, ...IP]), 101],
    [
      ipv4(
        17,
        udp(1, 4789, [8, 0, 0, 0, 0, 0, 1, 0, ...ETH(0x894f), 0x0f, 2, 2, 1, 0, 0, 0, 0, ...IP]),
      ),
      101,
    ],
    [
      ipv4(17, udp(2152, 2152, [0x34, 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0, 9, 0, ...IP])),
      101,
    ],
    [ipv6(17, udp(1, 6081, [2, 0, 0x65, 0x58, 0, 0, 1, 0, ...Array(8).fill(1), ...eth])), 101],
    [
      ipv4(17, udp(1701, 1701, [0x4a, 2, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 2, 9, 9, 0x21, ...IP])),
      101,
    ],
    [
      ipv4(17, udp(5072, 5072, [0x41, 0x52, 0x11, 41, 0, 0, 0, 1, ...Array(36).fill(0), ...IP6])),
      101,
    ],
    [ipv6(41, ipv4(4, IP)), 229],
    [[2, 0, 0, 1, 8, 0, 1, 0, 8, 0, 0, 0, ...be16(IP.length + 4).reverse(), 9, 0, ...IP], 239],
    [[
      12,
      0,
      0,
      0,
      192,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      8,
      0,
      105,
      0,
      0,
      0,
      0x88,
      1,
      ...Array(24).fill(0),
      ...SNAP_IP,
      ...IP,
    ], 258],
    [[0xbe, 0x50, 0, 0, 212, 0xff, 0xff, 0xff, 212, 0, 0, 1, ...IP], 129],
  ];
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const p = newPacket();
  const kinds = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const [base, lt] = corpus[i % corpus.length];
    const bytes = [...base];
    for (let k = rand(4) + 1; k > 0; k--) bytes[rand(bytes.length)] = rand(256);
    const caplen = rand(3) === 0 ? rand(bytes.length + 1) : bytes.length;
    decodeFrame(frameOf(bytes, lt, caplen), p);
    kinds.add(p.kind);
    assert.ok(p.error === "" || stableReason(p.error), p.error);
    if (p.kind === "tcp") assert.ok(p.payloadCaptured <= p.payloadLen && p.payloadLen >= 0);
  }
  assert.ok(kinds.has("tcp") && kinds.has("malformed"), [...kinds].join(","));
});
