/**
 * Benchmark helper: count the packets of a classic pcap with pcap-parser (npm),
 * the library the design names, for bench/capture-compare.sh.
 * Usage: bun bench/capture-pcap-parser.ts FILE
 * @module
 */
import process from "node:process";
import pcapParser from "pcap-parser";

const file = process.argv[2];
let n = 0;
const t0 = performance.now();
const p = pcapParser.parse(file) as unknown as {
  on(event: string, fn: (...args: never[]) => void): void;
};
p.on("packet", () => {
  n++;
});
p.on("end", () => {
  const ms = performance.now() - t0;
  console.log(`pcap-parser: ${n} packets in ${ms.toFixed(0)} ms`);
});
