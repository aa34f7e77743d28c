/**
 * Live capture on Bun: libpcap by bun:ffi, else a tcpdump child process.
 * @module
 */
import {
  BLOCK_TIMEOUT_MS,
  PCAP_ERROR_NO_SUCH_DEVICE,
  PCAP_ERROR_PERM_DENIED,
  pollingCapture,
  RING_BYTES,
} from "./stream.ts";
import { tcpdumpArgs, tcpdumpCapture, type TcpdumpChild } from "./tcpdump.ts";
import { LIBPCAP_CANDIDATES } from "./paths.ts";
import type { CaptureFailure, CaptureRequest, LiveCapture } from "./types.ts";

/** The part of bun:ffi this file uses (Deno type-checks this file too). */
interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...a: unknown[]) => number> };
  read: { u32(ptr: number, offset?: number): number; i32(ptr: number, offset?: number): number };
  toArrayBuffer(ptr: number, offset: number, length: number): ArrayBuffer;
  CString: new (ptr: number) => { toString(): string };
}

/** The part of Bun's spawn this file uses. */
interface BunSpawn {
  spawn(argv: string[], opts: Record<string, unknown>): {
    stdout: ReadableStream<Uint8Array>;
    stderr: ReadableStream<Uint8Array>;
    kill(sig?: string): void;
    exited: Promise<number>;
  };
}

const SYMBOLS = {
  pcap_create: { args: ["ptr", "ptr"], returns: "ptr" },
  pcap_set_snaplen: { args: ["ptr", "i32"], returns: "i32" },
  pcap_set_promisc: { args: ["ptr", "i32"], returns: "i32" },
  pcap_set_buffer_size: { args: ["ptr", "i32"], returns: "i32" },
  pcap_set_timeout: { args: ["ptr", "i32"], returns: "i32" },
  pcap_set_immediate_mode: { args: ["ptr", "i32"], returns: "i32" },
  pcap_activate: { args: ["ptr"], returns: "i32" },
  pcap_geterr: { args: ["ptr"], returns: "ptr" },
  pcap_compile: { args: ["ptr", "ptr", "ptr", "i32", "u32"], returns: "i32" },
  pcap_setfilter: { args: ["ptr", "ptr"], returns: "i32" },
  pcap_freecode: { args: ["ptr"], returns: "void" },
  pcap_setnonblock: { args: ["ptr", "i32", "ptr"], returns: "i32" },
  pcap_datalink: { args: ["ptr"], returns: "i32" },
  pcap_next_ex: { args: ["ptr", "ptr", "ptr"], returns: "i32" },
  pcap_stats: { args: ["ptr", "ptr"], returns: "i32" },
  pcap_close: { args: ["ptr"], returns: "void" },
};

interface Loaded {
  ffi: BunFfi;
  s: Record<string, (...a: unknown[]) => number>;
}
let loaded: Promise<Loaded | string> | undefined;

async function load(): Promise<Loaded | string> {
  let ffi: BunFfi;
  try {
    const specifier = "bun:ffi";
    ffi = await import(specifier) as BunFfi;
  } catch (e) {
    return `cannot load bun:ffi: ${(e as Error).message}`;
  }
  const errors: string[] = [];
  for (const path of LIBPCAP_CANDIDATES) {
    try {
      return { ffi, s: ffi.dlopen(path, SYMBOLS).symbols };
    } catch (e) {
      errors.push(`${path}: ${(e as Error).message}`);
    }
  }
  return `cannot load libpcap: ${errors.join("; ")}`;
}

const cstr = (s: string) => new TextEncoder().encode(s + "\0");

function openFfi(
  { ffi, s }: Loaded,
  req: CaptureRequest,
  snaplen: number,
): LiveCapture | CaptureFailure {
  const errbuf = new Uint8Array(512);
  const readCstr = (p: number) => (p ? new ffi.CString(p).toString() : "");
  const h = s.pcap_create(cstr(req.device), errbuf);
  if (!h) return { code: "ECAPTURE", message: new TextDecoder().decode(errbuf).split("\0")[0] };
  s.pcap_set_snaplen(h, snaplen);
  s.pcap_set_promisc(h, 0);
  // Kernel blocks retired every 50 ms (TPACKET_V3: packets packed, not one
  // snaplen-sized slot each as in immediate mode) in a 32 MiB ring.
  s.pcap_set_timeout(h, BLOCK_TIMEOUT_MS);
  s.pcap_set_buffer_size(h, RING_BYTES);
  const rc = s.pcap_activate(h);
  if (rc < 0) {
    const message = readCstr(s.pcap_geterr(h));
    s.pcap_close(h);
    return {
      code: rc === PCAP_ERROR_PERM_DENIED
        ? "EPERM"
        : rc === PCAP_ERROR_NO_SUCH_DEVICE
        ? "ENODEV"
        : "ECAPTURE",
      message,
    };
  }
  const prog = new Uint8Array(16);
  if (s.pcap_compile(h, prog, cstr(req.filter), 1, 0xffffffff) !== 0) {
    const message = readCstr(s.pcap_geterr(h));
    s.pcap_close(h);
    return { code: "EFILTER", message };
  }
  const set = s.pcap_setfilter(h, prog);
  s.pcap_freecode(prog);
  if (set !== 0 || s.pcap_setnonblock(h, 1, errbuf) !== 0) {
    const message = readCstr(s.pcap_geterr(h));
    s.pcap_close(h);
    return { code: "ECAPTURE", message };
  }
  const hp = new Uint8Array(8), dp = new Uint8Array(8);
  const hv = new DataView(hp.buffer), dv = new DataView(dp.buffer);
  const st = new Uint8Array(16);
  const sv = new DataView(st.buffer);
  return pollingCapture({
    datalink: () => s.pcap_datalink(h),
    next(hdr, into, at) {
      const r = s.pcap_next_ex(h, hp, dp);
      if (r !== 1) return r;
      const hdrPtr = Number(hv.getBigUint64(0, true));
      hdr[0] = ffi.read.u32(hdrPtr, 0);
      hdr[1] = ffi.read.u32(hdrPtr, 8);
      hdr[2] = ffi.read.u32(hdrPtr, 16);
      hdr[3] = ffi.read.u32(hdrPtr, 20);
      const data = Number(dv.getBigUint64(0, true));
      into.set(new Uint8Array(ffi.toArrayBuffer(data, 0, hdr[2])), at);
      return 1;
    },
    stats() {
      if (s.pcap_stats(h, st) !== 0) return undefined;
      return [sv.getUint32(0, true), sv.getUint32(4, true), sv.getUint32(8, true)];
    },
    error: () => readCstr(s.pcap_geterr(h)),
    close: () => s.pcap_close(h),
  }, snaplen);
}

function spawnTcpdump(req: CaptureRequest, snaplen: number): TcpdumpChild | string {
  const bun = (globalThis as unknown as { Bun: BunSpawn }).Bun;
  try {
    const child = bun.spawn(["tcpdump", ...tcpdumpArgs(req, snaplen)], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      kill: (sig) => {
        try {
          child.kill(sig);
        } catch { /* already gone */ }
      },
      exited: child.exited,
    };
  } catch (e) {
    return `cannot run tcpdump: ${(e as Error).message}`;
  }
}

/** Starts a live capture (libpcap first unless told otherwise). */
export async function openCapture(req: CaptureRequest): Promise<LiveCapture | CaptureFailure> {
  const snaplen = req.snaplen ?? 262144;
  const backend = req.backend ?? "auto";
  let why = "";
  if (backend !== "tcpdump") {
    const l = await (loaded ??= load());
    if (typeof l !== "string") return openFfi(l, req, snaplen);
    why = l;
    if (backend === "ffi") return { code: "EUNAVAIL", message: why };
  }
  const child = spawnTcpdump(req, snaplen);
  if (typeof child === "string") {
    return { code: "EUNAVAIL", message: why ? `${why}; ${child}` : child };
  }
  return await tcpdumpCapture(child);
}

/** The running executable (what `setcap` must be given). */
export function execPath(): string {
  return (globalThis as unknown as { process: { execPath: string } }).process.execPath;
}
