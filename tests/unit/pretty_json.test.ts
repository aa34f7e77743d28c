import { test } from "node:test";
import assert from "node:assert/strict";
import { stringifyAt, stringifyItemsAt } from "../../lib/report/pretty_json.ts";

const reference = (v: unknown, depth: number) =>
  JSON.stringify(v, null, 2).replaceAll("\n", "\n" + "  ".repeat(depth));

test("stringifyAt: hand-picked values give JSON.stringify(v, null, 2) indented by the depth", () => {
  const values: unknown[] = [
    0,
    -0,
    1.5e-7,
    NaN,
    "",
    'q"uote\\ \n\t\u0001 \ud800 é ─',
    true,
    null,
    [],
    {},
    [[]],
    [{}],
    { a: undefined, b: () => 1, c: Symbol("s") },
    [undefined, () => 1, Symbol("s"), 1],
    { "": 1, 'k"ey': { nested: [1, [2, { x: null }]] } },
    { frame: 1, time: 0.000123, from: "client", flags: ["SYN"], labels: [], file: 0 },
    { toJSON: () => ({ z: [1] }) },
    { d: new Date(0) },
  ];
  for (const depth of [0, 1, 2, 4, 7]) {
    for (const v of values) {
      assert.equal(stringifyAt(v, depth), reference(v, depth), JSON.stringify(v));
    }
  }
});

test("stringifyAt / stringifyItemsAt: 3,000 generated values give the same text as JSON.stringify", () => {
  let x = 0x1234567;
  const rnd = (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const leaf = (): unknown =>
    [
      rnd(1000) - 500,
      rnd(1e6) / 7,
      ["", "a", 'é\n"', "\u2028"][rnd(4)],
      rnd(2) === 0,
      null,
      undefined,
      NaN,
    ][rnd(7)];
  const gen = (depth: number): unknown => {
    const kind = depth > 3 ? 0 : rnd(3);
    if (kind === 0) return leaf();
    const n = rnd(4);
    if (kind === 1) return Array.from({ length: n }, () => gen(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) o[["a", "b", "from", "k" + rnd(9), "1"][rnd(5)]] = gen(depth + 1);
    return o;
  };
  for (let i = 0; i < 3000; i++) {
    const depth = rnd(6);
    const v = gen(0);
    if (v !== undefined) {
      assert.equal(stringifyAt(v, depth), reference(v, depth), JSON.stringify(v));
    }
    // Items of an array written in two batches join to the whole array's text.
    const items = Array.from({ length: 1 + rnd(5) }, () => gen(1) ?? null);
    const cut = 1 + rnd(items.length);
    const whole = reference(items, depth);
    const pad = "\n" + "  ".repeat(depth + 1);
    let joined = "[" + pad + stringifyItemsAt(items.slice(0, cut), depth);
    if (cut < items.length) joined += "," + pad + stringifyItemsAt(items.slice(cut), depth);
    assert.equal(joined + "\n" + "  ".repeat(depth) + "]", whole);
  }
});
