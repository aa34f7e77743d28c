/**
 * Per-direction sequence analysis: the labels Wireshark's `tcp.analysis.*`
 * flags give a segment, decided by the same rules in the same order
 * (packet-tcp.c, tcp_analyze_sequence_number; read, not copied).
 *
 * ## Rule order (the one place it is written down)
 *
 * `fwd` is the sender's direction, `rev` the other one. Each rule states its
 * condition; rules marked "stop" skip the rest of the first block. Windows are
 * compared as sent (the raw 16-bit field), as Wireshark does. Time differences
 * are compared as Wireshark's unsigned 64-bit nanoseconds: a segment stamped
 * BEFORE the reference (timestamps that run backwards) is "long after" it.
 *
 *  1. window-probe: 1 byte at exactly fwd.nextseq while rev's window is 0 (stop;
 *     it does not advance nextseq).
 *  2. zero-window: window 0 on a segment without SYN/FIN/RST.
 *  3. lost-segment: seq beyond fwd.nextseq (a gap: the previous segment was not
 *     captured); never on RST.
 *  4. keepalive: 0 or 1 byte at fwd.nextseq − 1, no SYN/FIN/RST.
 *  5. window-update: 0 bytes, non-zero window different from fwd's last, seq =
 *     nextseq, ack = fwd's last ack, no SYN/FIN/RST.
 *  6. window-full: data ending exactly at rev's last ack + rev's last window
 *     (scaled by rev's window scale), once rev's scale is known; no SYN/FIN/RST.
 *  7. keepalive-ack: 0 bytes, same non-zero window, seq = nextseq, same ack,
 *     and rev's last segment was a keepalive (stop).
 *  8. window-probe-ack: 0 bytes, window 0 as before, seq = nextseq, same ack,
 *     and rev's last segment was a window probe (stop).
 *  9. dup-ack: 0 bytes, non-zero window equal to fwd's last, seq = nextseq, ack
 *     = fwd's last ack, no SYN/FIN/RST (counts fwd.dupacks).
 *  -  fwd.dupacks resets whenever the ack changes.
 * 10. ack-unseen: with ACK, acknowledges beyond the highest contiguous sequence
 *     number rev was seen to send (rev.maxseqtobeacked): the segment it ACKs was
 *     not captured. When rev has sent beyond that bound (a gap), reported and
 *     the bound jumps to rev.nextseq; otherwise (the ACK runs past all rev was
 *     seen to send) reported only if rev.dupacks is 0, and rev.dupacks is set
 *     to -1: so once per gap, and then once per change of rev's own ACK (which
 *     resets rev.dupacks) while rev sends nothing new. tshark 4.0's rule,
 *     matched frame by frame on the wild captures; a dup-ACK from rev turns the
 *     -1 into 1. (tshark keeps the counter unsigned, so the -1 also passes its
 *     fast-retransmission test "≥ 2 dup ACKs" on the same frame; ours does
 *     not: see docs/analysis.md.)
 *  Then, for a segment with payload, SYN or FIN that is not a keepalive:
 * 11. spurious-retransmission: all its bytes are already acknowledged by rev.
 * 12. fast-retransmission: seq below fwd.nextseq, rev sent ≥ 2 dup ACKs for
 *     exactly this seq, and the last of them < 20 ms ago.
 * 13. out-of-order: seq below fwd.nextseq, less than the handshake RTT (3 ms when
 *     unknown) since fwd.nextseq last advanced, and it does not end at nextseq.
 *     The handshake RTT is Wireshark's: the most recent SYN to the first ACK
 *     without SYN (so a retried SYN does not inflate it).
 * 14. retransmission: seq below fwd.nextseq (a segment of more than 1 byte at
 *     nextseq − 1 is new data after a window probe, not a retransmission).
 *  (port-reused, Wireshark's reused_ports, is decided by the tracker: a SYN
 *  with a new ISN on a 4-tuple it has seen before.)
 *
 * Consequence the docs/scenarios.md requires: a keepalive is never also a retransmission.
 * @module
 */
import {
  L_ACK_UNSEEN,
  L_DUP_ACK,
  L_FAST_RETRANS,
  L_KEEPALIVE,
  L_KEEPALIVE_ACK,
  L_LOST_SEGMENT,
  L_OUT_OF_ORDER,
  L_RETRANS,
  L_SPURIOUS,
  L_WINDOW_FULL,
  L_WINDOW_PROBE,
  L_WINDOW_PROBE_ACK,
  L_WINDOW_UPDATE,
  L_ZERO_WINDOW,
} from "./labels.ts";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import { seqGt, seqLe, seqLt } from "./seq.ts";
import type { SegmentView } from "./segment_view.ts";

const SYN_FIN_RST = TCP_SYN | TCP_FIN | TCP_RST;

/** Fast retransmission: at most this long after the last dup ACK (Wireshark: 20 ms). */
const FAST_RETRANS_WINDOW_S = 0.02;
/** Out-of-order threshold when no handshake RTT is known (Wireshark: 3 ms). */
const DEFAULT_OOO_S = 0.003;

/**
 * What the analysis remembers about one direction of a connection. Sequence
 * and acknowledgment numbers are int32 (`| 0`): the same 32 bits as the
 * wire's uint32, but values of 2^31 and more are not doubles in the JIT.
 * Comparisons go through seq.ts (alike for both) or === between int32s.
 */
export class DirSeq {
  /** Next expected sequence number (highest seen end), valid when nextseqSet. */
  nextseq = 0;
  nextseqSet = false;
  /** Capture time (s) when nextseq last advanced. */
  nextseqTime = 0;
  /** Highest contiguous sequence number sent (Wireshark's maxseqtobeacked), when maxSet. */
  maxseq = 0;
  maxSet = false;
  /** Ack field of this direction's last segment (any segment, as Wireshark keeps it; 0 none). */
  lastack = 0;
  /** Capture time (s) of the last segment of this direction. */
  lastackTime = 0;
  /** Last window field (raw, unscaled) this direction sent; -1 before any. */
  window = -1;
  /**
   * Duplicate ACKs in a row this direction sent; -1 once an ACK from the
   * other side ran past everything this direction was seen to send (rule 10).
   */
  dupacks = 0;
  /** Labels of this direction's last segment. */
  lastLabels = 0;

  /**
   * Back to the state of a new direction (a pooled connection record is reused).
   *
   * @example
   * ```ts
   * const d = new DirSeq();
   * d.reset(); // d.nextseqSet === false
   * ```
   */
  reset(): void {
    this.nextseq = 0;
    this.nextseqSet = false;
    this.nextseqTime = 0;
    this.maxseq = 0;
    this.maxSet = false;
    this.lastack = 0;
    this.lastackTime = 0;
    this.window = -1;
    this.dupacks = 0;
    this.lastLabels = 0;
  }
}

/** The fields of a segment the analysis reads ({@link SegmentView} is the one passed). */
export type SegView = Pick<
  SegmentView,
  "seq" | "ack" | "len" | "flags" | "window" | "revShift" | "t" | "firstRtt"
>;

/**
 * Applies the rules above to one segment sent in direction `fwd` and updates
 * both directions' memory. Returns the analysis label bits.
 *
 * @example
 * ```ts
 * const a = new DirSeq(), b = new DirSeq();
 * analyzeSegment(a, b, { seq: 1, ack: 0, len: 0, flags: 2, window: 64240, revShift: -1, t: 0, firstRtt: 0 }); // 0
 * ```
 */
export function analyzeSegment(fwd: DirSeq, rev: DirSeq, s: SegView): number {
  // Sequence numbers as int32 (a no-op for the tracker's, already int32): the
  // state below keeps them so, and compares them with === (see DirSeq).
  const seq = s.seq | 0, ack = s.ack | 0;
  const { len, flags, window, t } = s;
  const plain = (flags & SYN_FIN_RST) === 0;
  let m = 0;
  if (len === 1 && fwd.nextseqSet && seq === fwd.nextseq && rev.window === 0) {
    m |= L_WINDOW_PROBE;
  } else {
    m |= firstBlock(fwd, rev, s, plain);
  }
  if (ack !== fwd.lastack) fwd.dupacks = 0;
  if ((flags & TCP_ACK) !== 0 && rev.maxSet && seqGt(ack, rev.maxseq)) {
    if (seqLt(rev.maxseq, rev.nextseq)) {
      m |= L_ACK_UNSEEN;
      rev.maxseq = rev.nextseq;
    } else {
      if (rev.dupacks === 0) m |= L_ACK_UNSEEN;
      rev.dupacks = -1;
    }
  }
  if ((len > 0 || (flags & (TCP_SYN | TCP_FIN)) !== 0) && (m & L_KEEPALIVE) === 0) {
    m |= retransmissionKind(fwd, rev, s);
  }
  const end = (seq + len + ((flags & (TCP_SYN | TCP_FIN)) !== 0 ? 1 : 0)) | 0;
  if ((m & L_WINDOW_PROBE) === 0) {
    if (!fwd.nextseqSet || seqGt(end, fwd.nextseq)) {
      fwd.nextseq = end;
      fwd.nextseqSet = true;
      fwd.nextseqTime = t;
    }
    if (!fwd.maxSet || seq === fwd.maxseq) {
      fwd.maxseq = fwd.nextseq;
      fwd.maxSet = true;
    }
  }
  fwd.window = window;
  fwd.lastack = ack;
  fwd.lastackTime = t;
  fwd.lastLabels = m;
  return m;
}

/** Rules 2–9 (see the module doc). */
function firstBlock(fwd: DirSeq, rev: DirSeq, s: SegView, plain: boolean): number {
  const seq = s.seq | 0, ack = s.ack | 0;
  const { len, flags, window } = s;
  let m = 0;
  if (window === 0 && plain) m |= L_ZERO_WINDOW;
  if (fwd.nextseqSet && seqGt(seq, fwd.nextseq) && (flags & TCP_RST) === 0) m |= L_LOST_SEGMENT;
  if (len <= 1 && plain && fwd.nextseqSet && seq === ((fwd.nextseq - 1) | 0)) m |= L_KEEPALIVE;
  if (
    len > 0 && plain && s.revShift >= 0 && rev.window >= 0 &&
    ((seq + len) | 0) === ((rev.lastack + (rev.window << s.revShift)) | 0)
  ) m |= L_WINDOW_FULL;
  const sameSpot = len === 0 && plain && fwd.nextseqSet && seq === fwd.nextseq &&
    ack === fwd.lastack;
  if (!sameSpot) return m;
  if (window !== 0 && fwd.window >= 0 && window !== fwd.window) m |= L_WINDOW_UPDATE;
  if (window !== 0 && window === fwd.window && (rev.lastLabels & L_KEEPALIVE) !== 0) {
    return m | L_KEEPALIVE_ACK;
  }
  if (window === 0 && window === fwd.window && (rev.lastLabels & L_WINDOW_PROBE) !== 0) {
    return m | L_WINDOW_PROBE_ACK;
  }
  if (window !== 0 && window === fwd.window) {
    fwd.dupacks = fwd.dupacks === -1 ? 1 : fwd.dupacks + 1;
    m |= L_DUP_ACK;
  }
  return m;
}

/**
 * Wireshark's `t < limit` with t in unsigned nanoseconds: a negative
 * difference (a timestamp that ran backwards) wraps to a huge value.
 */
function within(dt: number, limit: number): boolean {
  return dt >= 0 && dt < limit;
}

/** Rules 11–14 (see the module doc). */
function retransmissionKind(fwd: DirSeq, rev: DirSeq, s: SegView): number {
  const seq = s.seq | 0;
  const { len, flags, t, firstRtt } = s;
  let notAdvanced = fwd.nextseqSet && seqLt(seq, fwd.nextseq);
  if (len > 1 && fwd.nextseqSet && ((fwd.nextseq - 1) | 0) === seq) notAdvanced = false;
  if (len > 0 && rev.lastack !== 0 && seqLe((seq + len) | 0, rev.lastack)) return L_SPURIOUS;
  if (!notAdvanced) return 0;
  if (
    rev.dupacks >= 2 && rev.lastack === seq && within(t - rev.lastackTime, FAST_RETRANS_WINDOW_S)
  ) return L_FAST_RETRANS;
  const threshold = firstRtt > 0 ? firstRtt : DEFAULT_OOO_S;
  const end = (seq + len + ((flags & (TCP_SYN | TCP_FIN)) !== 0 ? 1 : 0)) | 0;
  if (within(t - fwd.nextseqTime, threshold) && fwd.nextseq !== end) return L_OUT_OF_ORDER;
  return L_RETRANS;
}
