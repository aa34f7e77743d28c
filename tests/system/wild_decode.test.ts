/**
 * The decoder on every real third-party capture (../shared/captures/wild):
 * TCP frames decoded per file against tshark's count (index.tsv), >= 99.9%
 * overall; each file that differs is listed with why. Every reason a frame
 * was not decoded is one of the stable strings of lib/decode/types.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import { stableReason } from "../support/frames.ts";
import { haveCommand, ROOT, skipUnless } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { runTshark } from "../support/tshark.ts";

const WILD = join(ROOT, "..", "shared", "captures", "wild");
const INDEX = join(WILD, "index.tsv");

/** Files known to differ from tshark, and why (checked by reading the packets). */
const KNOWN: Record<string, string> = {
  "tcpdump/tests~sflow_expanded.pcap": "tshark decodes the packet header sampled inside sFlow",
  "tcpdump/tests~timestamp_invalid_micro.pcap":
    "lib/capture: a fraction field of 10^6 makes the reader pick a 24-byte record layout",
  "tcpdump/tests~timestamp_invalid_nano.pcap":
    "lib/capture: a fraction field of 10^9 makes the reader pick a 24-byte record layout",
  "zeek/testing~btest~Traces~ipv4~fragmented-syn.pcap":
    "tshark reassembles IP fragments; the decoder does not",
  "zeek/testing~btest~Traces~tunnels~gtp~gtp1_gn_normal_incl_fragmentation.pcap":
    "the tunnel's first fragments are decoded; tshark counts the reassembled packets",
};

interface Row {
  file: string;
  tshark: number;
}

function rows(): Row[] {
  return readFileSync(INDEX, "utf8").trim().split("\n").slice(1).map((line) => {
    const cols = line.split("\t");
    return { file: cols[0], tshark: Number(cols[3]) };
  });
}

test("wild decode: TCP frames per capture agree with tshark >= 99.9% overall", {
  skip: skipUnless(existsSync(INDEX), `${INDEX} is absent (../shared not mounted)`),
  timeout: 600_000,
}, async () => {
  const pkt = newPacket();
  let theirs = 0;
  let differ = 0;
  const lines: string[] = [];
  const unstable = new Set<string>();
  for (const row of rows()) {
    const reasons = new Map<string, number>();
    let ours = 0;
    await readCapture(bytesSource(new Uint8Array(readFileSync(join(WILD, row.file)))), (f) => {
      decodeFrame(f, pkt);
      // tshark's "tcp" also matches an ICMP error quoting a TCP header.
      if (pkt.kind === "tcp" || (pkt.kind === "icmp-unreachable" && pkt.quotedProto === 6)) {
        ours++;
      } else if (pkt.error !== "" || pkt.kind === "fragment") {
        const key = pkt.error || pkt.kind;
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
        if (pkt.error !== "" && !stableReason(pkt.error)) unstable.add(pkt.error);
      }
    });
    theirs += row.tshark;
    if (ours === row.tshark) continue;
    differ += Math.abs(ours - row.tshark);
    const why = KNOWN[row.file] ??
      ([...reasons].map(([k, n]) => `${n}x ${k}`).join(", ") || "no reason recorded");
    lines.push(`${row.file}: ours ${ours}, tshark ${row.tshark} (${why})`);
  }
  const agree = 1 - differ / theirs;
  console.log(
    `wild decode: ${theirs} TCP frames per tshark, ${differ} differ: ` +
      `${(agree * 100).toFixed(3)}% agreement; files that differ:\n  ${lines.join("\n  ")}`,
  );
  assert.deepEqual([...unstable], [], "every reason is one of the stable strings");
  assert.ok(agree >= 0.999, `agreement ${(agree * 100).toFixed(3)}% < 99.9%`);
});

/** Link types decoded before issue 11; files with others, or with tunnels, are checked per segment. */
const OLD_LINK_TYPES = new Set([0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276]);

/** Where tshark and the decoder legitimately show different segments (see docs/decode.md). */
const PER_SEGMENT_KNOWN: Record<string, string> = {
  "zeek/testing~btest~Traces~tunnels~gre-aruba-amsdu.pcap":
    "an A-MSDU: only its first subframe is decoded, tshark's last layer is the second",
};

test("wild decode: tunnelled and new-link-type segments have tshark's ports, seq and length", {
  skip: skipUnless(existsSync(INDEX), `${INDEX} is absent (../shared not mounted)`) ||
    skipUnless(haveCommand("tshark"), "tshark is not installed"),
  timeout: 900_000,
}, async () => {
  const pkt = newPacket();
  let total = 0;
  let same = 0;
  const lines: string[] = [];
  for (const row of rows()) {
    if (row.file in KNOWN || row.file in PER_SEGMENT_KNOWN) continue;
    const path = join(WILD, row.file);
    // Ours, as a multiset of "sport,dport,seq": segment length (frame numbers differ
    // where tshark shows a tunnelled segment at the fragment that completes it).
    const ours = new Map<string, number[]>();
    let interesting = false;
    await readCapture(bytesSource(new Uint8Array(readFileSync(path))), (f) => {
      decodeFrame(f, pkt);
      if (pkt.kind !== "tcp") return;
      if (pkt.tunnel !== "" || !OLD_LINK_TYPES.has(pkt.linkType)) interesting = true;
      const key = `${pkt.srcPort},${pkt.dstPort},${pkt.seq}`;
      const lens = ours.get(key) ?? [];
      lens.push(pkt.payloadLen);
      ours.set(key, lens);
    });
    if (!interesting) continue;
    const r = runTshark([
      "-r",
      path,
      "-Y",
      "tcp and not icmp and not icmpv6",
      "-T",
      "fields",
      "-E",
      "occurrence=l",
      "-e",
      "tcp.srcport",
      "-e",
      "tcp.dstport",
      "-e",
      "tcp.seq_raw",
      "-e",
      "tcp.len",
    ]);
    let differ = 0;
    for (const line of r.stdout.trim().split("\n")) {
      if (line === "") continue;
      const [sp, dp, seq, len] = line.split("\t");
      total++;
      const lens = ours.get(`${sp},${dp},${seq}`);
      // tshark gives no length where it calls the segment malformed; the key must still match.
      const i = lens ? (len === "" ? 0 : lens.indexOf(Number(len))) : -1;
      if (lens && i >= 0) {
        lens.splice(i, 1);
        same++;
      } else differ++;
    }
    if (differ > 0) lines.push(`${row.file}: ${differ} segment(s) differ`);
  }
  console.log(
    `wild decode per segment: ${same} of ${total} tunnelled/new-link-type TCP segments match ` +
      `tshark's ports, raw seq and length${lines.length ? ":\n  " + lines.join("\n  ") : ""}`,
  );
  assert.ok(total > 2500, `only ${total} segments compared`);
  assert.ok(same >= total * 0.995, `${same} of ${total} match`);
});
