/**
 * lib/explain/shard_merge.ts: the id put into a worker's output as bytes
 * (withIdBytes) gives the same text as into a string (withId); the id of
 * the connection a connection continues (withContinues, ShardMerger).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CONTINUES_TEXT,
  ID_TEXT,
  ShardMerger,
  withContinues,
  withId,
  withIdBytes,
} from "../../lib/explain/shard_merge.ts";
import type { ShardReport } from "../../lib/explain/shard.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const joined = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join("");

test("shard id: bytes and string agree on where the id goes and what it becomes", () => {
  const texts = [
    `${ID_TEXT}`,
    `#${ID_TEXT} 198.18.0.1:40512 -> 198.18.0.2:9877\n`,
    `{"id": ${ID_TEXT}, "x": ${ID_TEXT}}`,
    `99 9999 99999999 ${ID_TEXT}9 tail`,
    `é→ ${ID_TEXT} ✓`,
    "no placeholder here 99999999",
    "",
  ];
  for (const t of texts) {
    for (const id of [1, 42, 99_999, 123_456_789, 1_000_000_000]) {
      assert.equal(
        joined(withIdBytes(enc.encode(t), id)),
        withId(t, id),
        `${JSON.stringify(t)} ${id}`,
      );
    }
  }
});

test("shard id: the pieces are views of the bytes given, not copies", () => {
  const b = enc.encode(`ab${ID_TEXT}cd`);
  const [pre, , post] = withIdBytes(b, 5);
  assert.equal(pre.buffer, b.buffer);
  assert.equal(post.buffer, b.buffer);
  assert.equal(joined(withIdBytes(b, 5)), "ab5cd");
});

test("shard continues: the first `count` placeholders replaced, as bytes and as a string", () => {
  const C = CONTINUES_TEXT;
  const cases: [string, number, string][] = [
    [
      `A continuation of #${C}, … (it continues #${C}): seq ${C}`,
      2,
      `A continuation of #7, … (it continues #7): seq ${C}`,
    ],
    [`it continues #${C}`, 1, "it continues #7"],
    [`é #${C} ✓ ${C}`, 1, `é #7 ✓ ${C}`],
    [`nothing to replace ${ID_TEXT}`, 1, `nothing to replace ${ID_TEXT}`],
    [`#${C}`, 0, `#${C}`],
  ];
  for (const [text, count, want] of cases) {
    assert.equal(withContinues(text, 7, count), want);
    assert.equal(dec.decode(withContinues(enc.encode(text), 7, count) as Uint8Array), want);
  }
});

test("shard merger: a connection that continues one ended in an earlier batch, of another shard's ids, gets its real id", () => {
  const out: [number, string | undefined][] = [];
  const m = new ShardMerger(2, (id, text) => {
    out.push([id, typeof text === "string" ? text : text && dec.decode(text)]);
  });
  const report = (r: Partial<ShardReport>): ShardReport => ({
    creates: [],
    links: [],
    ends: [],
    texts: [],
    bytes: null,
    spans: [],
    ...r,
  });
  // Batch 1: shard 1 creates at frame 1 (id 1), shard 0 at frame 2 (id 2);
  // shard 0's connection is closed at frame 3 and leaves a tombstone.
  m.add([
    report({ creates: [2], ends: [1, 3, 2, 0, 0, 1], texts: [`#${ID_TEXT} closed`] }),
    report({ creates: [1] }),
  ]);
  // Batch 2: shard 0's second connection (frame 5) continues its first and
  // ends at frame 6; its sentence names it twice.
  m.add([
    report({
      creates: [5],
      links: [2, 1],
      ends: [2, 6, 2, 0, 0, 2 << 1],
      texts: [`#${ID_TEXT} continues #${CONTINUES_TEXT} (#${CONTINUES_TEXT})`],
    }),
    report({}),
  ]);
  assert.deepEqual(out, [[2, `#${ID_TEXT} closed`], [3, `#${ID_TEXT} continues #2 (#2)`]]);
});
