/**
 * Run as a script (under a small `ulimit -n`): fills the descriptor table
 * with /dev/null, then connects to 127.0.0.1:PORT through lib/runtime/net and
 * prints the NetError code, so a test can check that EMFILE is named on both
 * runtimes (Bun alone would say ECONNREFUSED).
 * @module
 */
import { closeSync, openSync } from "node:fs";
import process from "node:process";
import { getNet, NetError } from "../../lib/runtime/net/mod.ts";
import { openFileLimit } from "../../lib/runtime/net/limits.ts";

const port = Number(process.argv.at(-1));
const net = await getNet();
openFileLimit(); // read while a descriptor is still free
const held: number[] = [];
for (let i = 0; i < 100_000; i++) {
  try {
    held.push(openSync("/dev/null", "r"));
  } catch {
    break;
  }
}
let code = "connected";
try {
  (await net.connect({ host: "127.0.0.1", port, timeoutMs: 3000 })).close();
} catch (e) {
  code = e instanceof NetError ? e.code : `not a NetError: ${e}`;
}
held.forEach((fd) => closeSync(fd));
console.log(`code=${code}`);
process.exit(0);
