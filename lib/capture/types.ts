/**
 * Types of the capture layer: what a capture reader consumes and produces.
 * The layer is pure: it reads from a {@link ByteSource} it is given.
 * @module
 */

/** A pull source of bytes (a file, stdin, a gunzip stream); the runtime's ByteReader extends it with close(). */
export interface ByteSource {
  /** Fills `into` from its start; resolves to the count read, or null at the end. */
  read(into: Uint8Array): Promise<number | null>;
}

/**
 * One packet record. Readers reuse ONE Frame object and ONE buffer: the fields
 * and bytes are valid only during the callback that receives it. Copy what you keep.
 */
export interface Frame {
  /** 1-based number of this packet record in the file (Wireshark's frame.number). */
  index: number;
  /** Timestamp: whole seconds since the Unix epoch (if_tsoffset applied). */
  tsSec: number;
  /** Timestamp: nanoseconds within the second, 0..999999999. */
  tsNsec: number;
  /**
   * False for a pcapng Simple Packet Block, which has no timestamp: tsSec/tsNsec
   * then repeat the previous frame's (0 if none), and Wireshark shows no time.
   */
  hasTimestamp: boolean;
  /** LINKTYPE_* of the interface the packet was captured on. */
  linkType: number;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId: number;
  /** The buffer holding the packet bytes (shared, reused). */
  buf: Uint8Array;
  /** Offset of the first packet byte in `buf`. */
  offset: number;
  /** Bytes captured (present in `buf`). */
  caplen: number;
  /** Bytes on the wire (≥ caplen when the snaplen cut the packet). */
  origLen: number;
}

/** What a reader learned about the file, returned when reading ends. */
export interface CaptureInfo {
  format: "pcap" | "pcapng";
  /** Distinct link types seen, in order of first appearance. */
  linkTypes: number[];
  /**
   * Records numbered: the last frame index. Equals `packets` except that, as in
   * Wireshark, each pcapng custom block also takes a frame number (not delivered).
   */
  frames: number;
  /** Packet records delivered to the callback. */
  packets: number;
  /** True when the file ended inside a record (everything before it was delivered). */
  truncated: boolean;
  /**
   * True when damage was met and skipped: a record or block that could not be
   * read (its bytes were skipped up to the next plausible record, see
   * docs/capture.md), a packet block that was dropped, or a gzip CRC/size
   * mismatch. Every readable frame was still delivered; a reader never throws
   * after delivering frames. The CLI chooses the exit code from this.
   */
  damaged: boolean;
  /**
   * Human-readable warnings (each names a byte offset where relevant), bounded:
   * per kind at most a few examples are kept, followed by one summary line
   * "... and N more of this kind (KIND)". Complete counts are in `warningKinds`.
   */
  warnings: string[];
  /** Every warning counted by kind (in order of first appearance), with the examples kept. */
  warningKinds: WarningKind[];
  /** True when the input was gzip-compressed (and read through a gunzip stream). */
  gzip: boolean;
  /** Capture bytes consumed (after decompression). */
  bytes: number;
}

/**
 * One kind of warning: how often it happened and its first examples.
 * Kinds: "snaplen", "caplen-above-len", "ts-fraction", "damaged", "resync",
 * "truncated", "pcapng-block", "pcapng-option", "pcapng-section",
 * "gzip-trailing", "gzip-check", "gzip-data" (see docs/capture.md).
 */
export interface WarningKind {
  /** A short stable id, e.g. "snaplen". */
  kind: string;
  /** How many warnings of this kind were counted. */
  count: number;
  /** The first few warning texts of this kind. */
  examples: string[];
}

/** Options for `readCapture` (lib/capture/reader.ts). */
export interface ReadOptions {
  /** Bytes per read from the source (default 1 MiB); the buffer grows only for a larger record. */
  chunkSize?: number;
}
