/**
 * tcpdump on the client's veth, writing a pcap: started and waited for until
 * it says it is listening, stopped with SIGINT and waited for so the file is
 * complete (-U --immediate-mode: every packet is written as it arrives; without
 * --immediate-mode tcpdump here lost whole short captures on SIGINT).
 * @module
 */
import { TcpechoError } from "../lib/errors.ts";
import type { Proc } from "../lib/runtime/proc/mod.ts";
import type { LabNet } from "./netns.ts";
import { within } from "./wait.ts";

/**
 * What is captured: TCP, ICMP, ARP and ICMPv6 errors (types below 128). Left
 * out: the IPv6 noise of a fresh interface (router and neighbour
 * solicitations, MLD reports), which tells nothing about the scenario.
 */
export const CAPTURE_FILTER = "tcp or icmp or arp or (icmp6 and ip6[40] < 128)";

/**
 * For fast transfers (the slow cases' megabytes at a gigabit): headers only and
 * a larger kernel buffer, so a busy tcpdump keeps up and loses no packet.
 */
export interface CaptureOptions {
  /** Bytes kept per packet (tcpdump -s; default 262144, everything). */
  snaplen?: number;
  /** Kernel capture buffer in KiB (tcpdump -B; default tcpdump's 2 MiB). */
  bufferKiB?: number;
}

/** A running capture. */
export interface Capture {
  /** The pcap being written. */
  readonly file: string;
  /** The tcpdump process. */
  readonly proc: Proc;
  /** Stops tcpdump (SIGINT, then SIGKILL after 5 s) and waits for it. */
  stop(signal: AbortSignal): Promise<void>;
}

/**
 * Starts tcpdump in the client namespace on the client's veth.
 *
 * @example
 * ```ts
 * import type { ProcApi } from "../lib/runtime/proc/mod.ts";
 * import type { LabNet } from "./netns.ts";
 * declare const net: LabNet, proc: ProcApi, signal: AbortSignal;
 * const cap = await startCapture(net, (argv) => proc.spawn(argv), "/tmp/x.pcap", signal);
 * // … traffic …
 * await cap.stop(signal);
 * ```
 */
export async function startCapture(
  net: LabNet,
  spawn: (argv: string[]) => Proc,
  file: string,
  signal: AbortSignal,
  opts: CaptureOptions = {},
): Promise<Capture> {
  const argv = net.inNs("client", [
    "tcpdump",
    "-i",
    net.names.clientDev,
    "-n",
    "-U",
    "--immediate-mode",
    "-Z",
    "root",
    ...(opts.bufferKiB ? ["-B", String(opts.bufferKiB)] : []),
    "-s",
    String(opts.snaplen ?? 262144),
    "-w",
    file,
    CAPTURE_FILTER,
  ]);
  const proc = spawn(argv);
  const deadline = Date.now() + 10_000;
  while (!proc.stderr().includes("listening on")) {
    if (proc.exit() !== undefined || Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new TcpechoError(
        `Cannot start tcpdump: ${proc.stderr().trim() || "it did not start listening in 10 s"}`,
        { code: "ELAB", hint: `the command was: ${argv.join(" ")}` },
      );
    }
    await within(proc.exited, 20, signal);
  }
  return {
    file,
    proc,
    async stop(sig: AbortSignal) {
      proc.kill("SIGINT");
      if (await within(proc.exited, 5_000, sig) === undefined) {
        proc.kill("SIGKILL");
        await within(proc.exited, 2_000, sig);
      }
    },
  };
}
