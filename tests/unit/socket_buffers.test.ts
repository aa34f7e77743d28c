/** SO_RCVBUF / SO_SNDBUF set on a live loopback connection and read back, on both runtimes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { buffersUnavailable, getNet, setSocketBuffers } from "../../lib/runtime/net/mod.ts";

test("setSocketBuffers: the kernel keeps twice what was asked (Linux), on the connection", async () => {
  const why = await buffersUnavailable();
  if (why) {
    console.log(`skipped: ${why}`);
    return;
  }
  const net = await getNet();
  const l = await net.listen({ host: "127.0.0.1", port: 0 });
  const accepted = l.accept();
  const c = await net.connect({ host: "127.0.0.1", port: l.addr.port });
  const s = (await accepted)!;
  try {
    assert.deepEqual(await setSocketBuffers(c, { receive: 4096, send: 8192 }), {
      receive: 8192,
      send: 16384,
    });
    assert.deepEqual(await setSocketBuffers(s, { receive: 6000 }), { receive: 12000 });
    assert.deepEqual(await setSocketBuffers(s, {}), {});
  } finally {
    c.close();
    s.close();
    l.close();
  }
});
