/**
 * Child process for the capture memory tests (tests/unit/capture_gzip.test.ts):
 * reads the capture file given as argv[2] through readCapture with a plain
 * node:fs ByteSource and prints one JSON line: packets, bytes, the error (if
 * reading failed), the time taken and the peak RSS (VmHWM, Linux).
 * Run: `bun tests/support/capture_memory_child.ts FILE` or
 * `deno run -A tests/support/capture_memory_child.ts FILE`.
 * @module
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import process from "node:process";
import { readCapture } from "../../lib/capture/mod.ts";

const fd = openSync(process.argv[2], "r");
const source = {
  read(into: Uint8Array): Promise<number | null> {
    const n = readSync(fd, into, 0, into.length, null);
    return Promise.resolve(n === 0 ? null : n);
  },
};
const t0 = performance.now();
let packets = 0;
let bytes = 0;
let error = "";
try {
  const info = await readCapture(source, (f) => {
    packets++;
    bytes += f.caplen;
  });
  if (info.packets !== packets) error = `info.packets ${info.packets} != ${packets}`;
} catch (e) {
  error = (e as Error)?.message ?? String(e);
}
closeSync(fd);
const ms = Math.round(performance.now() - t0);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
const peakMiB = hwm ? Number(hwm[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
console.log(JSON.stringify({ packets, bytes, error, ms, peakMiB: Math.round(peakMiB) }));
