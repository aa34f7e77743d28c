/**
 * One shard of the explain engine with no thread and no hand-over: this
 * process reads and decodes the whole capture itself and analyses only the
 * connections of shard K of N (the same 4-tuple hash as `--threads`,
 * lib/explain/shard.ts), giving the engine a tick for every other TCP frame.
 * Two such processes started together are the best any sharding can do on a
 * machine: no copying, no messages, no merge. bench/shard_ceiling.sh times
 * them against one process doing everything.
 * Usage: deno run -A bench/shard_ceiling.ts FILE K N  |  bun bench/shard_ceiling.ts FILE K N
 * @module
 */
import { openSync, readSync } from "node:fs";
import process from "node:process";
import { readCapture } from "../lib/capture/mod.ts";
import { decodeFrame, newPacket } from "../lib/decode/mod.ts";
import { Explainer } from "../lib/explain/engine.ts";
import { shardOf } from "../lib/explain/shard.ts";

const [file, k, n] = [process.argv[2], Number(process.argv[3] ?? 0), Number(process.argv[4] ?? 1)];
if (!file || !(k >= 0 && k < n)) throw new Error("usage: shard_ceiling.ts FILE K N");
const fd = openSync(file, "r");
let ended = 0, frames = 0;
const ex = new Explainer({ detail: "table", reuse: true, onConnection: () => void ended++ });
const pkt = newPacket();
const t0 = performance.now();
await readCapture({
  read(into) {
    const got = readSync(fd, into, 0, into.length, null);
    return Promise.resolve(got === 0 ? null : got);
  },
}, (f) => {
  frames++;
  const p = decodeFrame(f, pkt);
  const s = n === 1 ? (p.kind === "tcp" ? 0 : -1) : shardOf(p, n);
  if (s === k || (n === 1 && p.kind !== "tcp")) ex.push(p);
  else if (s >= 0) ex.advance(f.tsSec, f.tsNsec, true);
});
ex.finish();
console.log(
  `shard ${k}/${n}: ${frames} frames, ${ended} connections, ${
    (performance.now() - t0).toFixed(0)
  } ms`,
);
