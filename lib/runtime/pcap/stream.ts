/**
 * Turns packets taken one by one from libpcap into a pcap byte stream
 * (microsecond timestamps, little-endian), polling a non-blocking handle so
 * the event loop never blocks in pcap_next_ex.
 * @module
 */
import type { CaptureStats, LiveCapture } from "./types.ts";

/** The libpcap calls a runtime adapter provides on one activated, non-blocking handle. */
export interface PcapHandleCalls {
  /** pcap_datalink. */
  datalink(): number;
  /**
   * pcap_next_ex: 1 a packet (its header in `hdr`: [sec, usec, caplen, len],
   * and its bytes copied into `into` at `at` when caplen fits), 0 none now,
   * negative on error or end.
   */
  next(hdr: Float64Array, into: Uint8Array, at: number): number;
  /** pcap_stats as [recv, drop, ifdrop], or undefined. */
  stats(): [number, number, number] | undefined;
  /** pcap_geterr. */
  error(): string;
  /** pcap_close. */
  close(): void;
}

/** Milliseconds between polls when no packet is waiting. */
const POLL_MS = 10;

/** A {@link LiveCapture} over libpcap calls. */
export function pollingCapture(calls: PcapHandleCalls, snaplen: number): LiveCapture {
  const hdr = new Float64Array(4);
  // Room for many records; a record never exceeds 16 + snaplen bytes.
  let buf = new Uint8Array(Math.max(1 << 18, 2 * (16 + snaplen)));
  let view = new DataView(buf.buffer);
  let start = 0, end = 0;
  let stopped = false, closed = false, failed = "";
  /** When stop() was asked, the time to stop reading (0: not asked). */
  let stopAt = 0;
  let last: [number, number, number] | undefined;
  // The pcap global header.
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, snaplen, true);
  view.setUint32(20, calls.datalink(), true);
  end = 24;

  /** Moves waiting packets from libpcap into the buffer; returns how many. */
  const drain = (): number => {
    if (closed) return 0;
    if (start > 0 && start === end) start = end = 0;
    let n = 0;
    while (buf.length - end >= 16 + snaplen && n < 10000) {
      const rc = calls.next(hdr, buf, end + 16);
      if (rc === 0) break;
      if (rc < 0) {
        if (rc !== -2) failed = calls.error();
        stopped = true;
        break;
      }
      view.setUint32(end, hdr[0], true);
      view.setUint32(end + 4, hdr[1], true);
      view.setUint32(end + 8, hdr[2], true);
      view.setUint32(end + 12, hdr[3], true);
      end += 16 + hdr[2];
      n++;
    }
    if (buf.length - end < 16 + snaplen && start > 0) {
      buf.copyWithin(0, start, end);
      end -= start;
      start = 0;
    }
    return n;
  };

  return {
    backend: "libpcap (FFI)",
    async read(into) {
      for (;;) {
        if (end === start) drain();
        if (end > start) {
          const n = Math.min(into.length, end - start);
          into.set(buf.subarray(start, start + n));
          start += n;
          return n;
        }
        if (stopAt !== 0 && !stopped && !closed && Date.now() >= stopAt) {
          if (drain() > 0) continue;
          last = calls.stats() ?? last;
          stopped = true;
        }
        if (stopped || closed) {
          if (failed) throw new Error(`libpcap: ${failed}`);
          return null;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    stop() {
      if (stopped || stopAt !== 0) return;
      // The packets of the last block reach us when the kernel retires it (at
      // most BLOCK_TIMEOUT_MS): keep reading until then, then stop.
      stopAt = Date.now() + BLOCK_TIMEOUT_MS + 50;
    },
    stats() {
      if (!closed) last = calls.stats() ?? last;
      return last === undefined ? undefined : toStats(last);
    },
    close() {
      if (closed) return;
      last = calls.stats() ?? last;
      closed = true;
      stopped = true;
      calls.close();
      buf = new Uint8Array(0);
      view = new DataView(buf.buffer);
      start = end = 0;
    },
  };
}

function toStats(s: [number, number, number]): CaptureStats {
  return { received: s[0], dropped: s[1], ifDropped: s[2] };
}

/** libpcap's pcap_activate status codes that tcpecho names. */
export const PCAP_ERROR_NO_SUCH_DEVICE = -5;
export const PCAP_ERROR_PERM_DENIED = -8;

/**
 * The capture's kernel ring (pcap_set_buffer_size). libpcap cuts a TPACKET_V3
 * ring into 256 KiB blocks (its largest snapshot length), and the kernel
 * hands a block over when it is full or BLOCK_TIMEOUT_MS old, so a ring holds
 * at least (RING_BYTES / 256 KiB) × BLOCK_TIMEOUT_MS of traffic before it
 * drops: 256 blocks × 200 ms = 51 s while a block takes less than 256 KiB in
 * 200 ms (about 9,000 small packets a second); above that, 64 MiB of packets
 * (about 450,000 loopback echo packets, 45 s at 1,000 connections a second).
 * That is what lets a watch starved of CPU on a busy machine catch up
 * (docs/watch.md, "Measured").
 */
export const RING_BYTES = 64 * 1024 * 1024;
/** How long the kernel holds a block of packets before handing it over (pcap_set_timeout). */
export const BLOCK_TIMEOUT_MS = 200;
