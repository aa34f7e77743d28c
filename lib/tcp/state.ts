/**
 * The per-endpoint TCP state machine (RFC 9293 names), reconstructed from what
 * a capture point sees: a sender changes state when its segment passes, a
 * receiver when the segment reaches it (assumed at the same moment). Every
 * change goes through {@link EndpointFsm.setState} with its frame and reason.
 * @module
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from "../decode/types.ts";
import type { SegmentView } from "./segment_view.ts";

/** RFC 9293 state names, as docs/scenarios.md writes them. */
export type TcpState =
  | "LISTEN"
  | "SYN-SENT"
  | "SYN-RECEIVED"
  | "ESTABLISHED"
  | "FIN-WAIT-1"
  | "FIN-WAIT-2"
  | "CLOSE-WAIT"
  | "CLOSING"
  | "LAST-ACK"
  | "TIME-WAIT"
  | "CLOSED";

/** One state change. */
export interface StateChange {
  frame: number;
  state: TcpState;
  reason: string;
}

/** One endpoint's reconstructed state and history. */
export class EndpointFsm {
  /** Current state; "CLOSED" before anything was seen. */
  state: TcpState = "CLOSED";
  /**
   * The history as parallel arrays, reused when the record is (their first
   * `#count` entries are this connection's): a change is three stores, no
   * object, so a SYN flood's long-lived half-open records promote none
   * (200 MB of history objects per 1 M flows before; docs/reliability.md).
   */
  #frames: number[] = [];
  #states: TcpState[] = [];
  #reasons: string[] = [];
  #count = 0;
  #keep: boolean;

  constructor(keepHistory: boolean) {
    this.#keep = keepHistory;
  }

  /** Changes kept (0 when the caller keeps no history). */
  get changes(): number {
    return this.#keep ? this.#count : 0;
  }

  /** The frame of change `i` (0 ≤ i < {@link changes}; frames never decrease). */
  changeFrame(i: number): number {
    return this.#frames[i];
  }

  /** The state change `i` entered. */
  changeState(i: number): TcpState {
    return this.#states[i];
  }

  /** Every change, in order, as new objects (null when the caller keeps no history). */
  get history(): StateChange[] | null {
    if (!this.#keep) return null;
    const out: StateChange[] = new Array(this.#count);
    for (let i = 0; i < this.#count; i++) {
      out[i] = { frame: this.#frames[i], state: this.#states[i], reason: this.#reasons[i] };
    }
    return out;
  }

  /**
   * Back to `new EndpointFsm(keepHistory)`, keeping the history's arrays (the
   * tracker reuses records: no allocation per connection).
   *
   * @example
   * ```ts
   * const e = new EndpointFsm(true);
   * e.setState("SYN-SENT", 1, "sent SYN");
   * e.reset(true); // e.state === "CLOSED", e.history is []
   * ```
   */
  reset(keepHistory: boolean): void {
    this.state = "CLOSED";
    this.#previous = "CLOSED";
    this.#keep = keepHistory;
    this.#count = 0;
  }

  /**
   * The one way to change state: records frame and reason.
   *
   * @example
   * ```ts
   * const c = new EndpointFsm(true);
   * c.setState("SYN-SENT", 1, "sent SYN");
   * ```
   */
  setState(state: TcpState, frame: number, reason: string): void {
    if (state === this.state) return;
    this.#previous = this.state;
    this.state = state;
    if (!this.#keep) return;
    const i = this.#count++;
    if (i < this.#frames.length) {
      this.#frames[i] = frame;
      this.#states[i] = state;
      this.#reasons[i] = reason;
    } else if (i === 0) {
      // One-element literals: push on an empty array reserves 17 slots.
      this.#frames = [frame];
      this.#states = [state];
      this.#reasons = [reason];
    } else {
      this.#frames.push(frame);
      this.#states.push(state);
      this.#reasons.push(reason);
    }
  }

  #previous: TcpState = "CLOSED";

  /**
   * Takes back the last change, when a later segment proves it never happened
   * (a FIN seen at the capture point that had not reached this endpoint).
   *
   * @example
   * ```ts
   * const e = new EndpointFsm(true);
   * e.setState("ESTABLISHED", 3, "handshake");
   * e.setState("CLOSE-WAIT", 8, "received FIN");
   * e.retract(); // back to ESTABLISHED, history without frame 8
   * ```
   */
  retract(): void {
    this.state = this.#previous;
    if (this.#keep && this.#count > 0) this.#count--;
  }
}

/** What {@link onSegment} needs to know about the segment. */
export type FsmSegment = Pick<SegmentView, "frame" | "flags" | "acksReceiverFin">;

/**
 * Moves sender and receiver through the state machine for one segment.
 *
 * @example
 * ```ts
 * const c = new EndpointFsm(true), s = new EndpointFsm(true);
 * onSegment(c, s, { frame: 1, flags: 0x02, acksReceiverFin: false });
 * c.state; // "SYN-SENT"; s.state: "LISTEN"
 * ```
 */
export function onSegment(snd: EndpointFsm, rcv: EndpointFsm, seg: FsmSegment): void {
  const { frame, flags } = seg;
  if (flags & TCP_RST) {
    if (snd.state !== "CLOSED" || rcv.state !== "CLOSED") {
      snd.setState("CLOSED", frame, "sent RST");
      rcv.setState("CLOSED", frame, "received RST");
    }
    return;
  }
  if (flags & TCP_SYN) return onSyn(snd, rcv, frame, (flags & TCP_ACK) !== 0);
  if ((flags & TCP_ACK) && seg.acksReceiverFin) receiverFinAcked(rcv, frame);
  if ((flags & TCP_ACK) && rcv.state === "SYN-RECEIVED") {
    rcv.setState("ESTABLISHED", frame, "received ACK of its SYN");
  }
  if ((flags & TCP_ACK) && snd.state === "SYN-SENT") {
    snd.setState("ESTABLISHED", frame, "sent ACK (its SYN,ACK was not captured)");
  }
  if (flags & TCP_FIN) {
    senderFin(snd, frame, (flags & TCP_ACK) !== 0 && seg.acksReceiverFin);
    receiverFin(rcv, frame);
  }
}

function onSyn(snd: EndpointFsm, rcv: EndpointFsm, frame: number, withAck: boolean): void {
  if (!withAck) {
    if (snd.state === "CLOSED" || snd.state === "SYN-SENT" || snd.state === "LISTEN") {
      snd.setState("SYN-SENT", frame, "sent SYN (active open)");
    }
    if (rcv.state === "CLOSED") rcv.setState("LISTEN", frame, "SYN arrives: assumed listening");
    else if (rcv.state === "SYN-SENT") {
      rcv.setState("SYN-RECEIVED", frame, "received SYN while in SYN-SENT (simultaneous open)");
    }
    return;
  }
  if (snd.state === "CLOSED" || snd.state === "LISTEN") {
    snd.setState("SYN-RECEIVED", frame, "sent SYN,ACK");
  }
  if (rcv.state === "SYN-SENT" || rcv.state === "CLOSED") {
    rcv.setState("ESTABLISHED", frame, "received SYN,ACK");
  } else if (rcv.state === "SYN-RECEIVED") {
    rcv.setState("ESTABLISHED", frame, "received SYN,ACK (simultaneous open)");
  }
}

function receiverFinAcked(rcv: EndpointFsm, frame: number): void {
  if (rcv.state === "FIN-WAIT-1") rcv.setState("FIN-WAIT-2", frame, "its FIN was acknowledged");
  else if (rcv.state === "CLOSING") rcv.setState("TIME-WAIT", frame, "its FIN was acknowledged");
  else if (rcv.state === "LAST-ACK") rcv.setState("CLOSED", frame, "its FIN was acknowledged");
}

function senderFin(snd: EndpointFsm, frame: number, acksPeerFin: boolean): void {
  // FINs crossed: the peer's FIN passed the capture point but had not reached
  // this sender (its FIN does not acknowledge it), so it never was CLOSE-WAIT.
  if (snd.state === "CLOSE-WAIT" && !acksPeerFin) snd.retract();
  const s = snd.state;
  if (s === "ESTABLISHED" || s === "SYN-RECEIVED") {
    snd.setState("FIN-WAIT-1", frame, "sent FIN (active close)");
  } else if (s === "CLOSE-WAIT") snd.setState("LAST-ACK", frame, "sent FIN (passive close)");
}

function receiverFin(rcv: EndpointFsm, frame: number): void {
  const s = rcv.state;
  if (s === "ESTABLISHED" || s === "SYN-RECEIVED") {
    rcv.setState("CLOSE-WAIT", frame, "received FIN");
  } else if (s === "FIN-WAIT-1") {
    rcv.setState("CLOSING", frame, "received FIN before its own FIN was acknowledged");
  } else if (s === "FIN-WAIT-2") rcv.setState("TIME-WAIT", frame, "received FIN");
}
