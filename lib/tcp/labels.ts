/**
 * Per-segment labels (docs/scenarios.md's stable vocabulary) as bits of one number, so
 * the hot path allocates nothing; {@link labelNames} turns a mask into ids.
 * Bit order is output order: the segment's own kind first, then the analysis
 * labels in the order analysis.ts tests them.
 * @module
 */

/** A SYN without ACK. */
export const L_SYN = 1 << 0;
/** A SYN with ACK. */
export const L_SYN_ACK = 1 << 1;
/** A pure ACK: no payload, no SYN/FIN/RST. */
export const L_ACK = 1 << 2;
/** Carries payload bytes. */
export const L_DATA = 1 << 3;
/** FIN set. */
export const L_FIN = 1 << 4;
/** RST set. */
export const L_RST = 1 << 5;
/** tcp.analysis.reused_ports: a SYN with a new ISN on a 4-tuple seen before. */
export const L_PORT_REUSED = 1 << 6;
/** tcp.analysis.zero_window_probe. */
export const L_WINDOW_PROBE = 1 << 7;
/** tcp.analysis.zero_window. */
export const L_ZERO_WINDOW = 1 << 8;
/** tcp.analysis.lost_segment: the previous segment was not captured. */
export const L_LOST_SEGMENT = 1 << 9;
/** tcp.analysis.keep_alive. */
export const L_KEEPALIVE = 1 << 10;
/** tcp.analysis.window_update. */
export const L_WINDOW_UPDATE = 1 << 11;
/** tcp.analysis.window_full: the data fills the receiver's advertised window. */
export const L_WINDOW_FULL = 1 << 12;
/** tcp.analysis.keep_alive_ack. */
export const L_KEEPALIVE_ACK = 1 << 13;
/** tcp.analysis.zero_window_probe_ack. */
export const L_WINDOW_PROBE_ACK = 1 << 14;
/** tcp.analysis.duplicate_ack. */
export const L_DUP_ACK = 1 << 15;
/** tcp.analysis.ack_lost_segment: ACKs data the capture never showed. */
export const L_ACK_UNSEEN = 1 << 16;
/** tcp.analysis.spurious_retransmission. */
export const L_SPURIOUS = 1 << 17;
/** tcp.analysis.fast_retransmission. */
export const L_FAST_RETRANS = 1 << 18;
/** tcp.analysis.out_of_order. */
export const L_OUT_OF_ORDER = 1 << 19;
/** tcp.analysis.retransmission. */
export const L_RETRANS = 1 << 20;
/** An ICMP destination unreachable quoting this connection. */
export const L_ICMP_UNREACH = 1 << 21;

/** The retransmission family (any of them counts as a retransmission). */
export const L_ANY_RETRANS = L_SPURIOUS | L_FAST_RETRANS | L_RETRANS;

/** Label ids by bit position (docs/scenarios.md vocabulary). */
export const LABEL_NAMES: readonly string[] = [
  "syn",
  "syn-ack",
  "ack",
  "data",
  "fin",
  "rst",
  "port-reused",
  "window-probe",
  "zero-window",
  "lost-segment",
  "keepalive",
  "window-update",
  "window-full",
  "keepalive-ack",
  "window-probe-ack",
  "dup-ack",
  "ack-unseen",
  "spurious-retransmission",
  "fast-retransmission",
  "out-of-order",
  "retransmission",
  "icmp-unreachable",
];

/**
 * The label ids set in `mask`, in output order.
 *
 * @example
 * ```ts
 * labelNames(L_DATA | L_RETRANS); // ["data", "retransmission"]
 * ```
 */
export function labelNames(mask: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < LABEL_NAMES.length; i++) if (mask & (1 << i)) out.push(LABEL_NAMES[i]);
  return out;
}
