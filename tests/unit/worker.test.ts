/**
 * lib/runtime/worker.ts: a worker started with and without a heap limit
 * answers, takes and hands back a transferred buffer, and (Deno) runs under
 * the young-generation limit it was given.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startWorker, type WorkerOptions } from "../../lib/runtime/worker.ts";

const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const URL_ECHO = new URL("../support/worker_echo.ts", import.meta.url);

interface Echo {
  text: string;
  bytes: number;
  limits: { maxYoungGenerationSizeMb?: number } | null;
  buf: ArrayBuffer;
}

async function roundTrip(opts: WorkerOptions): Promise<{ echo: Echo; sentLength: number }> {
  const w = await startWorker(URL_ECHO, opts);
  try {
    const buf = new ArrayBuffer(4096);
    const echo = await new Promise<Echo>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no answer in 20 s")), 20_000);
      w.onMessage((m) => {
        clearTimeout(t);
        resolve(m as Echo);
      });
      w.onError((e) => {
        clearTimeout(t);
        reject(e);
      });
      w.post({ text: "hello", buf }, [buf]);
    });
    return { echo, sentLength: buf.byteLength };
  } finally {
    w.terminate();
  }
}

test("worker: a Web Worker answers and hands a transferred buffer back", async () => {
  const { echo, sentLength } = await roundTrip({});
  assert.equal(echo.text, "hello");
  assert.equal(echo.bytes, 4096);
  assert.equal(sentLength, 0, "the buffer was transferred, not copied");
  assert.equal(echo.buf.byteLength, 4096);
});

test("worker: with a young-generation limit it answers the same, and Deno applies the limit", async () => {
  const { echo, sentLength } = await roundTrip({ youngGenerationMb: 16 });
  assert.equal(echo.text, "hello");
  assert.equal(echo.bytes, 4096);
  assert.equal(sentLength, 0);
  assert.equal(echo.buf.byteLength, 4096);
  if (isDeno) assert.equal(echo.limits?.maxYoungGenerationSizeMb, 16);
});
