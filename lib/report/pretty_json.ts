/**
 * Pretty JSON at a depth: `JSON.stringify(value, null, 2)` with every line
 * after the first indented by two spaces per level, as the value appears
 * that deep inside a pretty-printed document. `--format json` writes each
 * connection and its segments this way. Stringifying and then inserting the
 * indentation after every newline (`replaceAll`) took 46% of Bun's CPU on
 * the JSON of the 2.4 M-packet benchmark capture; a JavaScript pretty-printer
 * was slower still (its concatenated strings). Here the runtime's own
 * `JSON.stringify` indents: the value is wrapped in `depth` arrays, and the
 * wrapper's brackets are cut off the result.
 * @module
 */

/** Characters before and after the value in a pretty `depth`-array wrapper, by depth. */
const WRAPPERS: [number, number][] = [];

function wrapper(depth: number): [number, number] {
  let w = WRAPPERS[depth];
  if (w === undefined) {
    const s = JSON.stringify(nest(0, depth), null, 2);
    const at = s.indexOf("0");
    w = WRAPPERS[depth] = [at, s.length - at - 1];
  }
  return w;
}

function nest(value: unknown, depth: number): unknown {
  let v = value;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/**
 * `JSON.stringify(value, null, 2)`, its lines after the first indented by
 * `2 × depth` spaces. `value` must not be undefined, a function or a symbol
 * (JSON.stringify gives no text for them).
 *
 * @example
 * ```ts
 * stringifyAt({ a: [1] }, 1); // '{\n    "a": [\n      1\n    ]\n  }'
 * ```
 */
export function stringifyAt(value: unknown, depth: number): string {
  if (depth === 0) return JSON.stringify(value, null, 2);
  const [before, after] = wrapper(depth);
  const s = JSON.stringify(nest(value, depth), null, 2);
  return s.slice(before, s.length - after);
}

/**
 * The elements of a non-empty array as {@link stringifyAt} writes the array
 * at `depth`, without its brackets: the first element's text (not indented)
 * to the last element's end, joined by `",\n"` and the indentation, so
 * batches of one long array can be written one after another.
 *
 * @example
 * ```ts
 * stringifyItemsAt([1, 2], 0); // '1,\n  2'
 * ```
 */
export function stringifyItemsAt(items: unknown[], depth: number): string {
  const s = stringifyAt(items, depth);
  // "[\n" + indentation of depth + 1, then the items, then "\n" + indentation of depth + "]".
  return s.slice(2 + 2 * (depth + 1), s.length - (2 + 2 * depth));
}
