/**
 * The socket layer (lib/runtime/net) in-process on real loopback sockets:
 * the same assertions hold on Deno native, Bun native and node:net conns.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import { type Conn, getNet, NetError } from "../../lib/runtime/net/mod.ts";
import { RUNTIME } from "../support/helpers.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function pair(abortive = false, host = "127.0.0.1") {
  const net = await getNet();
  const l = await net.listen({ host, port: 0, abortive });
  const [client, server] = await Promise.all([
    net.connect({ host, port: l.addr.port }),
    l.accept(),
  ]);
  return { l, client, server: server! };
}

async function readAll(c: Conn): Promise<string> {
  let s = "";
  for (let ch = await c.read(); ch; ch = await c.read()) s += dec.decode(ch);
  return s;
}

async function rejects(p: Promise<unknown>): Promise<NetError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof NetError, `not a NetError: ${e}`);
    return e;
  }
  throw new Error("Cannot pass: the promise resolved");
}

test("net: connected/read and write both ways, addresses reported", async () => {
  const { l, client, server } = await pair();
  try {
    assert.equal(client.remote.port, l.addr.port);
    assert.equal(server.remote.port, client.local.port);
    assert.equal(server.remote.host, "127.0.0.1");
    await client.write(enc.encode("ping"));
    assert.equal(dec.decode((await server.read())!), "ping");
    await server.write(enc.encode("pong"));
    assert.equal(dec.decode((await client.read())!), "pong");
  } finally {
    client.close();
    server.close();
    l.close();
  }
});

test("net: half-close/closeWrite sends FIN, peer reads null, other direction still works", async () => {
  const { l, client, server } = await pair();
  try {
    await client.write(enc.encode("last words"));
    await client.closeWrite();
    assert.equal(await readAll(server), "last words");
    await server.write(enc.encode("reply after FIN"));
    await server.closeWrite();
    assert.equal(await readAll(client), "reply after FIN");
  } finally {
    client.close();
    server.close();
    l.close();
  }
});

test("net: peer FIN after close/read returns null", async () => {
  const { l, client, server } = await pair();
  try {
    server.close();
    assert.equal(await client.read(), null);
  } finally {
    client.close();
    l.close();
  }
});

test("net: RST/reset() on an abortive listener's conn: peer read rejects ECONNRESET", async () => {
  const { l, client, server } = await pair(true);
  try {
    assert.equal(server.canReset, true);
    server.reset();
    const e = await rejects(client.read());
    assert.equal(e.code, "ECONNRESET");
  } finally {
    client.close();
    l.close();
  }
});

test("net: EPIPE/write after the peer's RST, without reading first, is EPIPE", async () => {
  const { l, client, server } = await pair(true);
  try {
    server.reset();
    await new Promise((r) => setTimeout(r, 100));
    const e = await rejects(client.write(enc.encode("into the void")));
    assert.equal(e.code, "EPIPE");
    const again = await rejects(client.write(enc.encode("and again")));
    assert.equal(again.code, "EPIPE");
  } finally {
    client.close();
    l.close();
  }
});

test("net: EPIPE/write after reading the RST is EPIPE", async () => {
  const { l, client, server } = await pair(true);
  try {
    server.reset();
    assert.equal((await rejects(client.read())).code, "ECONNRESET");
    assert.equal((await rejects(client.write(enc.encode("x")))).code, "EPIPE");
  } finally {
    client.close();
    l.close();
  }
});

test("net: ECONNREFUSED/connect to a closed port", async () => {
  const net = await getNet();
  const l = await net.listen({ host: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  await new Promise((r) => setTimeout(r, 50));
  const e = await rejects(net.connect({ host: "127.0.0.1", port }));
  assert.equal(e.code, "ECONNREFUSED");
  assert.equal(e.op, "connect");
});

test("net: EADDRINUSE/listen twice on one port", async () => {
  const net = await getNet();
  const l = await net.listen({ host: "127.0.0.1", port: 0 });
  try {
    const e = await rejects(net.listen({ host: "127.0.0.1", port: l.addr.port }));
    assert.equal(e.code, "EADDRINUSE");
  } finally {
    l.close();
  }
});

test("net: native conn/reset support is declared (Deno native: no abortive close)", async () => {
  const { l, client, server } = await pair(false);
  try {
    assert.equal(server.canReset, RUNTIME === "bun");
    if (!server.canReset) assert.throws(() => server.reset(), /Cannot reset/);
  } finally {
    client.close();
    server.close();
    l.close();
  }
});

test("net: IPv6/::1 listen and connect", async () => {
  const { l, client, server } = await pair(false, "::1");
  try {
    assert.equal(server.remote.family, 6);
    assert.equal(l.addr.host, "::1");
    await client.write(enc.encode("six"));
    assert.equal(dec.decode((await server.read())!), "six");
  } finally {
    client.close();
    server.close();
    l.close();
  }
});

test("net: dual-stack/:: listener shows an IPv4 peer as IPv4, not ::ffff:", async () => {
  const net = await getNet();
  const l = await net.listen({ host: "::", port: 0 });
  try {
    const [client, server] = await Promise.all([
      net.connect({ host: "127.0.0.1", port: l.addr.port }),
      l.accept(),
    ]);
    assert.equal(server!.remote.host, "127.0.0.1");
    assert.equal(server!.remote.family, 4);
    client.close();
    server!.close();
  } finally {
    l.close();
  }
});

test("net: TCP_NODELAY/on by default for connect and accept (node peer sees no delay)", async () => {
  // Behavioural check: 50 tiny write/echo round trips finish; with Nagle +
  // delayed ACK each would wait ~40 ms. Only completion is asserted, not time.
  const { l, client, server } = await pair();
  try {
    for (let i = 0; i < 50; i++) {
      await client.write(enc.encode("x"));
      const got = await server.read();
      await server.write(got!);
      assert.equal(dec.decode((await client.read())!), "x");
    }
    client.setNoDelay(false);
    client.setNoDelay(true);
    client.setKeepAlive(true);
    client.setKeepAlive(false);
  } finally {
    client.close();
    server.close();
    l.close();
  }
});

test("net: back-pressure/unread peer: write stays pending, memory bounded", async () => {
  const { l, client, server } = await pair();
  try {
    const chunk = new Uint8Array(256 * 1024);
    let written = 0;
    let blocked = false;
    for (let i = 0; i < 256 && !blocked; i++) {
      const w = client.write(chunk).then(() => true);
      blocked = !(await Promise.race([w, new Promise((r) => setTimeout(() => r(false), 500))]));
      if (!blocked) written += chunk.length;
    }
    assert.equal(blocked, true, `wrote ${written} B without the peer reading`);
    assert.ok(written < 64 * 1024 * 1024);
  } finally {
    client.close();
    server.close();
    l.close();
  }
});

test("net: node peer/abortive listener interoperates with a node:net client", async () => {
  const net = await getNet();
  const l = await net.listen({ host: "127.0.0.1", port: 0, abortive: true });
  try {
    const s = nodeNet.connect(l.addr.port, "127.0.0.1");
    const c = (await l.accept())!;
    s.write("via node");
    assert.equal(dec.decode((await c.read())!), "via node");
    s.destroy();
    c.close();
  } finally {
    l.close();
  }
});
