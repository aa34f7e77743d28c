import { runMeasured, writeSynFlood } from "/work/main/tests/support/hostile.ts";
import { existsSync } from "node:fs";
const n = Number(process.argv[2]); const rt = process.argv[3];
const file = `/tmp/flood2-${n}.pcap`;
if (!existsSync(file)) writeSynFlood(file, n);
const exec = rt === "deno" ? ["/work/main/node_modules/.bin/deno", "run", "-A", "--no-check"] : ["/work/main/node_modules/.bin/bun"];
for (const fmt of [["--summary"], ["--format", "ndjson"], [], ["--format", "json"], ["--format", "html"]]) {
  const m = runMeasured([...exec, "/work/main/cmd/main.ts", "explain", file, ...fmt]);
  console.log(rt, n, fmt.join(" ") || "text", m.code, m.peakMiB.toFixed(0), "MiB", m.seconds.toFixed(1), "s", (m.stdoutBytes/1e6).toFixed(0), "MB");
}
