/**
 * Benchmark: read + decode a capture file with lib/capture and lib/decode in a
 * tight loop (file I/O through the runtime adapter, as `tcpecho explain` does)
 * and print packets per second and memory. Run under both runtimes:
 *   deno run -A bench/capture-read.ts FILE [--no-decode] [--chunk BYTES]
 *   bun bench/capture-read.ts FILE
 * @module
 */
import process from "node:process";
import { readCapture } from "../lib/capture/reader.ts";
import { decodeFrame, newPacket } from "../lib/decode/mod.ts";
import { getRuntime } from "../lib/runtime/mod.ts";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
if (!file) {
  console.error("usage: capture-read.ts FILE [--no-decode] [--chunk BYTES] [--runs N]");
  process.exit(2);
}
const decode = !args.includes("--no-decode");
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const chunkSize = opt("--chunk", 1024 * 1024);
const runs = opt("--runs", 3);

const rt = await getRuntime();
const pkt = newPacket();
let tcp = 0;
let bytes = 0;
const onDecode = (f: Parameters<typeof decodeFrame>[0]) => {
  if (decodeFrame(f, pkt).kind === "tcp") {
    tcp++;
    bytes += pkt.payloadLen;
  }
};
const onCount = () => {
  tcp++;
};

const rss0 = process.memoryUsage().rss;
let best = Infinity;
let frames = 0;
for (let i = 0; i < runs; i++) {
  tcp = 0;
  bytes = 0;
  const src = await rt.openFile(file);
  const t0 = performance.now();
  const info = await readCapture(src, decode ? onDecode : onCount, { chunkSize });
  const ms = performance.now() - t0;
  src.close();
  frames = info.packets;
  best = Math.min(best, ms);
  const rss = process.memoryUsage().rss;
  console.log(
    `${rt.name} run ${i + 1}: ${info.packets} packets (${tcp} tcp) in ${ms.toFixed(0)} ms = ` +
      `${(info.packets / ms / 1000).toFixed(2)} Mpps; rss ${(rss / 2 ** 20).toFixed(0)} MiB`,
  );
}
const rss1 = process.memoryUsage().rss;
console.log(
  `RESULT ${rt.name} ${decode ? "read+decode" : "read only"}: best ` +
    `${(frames / best / 1000).toFixed(2)} Mpps (${best.toFixed(0)} ms for ${frames} packets), ` +
    `rss ${(rss0 / 2 ** 20).toFixed(0)} -> ${(rss1 / 2 ** 20).toFixed(0)} MiB`,
);
