/**
 * Live capture on Deno: libpcap by `Deno.dlopen` (needs --allow-ffi), else a
 * tcpdump child process (needs --allow-run).
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

const SYMBOLS = {
  pcap_create: { parameters: ["buffer", "buffer"], result: "pointer" },
  pcap_set_snaplen: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_promisc: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_buffer_size: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_timeout: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_set_immediate_mode: { parameters: ["pointer", "i32"], result: "i32" },
  pcap_activate: { parameters: ["pointer"], result: "i32" },
  pcap_geterr: { parameters: ["pointer"], result: "pointer" },
  pcap_compile: { parameters: ["pointer", "buffer", "buffer", "i32", "u32"], result: "i32" },
  pcap_setfilter: { parameters: ["pointer", "buffer"], result: "i32" },
  pcap_freecode: { parameters: ["buffer"], result: "void" },
  pcap_setnonblock: { parameters: ["pointer", "i32", "buffer"], result: "i32" },
  pcap_datalink: { parameters: ["pointer"], result: "i32" },
  pcap_next_ex: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  pcap_stats: { parameters: ["pointer", "buffer"], result: "i32" },
  pcap_close: { parameters: ["pointer"], result: "void" },
} as const;

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>;
let lib: Lib | string | undefined;

function load(): Lib | string {
  if (lib !== undefined) return lib;
  const state = Deno.permissions.querySync({ name: "ffi" }).state;
  if (state !== "granted") return lib = `Deno needs --allow-ffi to load libpcap (ffi is ${state})`;
  const errors: string[] = [];
  for (const path of LIBPCAP_CANDIDATES) {
    try {
      return lib = Deno.dlopen(path, SYMBOLS);
    } catch (e) {
      errors.push(`${path}: ${(e as Error).message}`);
    }
  }
  return lib = `cannot load libpcap: ${errors.join("; ")}`;
}

const cstr = (s: string) => new TextEncoder().encode(s + "\0");
const readCstr = (p: Deno.PointerValue) =>
  p === null ? "" : new Deno.UnsafePointerView(p).getCString();

function openFfi(l: Lib, req: CaptureRequest, snaplen: number): LiveCapture | CaptureFailure {
  const s = l.symbols;
  const errbuf = new Uint8Array(512);
  const h = s.pcap_create(cstr(req.device), errbuf);
  if (h === null) {
    return { code: "ECAPTURE", message: new TextDecoder().decode(errbuf).split("\0")[0] };
  }
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
      const hdrPtr = Deno.UnsafePointer.create(hv.getBigUint64(0, true))!;
      const v = new Deno.UnsafePointerView(hdrPtr);
      hdr[0] = Number(v.getBigInt64(0));
      hdr[1] = Number(v.getBigInt64(8));
      hdr[2] = v.getUint32(16);
      hdr[3] = v.getUint32(20);
      const data = Deno.UnsafePointer.create(dv.getBigUint64(0, true))!;
      Deno.UnsafePointerView.copyInto(data, into.subarray(at, at + hdr[2]));
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
  try {
    const child = new Deno.Command("tcpdump", {
      args: tcpdumpArgs(req, snaplen),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      kill: (sig) => {
        try {
          child.kill(sig);
        } catch { /* already gone */ }
      },
      exited: child.status.then((s) => s.code),
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
    const l = load();
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
  return Deno.execPath();
}
