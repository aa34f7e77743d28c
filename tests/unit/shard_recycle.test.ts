/**
 * lib/explain/shard.ts: a report's buffer given back with
 * ShardRunner.recycle is written again by a later report (the reader of
 * `explain --threads N` gives each merged report's buffer back instead of
 * leaving it to its collector: docs/threads.md), and the outputs are the
 * same as in fresh buffers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import { BatchWriter, shardOf, type ShardReport, ShardRunner } from "../../lib/explain/shard.ts";
import { AsciiBuffer } from "../../lib/report/ascii_buffer.ts";
import { connectionJsonParts } from "../../lib/report/json_stream.ts";

const FIXTURE = new URL("../fixtures/formats/any-sll2.pcap", import.meta.url);

/** The capture's frames in batches of `per` frames (one shard: every frame). */
async function batches(per: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const w = new BatchWriter();
  const pkt = newPacket({ synOptionsOnly: true });
  let n = 0;
  await readCapture(bytesSource(new Uint8Array(readFileSync(FIXTURE))), (f) => {
    if (shardOf(decodeFrame(f, pkt), 1) < 0) return;
    w.frame(f);
    if (++n % per === 0) out.push(w.take().slice());
  });
  if (w.length > 0) out.push(w.take().slice());
  return out;
}

function runner(): ShardRunner {
  const sink = new AsciiBuffer(256);
  return new ShardRunner({
    detail: "full",
    reuse: true,
    format: () => "",
    formatInto: {
      sink,
      write: (e) => {
        for (const p of connectionJsonParts(e)) sink.append(p);
      },
    },
  });
}

const dec = new TextDecoder();
const outputs = (r: ShardReport): string[] =>
  r.spans.length === 0
    ? []
    : Array.from({ length: r.spans.length / 2 }, (_, i) =>
      dec.decode(new Uint8Array(r.bytes!, r.spans[2 * i], r.spans[2 * i + 1] - r.spans[2 * i])));

test("shard recycle: a buffer given back holds the next report, with the same outputs", async () => {
  const parts = await batches(4);
  assert.ok(parts.length >= 3, `${parts.length} batches`);
  const fresh = runner(), reused = runner();
  let given: ArrayBuffer | null = null, reusedCount = 0, reports = 0;
  for (const b of parts) {
    const a = fresh.run(b);
    if (given !== null) reused.recycle(given);
    const r = reused.run(b);
    assert.deepEqual(outputs(r), outputs(a));
    if (r.bytes !== null) {
      reports++;
      if (r.bytes === given) reusedCount++;
      given = r.bytes;
    }
  }
  const end = reused.finish(1e9, 0).report, endFresh = fresh.finish(1e9, 0).report;
  assert.deepEqual(outputs(end), outputs(endFresh));
  assert.ok(reports >= 2, `${reports} reports with bytes`);
  assert.ok(
    reusedCount >= 1,
    `a given-back buffer was written again (${reusedCount} of ${reports})`,
  );
});

test("shard recycle: an empty (detached) buffer given back is ignored", () => {
  const r = runner();
  const b = new ArrayBuffer(1 << 16);
  structuredClone(b, { transfer: [b] });
  assert.equal(b.byteLength, 0);
  r.recycle(b);
  assert.equal(r.finish(0, 0).report.bytes, null);
});
