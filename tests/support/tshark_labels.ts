/**
 * Per-frame analysis labels from tshark (Wireshark's tcp.analysis.* flags) and
 * from our TCP engine, for the label-agreement tests
 * (tests/system/explain_tshark.test.ts, tests/system/wild_tshark.test.ts).
 * @module
 */
import { readFileSync } from "node:fs";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { addrString, decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import { labelNames } from "../../lib/tcp/labels.ts";
import { TcpTracker } from "../../lib/tcp/tracker.ts";
import { runTshark } from "./tshark.ts";

/** Our label id and tshark's field, for every label both tools have. */
export const LABEL_FIELDS: readonly [string, string][] = [
  ["retransmission", "tcp.analysis.retransmission"],
  ["fast-retransmission", "tcp.analysis.fast_retransmission"],
  ["spurious-retransmission", "tcp.analysis.spurious_retransmission"],
  ["out-of-order", "tcp.analysis.out_of_order"],
  ["lost-segment", "tcp.analysis.lost_segment"],
  ["ack-unseen", "tcp.analysis.ack_lost_segment"],
  ["dup-ack", "tcp.analysis.duplicate_ack"],
  ["keepalive", "tcp.analysis.keep_alive"],
  ["keepalive-ack", "tcp.analysis.keep_alive_ack"],
  ["zero-window", "tcp.analysis.zero_window"],
  ["window-probe", "tcp.analysis.zero_window_probe"],
  ["window-probe-ack", "tcp.analysis.zero_window_probe_ack"],
  ["window-update", "tcp.analysis.window_update"],
  ["window-full", "tcp.analysis.window_full"],
  ["port-reused", "tcp.analysis.reused_ports"],
];

const COMPARED = new Set(LABEL_FIELDS.map(([l]) => l));

/** tshark's labels per frame number, for frames with exactly one TCP header. */
export interface TsharkFrames {
  labels: Map<number, Set<string>>;
  /** Frames with more than one TCP header (tunnels, ICMP quotes): not compared. */
  multi: number;
  /**
   * Frames tshark decodes as TCP but does not analyse (no segment length: a
   * header cut short, e.g. by a trailer it takes for an FCS, or a header
   * quoted in an ICMP error): not compared, since tshark gives them no labels
   * whatever they are, and they do not enter its sequence state.
   */
  unanalysed: number[];
}

/**
 * Runs tshark once on a capture and reads every frame's analysis flags.
 * tshark also sets tcp.analysis.retransmission on fast and spurious
 * retransmissions; our labels keep the three apart, so "retransmission" here
 * means the plain kind (neither fast nor spurious).
 */
export function tsharkLabels(file: string, timeoutMs = 120_000): TsharkFrames {
  const args = ["-n", "-r", file, "-Y", "tcp", "-T", "fields", "-E", "occurrence=a"];
  args.push("-e", "frame.number", "-e", "tcp.srcport");
  for (const [, f] of LABEL_FIELDS) args.push("-e", f);
  args.push("-e", "tcp.len");
  const r = runTshark(args, timeoutMs);
  if (r.status !== 0 && !r.stdout) throw new Error(`tshark failed on ${file}: ${r.stderr}`);
  return parseTsharkFields(r.stdout);
}

/**
 * Reads the output of the tshark command above (`-T fields`: frame number,
 * TCP source port, one column per entry of {@link LABEL_FIELDS}, tcp.len).
 *
 * @example
 * ```ts
 * parseTsharkFields("7\t80" + "\t".repeat(15) + "\t0\n").labels.get(7); // Set {}
 * ```
 */
export function parseTsharkFields(stdout: string): TsharkFrames {
  const labels = new Map<number, Set<string>>();
  const unanalysed: number[] = [];
  let multi = 0;
  for (const line of stdout.split("\n")) {
    if (!line) continue;
    const cols = line.split("\t");
    if (cols[1].includes(",")) {
      multi++;
      continue;
    }
    if (!cols[LABEL_FIELDS.length + 2]) {
      unanalysed.push(Number(cols[0]));
      continue;
    }
    const set = new Set<string>();
    LABEL_FIELDS.forEach(([label], i) => {
      if (cols[i + 2]) set.add(label);
    });
    if (set.has("fast-retransmission") || set.has("spurious-retransmission")) {
      set.delete("retransmission");
    }
    labels.set(Number(cols[0]), set);
  }
  return { labels, multi, unanalysed };
}

/** Our engine's view of a capture. */
export interface OurFrames {
  /**
   * Labels (only the compared ones) of every frame our decoder read as TCP;
   * late packets of ended connections carry the labels `onLate` gave them.
   */
  labels: Map<number, Set<string>>;
  /** TCP frames the tracker assigned to no connection (their labels are empty). */
  unassigned: number;
  /** The capture could not be read to the end (the reason); frames before it count. */
  error: string;
}

/** Runs our decoder and tracker over a capture (in-process, no detail kept). */
export async function ourLabels(file: string): Promise<OurFrames> {
  const labels = new Map<number, Set<string>>();
  const tr = new TcpTracker({
    keepDetail: false,
    keepIntervals: false,
    keepStates: false,
    onEnd: () => {},
    onSegment: (_c, _side, mask, frame) => {
      if (labels.has(frame)) {
        labels.set(frame, new Set(labelNames(mask).filter((l) => COMPARED.has(l))));
      }
    },
    // A late packet of an ended connection: counted as unassigned, and still
    // analysed with the ended connection's state (TcpTracker onLate).
    onLate: (frame, mask) => {
      if (labels.has(frame)) {
        labels.set(frame, new Set(labelNames(mask).filter((l) => COMPARED.has(l))));
      }
    },
    addrString: (b, o, v) => addrString(b, o, v),
  });
  const pkt = newPacket();
  let error = "";
  try {
    const bytes = new Uint8Array(readFileSync(file));
    await readCapture(bytesSource(bytes), (f) => {
      const p = decodeFrame(f, pkt);
      if (p.kind === "tcp") labels.set(p.frame, new Set());
      tr.push(p);
    });
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  tr.finish();
  return { labels, unassigned: tr.unassignedTotal, error };
}

/** Counts of one label over many frames. */
export interface Score {
  tp: number;
  fp: number;
  fn: number;
}

/**
 * F1 of a score (1 when neither tool ever set the label).
 *
 * @example
 * ```ts
 * f1({ tp: 9, fp: 1, fn: 0 }); // 0.947...
 * ```
 */
export function f1(s: Score): number {
  return s.tp + s.fp + s.fn === 0 ? 1 : (2 * s.tp) / (2 * s.tp + s.fp + s.fn);
}

/** Per label: the frames where the tools differ ("+N": only ours, "-N": only tshark's). */
export function compareFrames(
  theirs: Map<number, Set<string>>,
  ours: Map<number, Set<string>>,
  scores: Map<string, Score>,
): { frames: number; diffs: Map<string, string[]> } {
  const diffs = new Map<string, string[]>();
  let frames = 0;
  for (const [frame, t] of theirs) {
    const o = ours.get(frame);
    if (o === undefined) continue;
    frames++;
    for (const [label] of LABEL_FIELDS) {
      const a = t.has(label), b = o.has(label);
      if (!a && !b) continue;
      let s = scores.get(label);
      if (!s) scores.set(label, s = { tp: 0, fp: 0, fn: 0 });
      if (a && b) s.tp++;
      else {
        if (b) s.fp++;
        else s.fn++;
        let d = diffs.get(label);
        if (!d) diffs.set(label, d = []);
        d.push(`${b ? "+" : "-"}${frame}`);
      }
    }
  }
  return { frames, diffs };
}
