/**
 * A watch that cannot read for a while (stopped with SIGSTOP for 8 s, as a
 * watch starved of CPU on a busy machine) loses no connection of a loopback
 * load of 150 new connections a second: the kernel's capture ring holds the
 * packets until it reads again (libpcap by FFI and the tcpdump fallback).
 * Every connection the load made is looked for by its client port, and the
 * watch must report no kernel drop. Needs root (capturing).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer } from "node:net";
import { waitFor } from "../support/echo_helpers.ts";
import { isRoot, skipUnless } from "../support/helpers.ts";
import { startWatch } from "../support/watch.ts";

const skip = skipUnless(isRoot(), "watch captures: needs root (CAP_NET_RAW)");
const RATE = 150, TOTAL = 1500, STALL_MS = 8000;

/** Opens TOTAL connections at RATE/s (each: 64 bytes, the echo, close); resolves their client ports. */
async function load(port: number, onStart: () => void): Promise<number[]> {
  const ports: number[] = [];
  let started = 0, ended = 0;
  const one = () => {
    started++;
    let local = 0, echoed = false;
    const s = connect({ port, host: "127.0.0.1" }, () => {
      local = s.localPort ?? 0;
      s.write(Buffer.alloc(64, 97));
    });
    s.on("data", () => {
      if (!echoed) s.end();
      echoed = true;
    });
    s.on("error", () => {});
    s.on("close", () => {
      ended++;
      if (echoed && local !== 0) ports.push(local);
    });
  };
  const t0 = Date.now();
  onStart();
  // Bounded: TOTAL connections, and at most 60 s of ticks.
  for (let tick = 0; started < TOTAL && tick < 6000; tick++) {
    const due = Math.min(TOTAL, Math.floor(((Date.now() - t0) / 1000) * RATE));
    while (started < due) one();
    await new Promise((r) => setTimeout(r, 10));
  }
  await waitFor(() => ended === started, 30_000, "the load's connections to close");
  return ports;
}

for (const backend of ["ffi", "tcpdump"] as const) {
  test(
    `watch (${backend}): stopped ${STALL_MS / 1000} s under ${RATE} connections/s, it loses none`,
    {
      skip,
      timeout: 120_000,
    },
    async () => {
      const server = createServer((s) => {
        s.on("error", () => {});
        s.pipe(s);
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = (server.address() as { port: number }).port;
      const w = await startWatch([
        "-i",
        "lo",
        "--capture",
        backend,
        "--format",
        "ndjson",
        "--summary",
        `tcp port ${port}`,
      ]);
      let stalled: ReturnType<typeof setTimeout> | undefined;
      try {
        const ports = await load(port, () => {
          stalled = setTimeout(() => {
            process.kill(w.proc.pid!, "SIGSTOP");
            stalled = setTimeout(() => {
              stalled = undefined;
              process.kill(w.proc.pid!, "SIGCONT");
            }, STALL_MS);
          }, 1500);
        });
        assert.equal(stalled, undefined, "the stall ended before the load");
        assert.ok(ports.length >= TOTAL * 0.99, `the load completed ${ports.length} of ${TOTAL}`);
        const lines = () => w.out().split("\n").filter((l) => l !== "");
        await waitFor(() => lines().length >= ports.length, 60_000, "watch to report them all")
          .catch(() => {});
        assert.equal(await w.stop(), 0, w.err());
        const seen = new Map<number, number>();
        for (const l of lines()) {
          const p = (JSON.parse(l) as { client: { port: number } }).client.port;
          seen.set(p, (seen.get(p) ?? 0) + 1);
        }
        const made = new Map<number, number>();
        for (const p of ports) made.set(p, (made.get(p) ?? 0) + 1);
        let missed = 0;
        for (const [p, n] of made) missed += Math.max(0, n - (seen.get(p) ?? 0));
        console.log(
          `watch (${backend}) stalled ${STALL_MS} ms: ${ports.length} made, ` +
            `${lines().length} reported, ${missed} missed; ${w.err().trim().split("\n").pop()}`,
        );
        assert.equal(missed, 0, w.err());
        assert.doesNotMatch(w.err(), /dropped/);
      } finally {
        if (stalled !== undefined) {
          clearTimeout(stalled);
          process.kill(w.proc.pid!, "SIGCONT");
        }
        if (w.code() === null) await w.stop();
        await new Promise((r) => server.close(r));
      }
    },
  );
}
