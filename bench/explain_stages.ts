/**
 * Times the explain pipeline stage by stage on one capture (in-process):
 * read only, read + decode, read + decode + analysis (--summary mode, rows
 * written as bytes and dropped, connection records reused as the CLI does),
 * then the analysis the other formats need (the `verdict` and `full`
 * details, nothing written), then `full` with each connection formatted as
 * text, NDJSON and JSON and the bytes dropped. The difference between the
 * CLI's time and the last stages is the writing; between them and `full`,
 * the formatting; between `full` and `--summary`, the detail.
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
import type { Explained } from "../lib/explain/engine.ts";
import { connectionJsonParts } from "../lib/report/json_stream.ts";
import { AsciiBuffer, writeSummaryRow } from "../lib/report/summary.ts";
import { textBytes } from "../lib/report/text_bytes.ts";

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
for (const detail of ["verdict", "full"] as const) {
  // The analysis the other formats need, nothing written: the floor under
  // their time (`verdict`: --summary with json/ndjson/html; `full`: text,
  // JSON, NDJSON and HTML).
  await stage(`read+decode+explain ${detail}`, async () => {
    const done = await explainCapture(source(), { detail, reuse: true, onConnection: () => {} });
    return done.capture.frames;
  });
}
// And each connection formatted as the CLI formats it, the bytes dropped
// (no write): the analysis plus the format's own cost, without the output.
const formats: [string, (e: Explained) => Iterable<string | Uint8Array>][] = [
  ["text", (e) => textBytes(e)],
  ["ndjson", (e) => connectionJsonParts(e)],
  ["json", (e) => connectionJsonParts(e, undefined, true)],
];
for (const [name, pieces] of formats) {
  await stage(`read+decode+explain full+${name}`, async () => {
    let bytes = 0;
    const done = await explainCapture(source(), {
      detail: "full",
      reuse: true,
      onConnection: (e) => {
        for (const p of pieces(e)) bytes += p.length;
      },
    });
    if (bytes === 0) throw new Error(`${name}: nothing formatted`);
    return done.capture.frames;
  });
}
