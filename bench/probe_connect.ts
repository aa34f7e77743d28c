/**
 * Handshake time on loopback as probe measures it, through libc (FFI) and
 * through the runtime's sockets (lib/runtime/net), 300 probes each, same run.
 * Run: `deno run -A bench/probe_connect.ts` or `bun bench/probe_connect.ts`.
 * @module
 */
import net from "node:net";
import { libcProbeConnector, netConnector } from "../lib/probe/net_connector.ts";
import { probeOnce } from "../lib/probe/connect.ts";
import type { Connector } from "../lib/probe/types.ts";
import { getNet } from "../lib/runtime/net/mod.ts";
import { loadConnector } from "../lib/runtime/sockopt/mod.ts";
import { runtimeName } from "../lib/runtime/mod.ts";

const N = 300;
const server = net.createServer((s) => s.on("error", () => {}).resume());
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const port = (server.address() as net.AddressInfo).port;
const target = { host: "127.0.0.1", address: "127.0.0.1", family: 4 as const, port };

async function measure(name: string, connector: Connector): Promise<void> {
  const ms: number[] = [];
  for (let i = 1; i <= N; i++) {
    const r = await probeOnce(connector, target, i, 2000);
    if (r?.outcome === "connected") ms.push(r.ms);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(3);
  console.log(
    `${runtimeName()} ${name.padEnd(28)} n=${ms.length} median ${q(0.5)} ms  p90 ${q(0.9)} ms  ` +
      `max ${ms[ms.length - 1].toFixed(3)} ms`,
  );
}

const raw = await loadConnector();
if ("reason" in raw) console.log(`libc: unavailable (${raw.reason})`);
else await measure(raw.mechanism, libcProbeConnector(raw));
const sockets = await getNet();
await measure(`${sockets.mechanism} sockets`, netConnector(sockets));
server.close();
