/**
 * The fallback capture: a `tcpdump -U -w -` child process whose standard
 * output is already a pcap stream. Used where FFI is not allowed or libpcap
 * cannot be loaded. The runtime adapters spawn it; this file reads it.
 * @module
 */
import type { CaptureFailure, CaptureRequest, LiveCapture } from "./types.ts";

/** A spawned tcpdump as the adapters hand it over. */
export interface TcpdumpChild {
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  kill(signal: "SIGINT" | "SIGTERM"): void;
  exited: Promise<number | null>;
}

/**
 * How long tcpdump's kernel holds a block of packets (its fixed 1000 ms
 * timeout, TPACKET_V3) plus a margin: stop() waits this long before it
 * signals tcpdump, so the last block reaches us instead of dying with it.
 */
const TCPDUMP_BLOCK_MS = 1200;

/**
 * tcpdump's arguments for a request. Not `--immediate-mode`: that is
 * TPACKET_V2, one slot as big as the snapshot length per packet (about 512
 * slots of 64 KiB on `lo` in 32 MiB, 50 ms at 10,000 packets a second), so a
 * watch that did not read for a moment lost packets (a watch stopped 12 s
 * under 200 connections/s lost 2,404 of 4,000). Packed V3 blocks in the same
 * 32 MiB hold minutes of that load; verdicts come up to a second later.
 */
export function tcpdumpArgs(req: CaptureRequest, snaplen: number): string[] {
  const args = [
    "-i",
    req.device,
    "-B",
    "32768",
    "-U",
    "-w",
    "-",
    "-s",
    String(snaplen),
    "-n",
  ];
  if (req.filter.trim() !== "") args.push(req.filter);
  return args;
}

/**
 * Waits until tcpdump says it is listening (then the filter is set up) or
 * fails; returns the capture or why it failed.
 */
export async function tcpdumpCapture(
  child: TcpdumpChild,
  timeoutMs = 10_000,
): Promise<LiveCapture | CaptureFailure> {
  const errReader = child.stderr.getReader();
  const dec = new TextDecoder();
  let errText = "";
  let exited = false;
  child.exited.then(() => (exited = true), () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  // One read in flight at a time: a read left behind by the timer still gets
  // the next chunk (it was lost, with "listening on" in it, whenever tcpdump
  // took more than 200 ms to start).
  let reading: ReturnType<typeof errReader.read> | undefined;
  while (!/listening on/.test(errText)) {
    const left = deadline - Date.now();
    if (left <= 0) {
      child.kill("SIGTERM");
      return { code: "ECAPTURE", message: "tcpdump did not start listening in time" };
    }
    reading ??= errReader.read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const chunk = await Promise.race([
      reading,
      new Promise<null>((r) => timer = setTimeout(() => r(null), Math.min(left, 200))),
    ]);
    clearTimeout(timer);
    if (chunk === null) continue;
    reading = undefined;
    if (chunk.done) {
      await child.exited.catch(() => null);
      return classify(errText);
    }
    errText += dec.decode(chunk.value, { stream: true });
  }
  // Keep draining stderr so tcpdump never blocks on it; at exit it says what
  // the kernel dropped ("N packets dropped by kernel").
  let tail = "";
  const drained = (async () => {
    try {
      for (;;) {
        const r = await errReader.read();
        if (r.done) break;
        tail = (tail + dec.decode(r.value, { stream: true })).slice(-4096);
      }
    } catch { /* closed */ }
  })();
  const out = child.stdout.getReader();
  let pending: Uint8Array | undefined;
  let stopped = false;
  return {
    backend: "tcpdump",
    async read(into) {
      if (pending === undefined) {
        const r = await out.read();
        if (r.done) {
          // tcpdump's closing counters come on stderr as it exits.
          await Promise.race([drained, new Promise((r) => setTimeout(r, 1000))]);
          return null;
        }
        pending = r.value;
      }
      const n = Math.min(into.length, pending.length);
      into.set(pending.subarray(0, n));
      pending = n === pending.length ? undefined : pending.subarray(n);
      return n;
    },
    stop() {
      if (stopped || exited) return;
      stopped = true;
      setTimeout(() => {
        if (!exited) child.kill("SIGINT");
      }, TCPDUMP_BLOCK_MS);
    },
    stats() {
      const got = (what: string) => Number(new RegExp(`(\\d+) packets? ${what}`).exec(tail)?.[1]);
      const recv = got("received by filter"), drop = got("dropped by kernel");
      if (Number.isNaN(recv) || Number.isNaN(drop)) return undefined;
      return { received: recv, dropped: drop, ifDropped: 0 };
    },
    close() {
      if (!exited) child.kill("SIGTERM");
      out.cancel().catch(() => {});
    },
  };
}

function classify(text: string): CaptureFailure {
  const line = text.split("\n").map((l) => l.trim()).filter((l) => l !== "").pop() ??
    "tcpdump exited";
  if (/permission|not permitted/i.test(text)) return { code: "EPERM", message: line };
  if (/no such device|doesn't exist/i.test(text)) return { code: "ENODEV", message: line };
  if (/syntax error|can't parse filter|expression rejects/i.test(text)) {
    return { code: "EFILTER", message: line };
  }
  return { code: "ECAPTURE", message: line };
}
