/**
 * Self time per JIT-compiled function of a Bun run, from `perf` samples and
 * JavaScriptCore's jitdump file (bench/jit_profile.sh makes both). Each
 * sample's instruction pointer is looked up in the code ranges the jitdump
 * records; the name keeps the tier (JSC-FTL, JSC-DFG, JSC-Baseline), so a
 * function that never reached the top tier shows as such. Samples outside
 * JIT code (the runtime, libc, the kernel) are counted as "(not JIT code)".
 *
 * Why not `bun --cpu-prof`: its sampler attributes time spent in native
 * frames to the last JavaScript frame it knows (an explain run showed 13.7%
 * in `readSync` that strace put at under 1%), and it runs beside the code it
 * measures. perf's samples come from the kernel's clock.
 *
 * Usage: bun bench/jit_profile.ts JITDUMP PERF_SCRIPT_IPS [TOP=40]
 *   PERF_SCRIPT_IPS: the output of `perf script -F ip --comm bun`.
 * @module
 */
import { readFileSync } from "node:fs";

const [dumpPath, ipsPath, topArg] = process.argv.slice(2);
if (!dumpPath || !ipsPath) {
  console.error("usage: bun bench/jit_profile.ts JITDUMP PERF_SCRIPT_IPS [TOP=40]");
  process.exit(2);
}
const top = Number(topArg ?? 40);

/** One JIT_CODE_LOAD record: the code's address, size and name. */
interface Load {
  addr: bigint;
  size: bigint;
  name: string;
}

/** The code loads of a jitdump file (the format of Linux perf's jitdump specification). */
function readLoads(bytes: Uint8Array): Load[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== 0x4a695444) throw new Error(`${dumpPath}: not a jitdump file`);
  const loads: Load[] = [];
  const text = new TextDecoder();
  let off = v.getUint32(8, true); // header size
  // Records: id, total size, timestamp; a code load (id 0) then has pid, tid,
  // vma, code address, code size, code index and a NUL-terminated name.
  for (let n = 0; off + 16 <= bytes.length && n < 10_000_000; n++) {
    const id = v.getUint32(off, true);
    const total = v.getUint32(off + 4, true);
    if (total < 16 || off + total > bytes.length) break;
    if (id === 0) {
      const addr = v.getBigUint64(off + 32, true);
      const size = v.getBigUint64(off + 40, true);
      const nameAt = off + 56;
      let end = nameAt;
      while (end < off + total && bytes[end] !== 0) end++;
      loads.push({ addr, size, name: text.decode(bytes.subarray(nameAt, end)) });
    }
    off += total;
  }
  return loads.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
}

/** The load whose code holds `ip` (binary search), or undefined. */
function find(loads: Load[], ip: bigint): Load | undefined {
  let lo = 0, hi = loads.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (loads[mid].addr <= ip) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (at < 0) return undefined;
  const l = loads[at];
  return ip < l.addr + l.size ? l : undefined;
}

const loads = readLoads(new Uint8Array(readFileSync(dumpPath)));
const counts = new Map<string, number>();
let total = 0;
for (const word of readFileSync(ipsPath, "utf8").split(/\s+/)) {
  if (!/^[0-9a-f]+$/i.test(word)) continue;
  total++;
  const l = find(loads, BigInt("0x" + word));
  // Names read "JSC-FTL: applySegment#ElzRqZ": the hash tells same-named functions apart.
  const key = l ? l.name : "(not JIT code)";
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
console.log(`${total} samples, ${loads.length} code loads`);
for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(
    `${String(n).padStart(7)} ${(100 * n / Math.max(1, total)).toFixed(1).padStart(5)}%  ${k}`,
  );
}
