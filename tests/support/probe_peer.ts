/**
 * A minimal echo peer for the probe tests (node:net, runs under deno and bun):
 * `probe_peer.ts HOST PORT` listens, prints "listening PORT", echoes bytes.
 * Not a test file; started as a subprocess (often inside a network namespace).
 * @module
 */
import net from "node:net";
import process from "node:process";

const [host = "127.0.0.1", port = "0"] = process.argv.slice(2);
const server = net.createServer((s) => {
  s.on("data", (d) => s.write(d));
  s.on("error", () => {});
});
server.listen(Number(port), host, () => {
  process.stdout.write(`listening ${(server.address() as net.AddressInfo).port}\n`);
});
