import { readFileSync } from "node:fs";
import { explainCapture } from "./lib/explain/pipeline.ts";
const bytes = new Uint8Array(readFileSync("/tmp/flood2-1000000.pcap"));
const detail = process.argv[2] as "full" | "verdict" | "table";
let n = 0;
await explainCapture(bytes, { detail, reuse: false, onConnection: () => { n++; },
  onFrame: (f) => { if (f % 250_000 === 0) { (globalThis as any).gc?.(); console.log(f, "heap", (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)); } } });
console.log(detail, n);
