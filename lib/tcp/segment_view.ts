/**
 * The one reused view of a TCP segment: the tracker fills it from the decoded
 * packet, {@link applySegment} adds what the connection knows (window scaling,
 * first RTT, whether the ACK covers the peer's FIN), and the sequence analysis
 * and the endpoint state machines read it. One instance per tracker, one
 * shape at every call site (no module-level scratch objects).
 * @module
 */

/** One TCP segment as the tracker applies it (reused for every segment). */
export class SegmentView {
  /** Frame number. */
  frame = 0;
  /** Seconds since the capture's first record. */
  t = 0;
  /** Sequence and acknowledgment numbers as int32 (the tracker sets `p.seq | 0`; DirSeq). */
  seq = 0;
  ack = 0;
  flags = 0;
  /** The window field as sent (raw, unscaled). */
  window = 0;
  /** Payload length. */
  len = 0;
  /** Window-scale option on a SYN, -1 when absent. */
  wscale = -1;
  /** Labels the tracker decided (port-reused), or 0. */
  extra = 0;
  /**
   * Shift that scales the receiver's window (its window-scale option once
   * both SYNs agreed, 0 when scaling is off), or -1 while unknown.
   */
  revShift = -1;
  /**
   * The connection's first RTT (s, 0 unknown): the out-of-order threshold.
   * A field rather than an argument: a double passed to a function the JIT
   * does not inline is boxed, one heap number per packet.
   */
  firstRtt = 0;
  /** The ACK covers the receiver's FIN (only meaningful with ACK). */
  acksReceiverFin = false;
}
