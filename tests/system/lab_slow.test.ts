/**
 * "Why was it slow?" on real kernel TCP: a client and a server namespace with
 * a router namespace between them (drops happen there, in the forward hook,
 * not in the sender's own output hook, where the kernel resends within
 * microseconds), tcpdump on the router's client-side interface, small Python
 * peers as the applications, and explain's time attribution on the capture.
 * Each scenario makes one cause: a clean bulk transfer (the control, client
 * and server pinned to one CPU so veth does not reorder), a request whose
 * first copies are dropped for a second (retransmission timeouts with
 * backoff), a slow reader with a small receive buffer (zero window), and a
 * server that thinks 2 s before answering. Needs root, ip, nft, tcpdump and
 * python3; skips with the reason otherwise.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { skipUnless, tempDir } from "../support/helpers.ts";
import { netnsSkipReason, sh } from "../support/netns.ts";
import { explainBytes } from "../support/explain_run.ts";
import type { ConnectionReport } from "../../lib/report/json.ts";

const reason = netnsSkipReason(["ip", "nft", "tcpdump", "python3", "taskset"]);
const skip = skipUnless(!reason, reason);
const PORT = 9899;

/** The peers: `server MODE PORT`, `client MODE HOST PORT`. */
const PEER = String.raw`
import socket, sys, time
role, mode = sys.argv[1], sys.argv[2]
if role == "server":
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mode == "slow":
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ls.bind(("0.0.0.0", int(sys.argv[3]))); ls.listen(1)
    print("listening", flush=True)
    c, _ = ls.accept()
    if mode == "think":
        c.recv(100); time.sleep(2); c.sendall(b"a" * 100)
    elif mode == "echo":
        c.sendall(c.recv(100))
    elif mode == "wwr":
        for _ in range(10):
            got = 0
            while got < 100:
                d = c.recv(100 - got)
                if not d: break
                got += len(d)
            c.sendall(b"a" * 100)
    while True:
        d = c.recv(4096 if mode == "slow" else 65536)
        if not d: break
        if mode == "slow": time.sleep(0.05)
    c.close()
else:
    print("starting", flush=True)
    s = socket.socket()
    if mode == "wwr-nodelay":
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if mode == "blackhole":
        s.settimeout(4)
    s.connect((sys.argv[3], int(sys.argv[4])))
    print("connected", flush=True)
    if mode == "bulk":
        s.sendall(b"x" * int(sys.argv[5]))
    elif mode == "blackhole":
        s.sendall(b"q" * 100)
        s.recv(100)
        s.sendall(b"x" * 8000)
        try:
            s.recv(100)
        except socket.timeout:
            pass
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
        sys.exit(0)
    elif mode.startswith("wwr"):
        for _ in range(10):
            s.sendall(b"h" * 50)
            s.sendall(b"b" * 50)
            got = 0
            while got < 100:
                d = s.recv(100 - got)
                if not d: break
                got += len(d)
    else:
        s.sendall(b"q" * 100)
        got = 0
        while got < 100:
            d = s.recv(100 - got)
            if not d: break
            got += len(d)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536): pass
    s.close()
`;

interface Lab {
  c: string;
  r: string;
  s: string;
  serverAddr: string;
  rIn: string;
  /** The router's server-side device and the server's. */
  rOut: string;
  sIn: string;
  destroy(): void;
}

let serial = 0;

/** Client, router and server namespaces: 198.18.232.0/24 and 198.18.233.0/24. */
function makeLab(): Lab {
  const id = `${process.pid % 100000}${serial++}`;
  const c = `tcpecho-slow-${id}-c`, r = `tcpecho-slow-${id}-r`, s = `tcpecho-slow-${id}-s`;
  const cr = `sl${id}c`.slice(0, 15), rc = `sl${id}rc`.slice(0, 15);
  const rs = `sl${id}rs`.slice(0, 15), sr = `sl${id}s`.slice(0, 15);
  const lab: Lab = {
    c,
    r,
    s,
    serverAddr: "198.18.233.2",
    rIn: rc,
    rOut: rs,
    sIn: sr,
    destroy() {
      for (const ns of [c, r, s]) {
        const pids = spawnSync("ip", ["netns", "pids", ns]).stdout?.toString().trim() ?? "";
        for (const pid of pids.split(/\s+/).filter(Boolean)) {
          try {
            process.kill(Number(pid), "SIGKILL");
          } catch { /* gone */ }
        }
        spawnSync("ip", ["netns", "del", ns]);
      }
    },
  };
  try {
    for (const ns of [c, r, s]) {
      sh(["ip", "netns", "add", ns]);
      sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
    }
    sh(["ip", "link", "add", cr, "netns", c, "type", "veth", "peer", "name", rc, "netns", r]);
    sh(["ip", "link", "add", rs, "netns", r, "type", "veth", "peer", "name", sr, "netns", s]);
    const addrs: [string, string, string][] = [
      [c, cr, "198.18.232.1/24"],
      [r, rc, "198.18.232.2/24"],
      [r, rs, "198.18.233.1/24"],
      [s, sr, "198.18.233.2/24"],
    ];
    for (const [ns, dev, addr] of addrs) {
      sh(["ip", "-n", ns, "addr", "add", addr, "dev", dev]);
      sh(["ip", "-n", ns, "link", "set", dev, "up"]);
    }
    sh(["ip", "-n", c, "route", "add", "198.18.233.0/24", "via", "198.18.232.2"]);
    sh(["ip", "-n", s, "route", "add", "198.18.232.0/24", "via", "198.18.233.1"]);
    sh(["ip", "netns", "exec", r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
  } catch (e) {
    lab.destroy();
    throw e;
  }
  return lab;
}

function inNs(ns: string, argv: string[]): ChildProcess {
  return spawn("ip", ["netns", "exec", ns, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
}

function exited(p: ChildProcess, ms: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    if (p.exitCode !== null) return resolve(p.exitCode);
    const timer = setTimeout(() => {
      p.kill("SIGKILL");
      reject(new Error(`${what} did not end within ${ms} ms`));
    }, ms);
    p.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  for (let i = 0; i < 400 && Date.now() < end; i++) {
    if (check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Runs one scenario: server and client peers (pinned to CPU 0), tcpdump in
 * the router, `during` while the client runs; returns the explained
 * connection on PORT.
 */
async function scenario(
  serverMode: string,
  clientArgs: string[],
  during: (lab: Lab, clientOut: () => string) => Promise<void> = async () => {},
  setup: (lab: Lab) => void = () => {},
): Promise<ConnectionReport> {
  const lab = makeLab();
  const tmp = tempDir("tcpecho-slow-");
  const file = join(tmp.path, "cap.pcap");
  try {
    setup(lab);
    const dump = inNs(lab.r, [
      "tcpdump",
      "-i",
      lab.rIn,
      "-U",
      "--immediate-mode",
      "-B",
      "16384",
      "-s",
      "128",
      "-w",
      file,
      "tcp",
    ]);
    let dumpErr = "";
    dump.stderr!.on("data", (d) => dumpErr += d);
    await until(() => dumpErr.includes("listening on"), 5000, "tcpdump");
    await sleep(300);
    const pin = ["taskset", "-c", "0", "python3", "-c", PEER];
    const server = inNs(lab.s, [...pin, "server", serverMode, String(PORT)]);
    let out = "";
    server.stdout!.on("data", (d) => out += d);
    await until(() => out.includes("listening"), 5000, "the server to listen");
    const client = inNs(lab.c, [...pin, "client", ...clientArgs]);
    let cout = "";
    client.stdout!.on("data", (d) => cout += d);
    await during(lab, () => cout);
    assert.equal(await exited(client, 30_000, "the client"), 0);
    await exited(server, 10_000, "the server");
    await sleep(300);
    dump.kill("SIGINT");
    await exited(dump, 5000, "tcpdump");
    if (process.env.TCPECHO_SLOW_KEEP) {
      copyFileSync(file, `${process.env.TCPECHO_SLOW_KEEP}/${serverMode}.pcap`);
    }
    const conns = (await explainBytes(new Uint8Array(readFileSync(file))))
      .filter((c) => c.server.port === PORT);
    assert.equal(conns.length, 1, `tcpdump: ${dumpErr}`);
    return conns[0];
  } finally {
    lab.destroy();
    tmp.cleanup();
  }
}

function addsUp(c: ConnectionReport): void {
  const t = c.timing!;
  const sum = Object.values(t.seconds).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - t.duration) < 1e-5, `${sum} vs ${t.duration}`);
}

test(
  "lab slow: the control, a clean 4 MB bulk transfer, is not slow",
  { skip, timeout: 60_000 },
  async () => {
    const c = await scenario("sink", ["bulk", "198.18.233.2", String(PORT), String(4 << 20)]);
    addsUp(c);
    assert.equal(c.scenario, "normal");
    assert.equal(c.slow, null, JSON.stringify(c.timing?.seconds));
    assert.equal(c.timing!.client.goodBytes, 4 << 20);
    assert.equal(c.timing!.seconds.loss, 0);
  },
);

test("lab slow: a request dropped in the router for 1 s: retransmission timeouts with backoff", {
  skip,
  timeout: 60_000,
}, async () => {
  const rule = "add table inet tslow; add chain inet tslow hold " +
    "{ type filter hook forward priority 0; policy accept; }; " +
    `add rule inet tslow hold tcp dport ${PORT} tcp flags & (syn | fin | rst) == 0 ` +
    "ip length > 52 counter drop";
  let rules = "";
  const c = await scenario(
    "echo",
    ["req", "198.18.233.2", String(PORT)],
    async (lab, out) => {
      // Python starts slowly on a busy machine: time the drop from the connection.
      await until(() => out().includes("connected"), 10_000, "the client to connect");
      await sleep(1000);
      rules = sh(["ip", "netns", "exec", lab.r, "nft", "list ruleset"]);
      sh(["ip", "netns", "exec", lab.r, "nft", "delete table inet tslow"]);
    },
    (lab) => sh(["ip", "netns", "exec", lab.r, "nft", rule]),
  );
  addsUp(c);
  assert.equal(c.scenario, "normal");
  const timeouts = c.timing!.stalls.filter((s) => s.kind === "rto" || s.kind === "tlp");
  assert.ok(timeouts.length >= 2, JSON.stringify(c.timing!.stalls) + rules);
  assert.ok(c.timing!.seconds.loss > 0.8, JSON.stringify(c.timing!.seconds));
  assert.equal(c.slow?.cause, "loss", JSON.stringify(c.slow));
  assert.match(c.slow!.sentence, /retransmission timeouts? \(/);
});

test(
  "lab slow: a slow reader with a 4 KB receive buffer: zero window, the receiver stopped reading",
  {
    skip,
    timeout: 60_000,
  },
  async () => {
    const c = await scenario("slow", ["bulk", "198.18.233.2", String(PORT), String(96 << 10)]);
    addsUp(c);
    assert.equal(c.scenario, "normal");
    assert.ok(c.timing!.seconds["receive-window"] > 0.3, JSON.stringify(c.timing!.seconds));
    assert.equal(c.slow?.cause, "receive-window", JSON.stringify(c.slow));
    assert.match(c.slow!.sentence, /receive window/);
  },
);

test("lab slow: a server that thinks 2 s before answering: the server's application", {
  skip,
  timeout: 60_000,
}, async () => {
  const c = await scenario("think", ["req", "198.18.233.2", String(PORT)]);
  addsUp(c);
  assert.equal(c.scenario, "normal");
  assert.equal(c.timing!.largestStall?.cause, "server-app");
  assert.ok(c.timing!.largestStall!.seconds > 1.9);
  assert.equal(c.slow?.cause, "server-app", JSON.stringify(c.slow));
  assert.match(c.slow!.sentence, /server's application answering late \(2\.0 s at frames/);
});

test("lab slow: the first SYN dropped in the router: handshake time, one SYN retransmission", {
  skip,
  timeout: 60_000,
}, async () => {
  const rule = "add table inet tslow; add chain inet tslow hold " +
    "{ type filter hook forward priority 0; policy accept; }; " +
    `add rule inet tslow hold tcp dport ${PORT} tcp flags & (syn | ack) == syn drop`;
  const c = await scenario(
    "echo",
    ["req", "198.18.233.2", String(PORT)],
    async (lab, out) => {
      await until(() => out().includes("starting"), 10_000, "the client to start");
      await sleep(500);
      sh(["ip", "netns", "exec", lab.r, "nft", "delete table inet tslow"]);
    },
    (lab) => sh(["ip", "netns", "exec", lab.r, "nft", rule]),
  );
  addsUp(c);
  assert.equal(c.scenario, "normal");
  assert.equal(c.timing!.largestStall?.kind, "syn-retransmission");
  assert.ok(c.timing!.seconds.handshake > 0.9);
  assert.equal(c.slow?.cause, "handshake", JSON.stringify(c.slow));
});

test(
  "lab slow: write-write-read without TCP_NODELAY waits for delayed ACKs (nagle), with it does not",
  {
    skip,
    timeout: 60_000,
  },
  async () => {
    const nagle = await scenario("wwr", ["wwr", "198.18.233.2", String(PORT)]);
    addsUp(nagle);
    assert.ok(nagle.timing!.seconds.nagle > 0.1, JSON.stringify(nagle.timing!.seconds));
    assert.equal(nagle.slow?.cause, "nagle", JSON.stringify(nagle.slow));
    assert.match(nagle.slow!.sentence, /TCP_NODELAY/);
    const fast = await scenario("wwr", ["wwr-nodelay", "198.18.233.2", String(PORT)]);
    addsUp(fast);
    assert.equal(fast.timing!.seconds.nagle, 0, JSON.stringify(fast.timing!.seconds));
    assert.equal(fast.slow, null, JSON.stringify(fast.slow));
  },
);

test(
  "lab slow: random loss (5% of the router's packets) on a bulk transfer: retransmitted bytes and loss time",
  {
    skip,
    timeout: 60_000,
  },
  async () => {
    const rule = "add table inet tslow; add chain inet tslow hold " +
      "{ type filter hook forward priority 0; policy accept; }; " +
      `add rule inet tslow hold tcp dport ${PORT} ip length > 1000 numgen random mod 100 < 5 drop`;
    const c = await scenario(
      "sink",
      ["bulk", "198.18.233.2", String(PORT), String(8 << 20)],
      async () => {},
      (lab) => sh(["ip", "netns", "exec", lab.r, "nft", rule]),
    );
    addsUp(c);
    assert.equal(c.timing!.client.goodBytes, 8 << 20);
    assert.ok(c.timing!.client.retransmittedBytes > 0);
    assert.ok(c.timing!.seconds.loss > 0, JSON.stringify(c.timing!.seconds));
    // Slow only when a timeout happened: with a 0.1 ms RTT fast retransmits cost nothing.
    const timeouts = c.timing!.stalls.some((s) => s.kind === "rto" || s.kind === "tlp");
    if (!timeouts) assert.equal(c.slow, null, JSON.stringify(c.slow));
  },
);

test("lab slow: a path-MTU black hole (MTU 1280 behind the router, its ICMP dropped)", {
  skip,
  timeout: 60_000,
}, async () => {
  const c = await scenario(
    "echo",
    ["blackhole", "198.18.233.2", String(PORT)],
    async () => {},
    (lab) => {
      sh(["ip", "-n", lab.r, "link", "set", lab.rOut, "mtu", "1280"]);
      // Only the router's link: the server still says MSS 1460, as behind a real bottleneck.
      sh([
        "ip",
        "netns",
        "exec",
        lab.r,
        "nft",
        "add table inet tslow; add chain inet tslow out " +
        "{ type filter hook output priority 0; policy accept; }; " +
        "add rule inet tslow out icmp type destination-unreachable drop",
      ]);
    },
  );
  addsUp(c);
  assert.ok(c.timing!.seconds.pmtu > 1, JSON.stringify(c.timing!.seconds));
  assert.equal(c.timing!.largestStall?.kind, "black-hole");
});
