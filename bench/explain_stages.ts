/**
 * Times the explain pipeline stage by stage on one capture (in-process):
 * read only, read + decode, read + decode + analysis (--summary mode, rows
 * written as bytes and dropped, connection records reused as the CLI does).
 * Prints packets/s per stage and the RSS after.
 * Usage: deno run -A bench/explain_stages.ts FILE   |   bun bench/explain_stages.ts FILE
 * @module
 */
import { openSync, readSync } from "node:fs";
import process from "node:process";
import { readCapture } from "../lib/capture/mod.ts";
import type { ByteSource } from "../lib/capture/types.ts";
import { decodeFrame, newPacket } from "../lib/decode/mod.ts";
import { explainCapture } from "../lib/explain/pipeline.ts";
import { AsciiBuffer, writeSummaryRow } from "../lib/report/summary.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: explain_stages.ts FILE");

function source(): ByteSource {
  const fd = openSync(file, "r");
  return {
    read(into) {
      const n = readSync(fd, into, 0, into.length, null);
      return Promise.resolve(n === 0 ? null : n);
    },
  };
}

async function stage(name: string, run: () => Promise<number>) {
  const t0 = performance.now();
  const n = await run();
  const s = (performance.now() - t0) / 1000;
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.log(
    `${name.padEnd(28)} ${n} packets  ${s.toFixed(2)} s  ${
      (n / s / 1e6).toFixed(2)
    } Mpps  rss ${rss} MB`,
  );
}

const pkt = newPacket();
await stage("read", async () => (await readCapture(source(), () => {})).frames);
await stage(
  "read+decode",
  async () => (await readCapture(source(), (f) => decodeFrame(f, pkt))).frames,
);
await stage("read+decode+explain --summary", async () => {
  const table = new AsciiBuffer();
  const done = await explainCapture(source(), {
    detail: "table",
    reuse: true,
    onConnection: (e) => {
      writeSummaryRow(table, e, false);
      if (table.length > 1 << 16) table.take();
    },
  });
  return done.capture.frames;
});
