/**
 * lib/explain/shard.ts: the id put into a worker's output as bytes
 * (withIdBytes) gives the same text as into a string (withId).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ID_TEXT, withId, withIdBytes } from "../../lib/explain/shard_merge.ts";

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
