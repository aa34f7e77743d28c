import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import {
  loadConnector,
  loadSockopt,
  normalizeAddress,
  type Sockopt,
} from "../../lib/runtime/sockopt/mod.ts";

/** A connected node:net pair on loopback; closes both on `close()`. */
async function pair(host = "127.0.0.1") {
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    client.once("connect", resolve);
    client.once("error", reject);
  });
  return {
    client,
    local: { address: client.localAddress!, port: client.localPort! },
    remote: { address: client.remoteAddress!, port: client.remotePort! },
    hint: (client as unknown as { _handle?: { fd?: number } })._handle?.fd,
    close() {
      client.destroy();
      for (const s of accepted) s.destroy();
      server.close();
    },
  };
}

async function sockopt(): Promise<Sockopt> {
  const so = await loadSockopt();
  if ("reason" in so) throw new Error(so.reason);
  return so;
}

test("sockopt: addresses normalise (IPv4-mapped, long IPv6)", () => {
  assert.equal(normalizeAddress("::ffff:127.0.0.1"), "127.0.0.1");
  assert.equal(normalizeAddress("0:0:0:0:0:0:0:1"), "::1");
  assert.equal(normalizeAddress("2001:DB8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  assert.equal(normalizeAddress("[::1]"), "::1");
});

test("sockopt: established IPv4 socket/set 1/1/2 reads back 1/1/2 with SO_KEEPALIVE on", async () => {
  const so = await sockopt();
  const p = await pair();
  try {
    const fd = so.findFd(p.local, p.remote, p.hint);
    assert.ok(fd !== undefined, "the client's descriptor is found");
    const before = so.getKeepalive(fd);
    assert.equal(before.enabled, false);
    const after = so.setKeepalive(fd, { idle: 1, interval: 1, count: 2 });
    assert.deepEqual(after, { enabled: true, idle: 1, interval: 1, count: 2 });
    const info = so.tcpInfo(fd);
    assert.equal(info?.stateName, "ESTABLISHED");
  } finally {
    p.close();
  }
});

test("sockopt: established IPv6 socket/descriptor found by scan without a hint", async () => {
  const so = await sockopt();
  const p = await pair("::1");
  try {
    const fd = so.findFd(p.local, p.remote);
    assert.ok(fd !== undefined);
    assert.deepEqual(so.setKeepalive(fd, { idle: 7, interval: 3, count: 5 }), {
      enabled: true,
      idle: 7,
      interval: 3,
      count: 5,
    });
  } finally {
    p.close();
  }
});

test("sockopt: out-of-range value/throws naming the option and errno", async () => {
  const so = await sockopt();
  const p = await pair();
  try {
    const fd = so.findFd(p.local, p.remote, p.hint)!;
    assert.throws(
      () => so.setKeepalive(fd, { idle: 1, interval: 1, count: 1000 }),
      /Cannot set TCP_KEEPCNT to 1000 on fd \d+: EINVAL/,
    );
  } finally {
    p.close();
  }
});

test("sockopt: no such connection/findFd returns undefined", async () => {
  const so = await sockopt();
  const fd = so.findFd({ address: "127.0.0.1", port: 1 }, { address: "127.0.0.1", port: 2 });
  assert.equal(fd, undefined);
});

test("sockopt connect: libc connect/open port connects with a local port; closed port is ECONNREFUSED", async () => {
  const raw = await loadConnector();
  if ("reason" in raw) throw new Error(raw.reason);
  const server = net.createServer((s) => s.on("error", () => {}));
  await new Promise<void>((r) => server.listen(0, "::1", r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const ok = await raw.connect("::1", port, 2000);
    assert.equal(ok.ok, true);
    if (ok.ok) {
      assert.equal(ok.local?.address, "::1");
      assert.ok((ok.local?.port ?? 0) > 0);
      ok.close();
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
  const refused = await raw.connect("::1", port, 2000);
  assert.deepEqual(refused.ok ? "connected" : refused.errno, "ECONNREFUSED");
});
