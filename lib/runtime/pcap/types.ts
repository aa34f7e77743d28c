/**
 * Live packet capture: what `tcpecho watch` and `--trace` need from libpcap
 * (by FFI) or from a `tcpdump -U -w -` child process. Either way the capture
 * is read as a pcap byte stream, so the explain pipeline reads it like a file.
 * @module
 */

/** What to capture. */
export interface CaptureRequest {
  /** Interface name ("lo", "eth0", "any"). */
  device: string;
  /** BPF filter in tcpdump's syntax ("" for everything). */
  filter: string;
  /** Bytes kept of each packet (default 262144). */
  snaplen?: number;
  /** "ffi" (libpcap only), "tcpdump" (child process only) or "auto" (libpcap, else tcpdump). */
  backend?: "auto" | "ffi" | "tcpdump";
}

/** Counters from pcap_stats (libpcap only). */
export interface CaptureStats {
  /** Packets that passed the filter. */
  received: number;
  /** Packets the kernel dropped for lack of buffer space. */
  dropped: number;
  /** Packets the interface dropped. */
  ifDropped: number;
}

/** A running capture, read as a pcap stream (a global header, then records). */
export interface LiveCapture {
  /** "libpcap (FFI)" or "tcpdump". */
  readonly backend: string;
  /** Reads captured bytes into `into`: null once stopped and drained. */
  read(into: Uint8Array): Promise<number | null>;
  /** Stops capturing: pending bytes are still read, then read() returns null. */
  stop(): void;
  /** libpcap's counters, or undefined (tcpdump, or closed). */
  stats(): CaptureStats | undefined;
  /** Releases the handle or ends the child. Safe to call twice. */
  close(): void;
}

/** Why a capture could not start. */
export interface CaptureFailure {
  /**
   * EPERM: no privilege to capture; ENODEV: no such interface; EFILTER: the
   * filter does not compile; EUNAVAIL: neither libpcap nor tcpdump usable.
   */
  code: "EPERM" | "ENODEV" | "EFILTER" | "EUNAVAIL" | "ECAPTURE";
  /** libpcap's or tcpdump's own words. */
  message: string;
}
