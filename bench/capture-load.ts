/**
 * Load generator for bench/make-capture.sh: an echo server and many short
 * client connections (connect, send a line, read the echo, close), run inside
 * a private network namespace. Bounded by a connection count and a deadline.
 * Usage: bun bench/capture-load.ts HOST PORT CONNECTIONS PARALLEL SECONDS
 * @module
 */
import { connect, createServer, type Socket } from "node:net";
import process from "node:process";

const [host = "198.18.0.1", portArg = "9877", totalArg = "250000", parArg = "32", secArg = "120"] =
  process.argv.slice(2);
const port = Number(portArg);
const total = Number(totalArg);
const parallel = Number(parArg);
const deadline = Date.now() + Number(secArg) * 1000;

const server = createServer((s: Socket) => {
  s.on("data", (d) => s.write(d));
  s.on("end", () => s.end());
  s.on("error", () => s.destroy());
});
await new Promise<void>((r) => server.listen(port, host, r));

let started = 0;
let done = 0;
let failed = 0;
const line = "hello from the tcpecho benchmark\n";

function one(): Promise<void> {
  return new Promise((resolve) => {
    const c = connect({ host, port });
    let got = 0;
    c.on("connect", () => c.write(line));
    c.on("data", (d) => {
      got += d.length;
      if (got >= line.length) c.end();
    });
    c.on("close", () => resolve());
    c.on("error", () => {
      failed++;
      c.destroy();
    });
  });
}

async function worker(): Promise<void> {
  while (started < total && Date.now() < deadline) {
    started++;
    await one();
    done++;
  }
}

await Promise.all(Array.from({ length: parallel }, worker));
server.close();
console.log(`connections: ${done} done, ${failed} failed`);
process.exit(0);
