/**
 * Generators of hostile captures for the reliability tests and benchmarks,
 * written straight to a file in pieces (a capture of millions of packets is
 * never one buffer): a SYN flood from many sources, one connection of
 * millions of segments. Addresses are in 198.18.0.0/15 (documentation
 * range); the files are data, never sent anywhere.
 * @module
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { spawnSync } from "node:child_process";

/** Writes a little-endian µs pcap (Ethernet) whose frames `fill` produces. */
class PcapWriter {
  #fd: number;
  #buf = new Uint8Array(1 << 20);
  #dv = new DataView(this.#buf.buffer);
  #at = 0;

  constructor(path: string) {
    this.#fd = openSync(path, "w");
    const h = new DataView(new ArrayBuffer(24));
    h.setUint32(0, 0xa1b2c3d4, true);
    h.setUint16(4, 2, true);
    h.setUint16(6, 4, true);
    h.setUint32(16, 65535, true);
    h.setUint32(20, 1, true);
    writeSync(this.#fd, new Uint8Array(h.buffer));
  }

  /** One IPv4/TCP frame (no payload bytes beyond `len`, zero-filled). */
  tcp(
    t: number,
    src: number,
    dst: number,
    sport: number,
    dport: number,
    seq: number,
    ack: number,
    flags: number,
    len = 0,
    win = 65535,
  ): void {
    const size = 14 + 20 + 20 + len;
    if (this.#at + 16 + size > this.#buf.length) this.flush();
    const dv = this.#dv, o = this.#at;
    const sec = Math.floor(t);
    dv.setUint32(o, 1_700_000_000 + sec, true);
    dv.setUint32(o + 4, Math.round((t - sec) * 1e6) % 1_000_000, true);
    dv.setUint32(o + 8, size, true);
    dv.setUint32(o + 12, size, true);
    const e = o + 16;
    this.#buf.fill(0, e, e + size);
    dv.setUint16(e + 12, 0x0800);
    const ip = e + 14;
    dv.setUint8(ip, 0x45);
    dv.setUint16(ip + 2, 40 + len);
    dv.setUint8(ip + 8, 64);
    dv.setUint8(ip + 9, 6);
    dv.setUint32(ip + 12, src >>> 0);
    dv.setUint32(ip + 16, dst >>> 0);
    const tcp = ip + 20;
    dv.setUint16(tcp, sport);
    dv.setUint16(tcp + 2, dport);
    dv.setUint32(tcp + 4, seq >>> 0);
    dv.setUint32(tcp + 8, ack >>> 0);
    dv.setUint8(tcp + 12, 5 << 4);
    dv.setUint8(tcp + 13, flags);
    dv.setUint16(tcp + 14, win);
    this.#at += 16 + size;
  }

  flush(): void {
    if (this.#at > 0) writeSync(this.#fd, this.#buf.subarray(0, this.#at));
    this.#at = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

const SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01;
const NET = (198 << 24) | (18 << 16);

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/**
 * `n` SYNs to 198.18.0.1:80 from random sources in 198.18.0.0/15 with random
 * ports, 10 µs apart, never answered: `n` half-open connections.
 *
 * @example
 * ```ts
 * // writeSynFlood("/tmp/flood.pcap", 1_000_000);
 * ```
 */
export function writeSynFlood(path: string, n: number, seed = 1): void {
  const w = new PcapWriter(path), r = rng(seed);
  for (let i = 0; i < n; i++) {
    const src = NET | (r() & 0x1ffff);
    w.tcp(i * 1e-5, src, NET | 1, 1024 + (r() % 64000), 80, r(), 0, SYN);
  }
  w.close();
}

/**
 * One connection of `segments` segments: a handshake, then data segments of
 * 100 bytes each answered by an ACK every second segment, then the close.
 *
 * @example
 * ```ts
 * // writeLongConnection("/tmp/long.pcap", 4_500_000);
 * ```
 */
export function writeLongConnection(path: string, segments: number): void {
  const w = new PcapWriter(path);
  const a = NET | 2, b = NET | 3, pa = 40000, pb = 9877, ci = 1000, si = 5000;
  let t = 0;
  w.tcp(t, a, b, pa, pb, ci, 0, SYN);
  w.tcp(t += 1e-4, b, a, pb, pa, si, ci + 1, SYN | ACK);
  w.tcp(t += 1e-4, a, b, pa, pb, ci + 1, si + 1, ACK);
  let sent = 0;
  for (let k = 3; k < segments - 3; k++) {
    if (k % 3 === 2) w.tcp(t += 1e-6, b, a, pb, pa, si + 1, ci + 1 + sent, ACK);
    else {
      w.tcp(t += 1e-6, a, b, pa, pb, ci + 1 + sent, si + 1, PSH | ACK, 100);
      sent += 100;
    }
  }
  const end = ci + 1 + sent;
  w.tcp(t += 1e-4, a, b, pa, pb, end, si + 1, FIN | ACK);
  w.tcp(t += 1e-4, b, a, pb, pa, si + 1, end + 1, FIN | ACK);
  w.tcp(t += 1e-4, a, b, pa, pb, end + 1, si + 2, ACK);
  w.close();
}

/** What {@link runMeasured} returns. */
export interface Measured {
  code: number;
  /** Peak resident memory of the command, MiB (getrusage of the child). */
  peakMiB: number;
  seconds: number;
  stdoutBytes: number;
  stderr: string;
}

/**
 * Runs a command with its output thrown away (only counted) and measures
 * its peak RSS from the kernel's accounting of the finished child.
 *
 * @example
 * ```ts
 * // runMeasured([process.execPath, "cmd/main.ts", "explain", file]).peakMiB
 * ```
 */
export function runMeasured(argv: string[], timeoutMs = 600_000, cwd?: string): Measured {
  const py = [
    "import resource, subprocess, sys, time",
    "t = time.time()",
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)",
    "n = 0",
    "while True:",
    "    b = p.stdout.read(1 << 20)",
    "    if not b: break",
    "    n += len(b)",
    "err = p.stderr.read()",
    "p.wait()",
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss",
    "sys.stdout.write('%d %d %.3f\\n' % (p.returncode, peak, time.time() - t) + str(n) + '\\n')",
    "sys.stdout.write(err.decode(errors='replace')[-4000:])",
  ].join("\n");
  const r = spawnSync("python3", ["-c", py, ...argv], {
    timeout: timeoutMs,
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = r.stdout?.toString() ?? "";
  const [first, bytes, ...rest] = out.split("\n");
  const [code, kb, secs] = (first ?? "").split(" ").map(Number);
  return {
    code: Number.isFinite(code) ? code : -1,
    peakMiB: (kb ?? 0) / 1024,
    seconds: secs ?? 0,
    stdoutBytes: Number(bytes ?? 0),
    stderr: rest.join("\n") + (r.stderr?.toString() ?? ""),
  };
}
