/**
 * Differential: on classic (microsecond) pcap, readCapture's records equal the
 * independent pcap-parser's (npm, the design's named library): record count,
 * timestamps, lengths and bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import pcapParser from "pcap-parser";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { fixture, fixtureNames, FORMATS } from "../fixtures/formats/util.ts";

interface Rec {
  sec: number;
  usec: number;
  caplen: number;
  orig: number;
  data: Uint8Array;
}

function viaPcapParser(path: string): Promise<Rec[]> {
  return new Promise((resolve, reject) => {
    const out: Rec[] = [];
    // pcap-parser's Parser is an EventEmitter its typings do not declare.
    const p = pcapParser.parse(path) as unknown as {
      on(event: string, fn: (...args: never[]) => void): void;
    };
    p.on("packet", (pkt: { header: Record<string, number>; data: Uint8Array }) => {
      out.push({
        sec: pkt.header.timestampSeconds,
        usec: pkt.header.timestampMicroseconds,
        caplen: pkt.header.capturedLength,
        orig: pkt.header.originalLength,
        data: new Uint8Array(pkt.data),
      });
    });
    p.on("error", reject);
    p.on("end", () => resolve(out));
  });
}

async function viaReader(bytes: Uint8Array, maxRead?: number): Promise<Rec[]> {
  const out: Rec[] = [];
  await readCapture(bytesSource(bytes, maxRead), (f) => {
    out.push({
      sec: f.tsSec,
      usec: f.tsNsec / 1000,
      caplen: f.caplen,
      orig: f.origLen,
      data: f.buf.slice(f.offset, f.offset + f.caplen),
    });
  });
  return out;
}

/**
 * Microsecond classic pcap fixtures (pcap-parser reads neither ns nor modified
 * pcap, nor the RedHat 6.1 / Nokia variants with longer record headers).
 */
const USEC = fixtureNames().filter((n) => {
  if (!n.endsWith(".pcap") || n === "eth-rh61.pcap" || n === "eth-nokia.pcap") return false;
  const b = fixture(n);
  const m = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  return m === 0xa1b2c3d4 || m === 0xd4c3b2a1;
});

test(
  "capture vs pcap-parser: the fixtures include several microsecond pcaps",
  { timeout: 300_000 },
  () => {
    assert.ok(USEC.length >= 10, USEC.join(" "));
    assert.ok(USEC.includes("be-usec.pcap") && USEC.includes("v22.pcap"));
  },
);

for (const name of USEC) {
  test(`capture vs pcap-parser: ${name} has equal records, timestamps and bytes`, {
    timeout: 300_000,
  }, async () => {
    const theirs = await viaPcapParser(join(FORMATS, name));
    const ours = await viaReader(fixture(name));
    assert.ok(theirs.length > 0);
    assert.equal(ours.length, theirs.length);
    assert.deepEqual(ours, theirs);
  });
}

test("capture vs pcap-parser: records cut by 1..13-byte reads equal pcap-parser's", {
  timeout: 300_000,
}, async () => {
  const theirs = await viaPcapParser(join(FORMATS, "eth-usec.pcap"));
  for (let maxRead = 1; maxRead <= 13; maxRead += 3) {
    assert.deepEqual(await viaReader(fixture("eth-usec.pcap"), maxRead), theirs);
  }
});
