/**
 * cmd/parse_args.ts against node:util's parseArgs (strict: false,
 * allowPositionals: true) on the runtime running the test: the same values
 * and positionals for hand-picked argument lists and for 3,000 lists drawn
 * from a fixed pool of tokens (a seeded generator: repeatable).
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { type LooseOption, parseArgsLoose } from "../../cmd/parse_args.ts";

const OPTIONS: Record<string, LooseOption> = {
  output: { type: "string", short: "o" },
  verbose: { type: "boolean", short: "v" },
  json: { type: "boolean", short: "j" },
  port: { type: "string", short: "p" },
  count: { type: "string" },
  quiet: { type: "boolean" },
};

function same(args: string[]): void {
  const want = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: false });
  const got = parseArgsLoose(args, OPTIONS);
  assert.deepEqual(
    { values: { ...got.values }, positionals: got.positionals },
    { values: { ...want.values }, positionals: want.positionals },
    JSON.stringify(args),
  );
}

test("parse args: node's loose rules on hand-picked lists", () => {
  const lists: string[][] = [
    [],
    ["x.pcap"],
    ["--output", "r.html", "x.pcap"],
    ["--output=r.html"],
    ["--output=a=b"],
    ["--output"],
    ["--output", "-x"],
    ["--output", "--verbose"],
    ["-o", "-1"],
    ["-o"],
    ["-ovalue"],
    ["-o=3"],
    ["-vo", "f"],
    ["-vofile"],
    ["-vj"],
    ["-vjo"],
    ["-jvx", "y"],
    ["--verbose=no"],
    ["--verbose", "x"],
    ["-1"],
    ["-", "x"],
    ["--", "--output", "y"],
    ["a", "--", "-v"],
    ["-x", "val"],
    ["--unknown", "val"],
    ["--unknown=val"],
    ["---x"],
    ["--port", "9877", "--port", "1"],
    ["-p9877", "-v", "--count", "3", "h"],
    ["--__proto__", "x"],
    ["-", "--", "-"],
  ];
  for (const args of lists) same(args);
});

test("parse args: node's loose rules on 3,000 generated lists", () => {
  const pool = [
    "-",
    "--",
    "x",
    "-v",
    "-o",
    "-p",
    "-j",
    "-x",
    "-vo",
    "-ov",
    "-vjx",
    "-o5",
    "--output",
    "--output=",
    "--output=v",
    "--verbose",
    "--verbose=false",
    "--port",
    "--count",
    "--quiet",
    "--nope",
    "--nope=1",
    "-1",
    "--=x",
    "value",
    "-pj",
  ];
  let seed = 12345;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  for (let i = 0; i < 3000; i++) {
    const n = Math.floor(next() * 6);
    const args: string[] = [];
    for (let k = 0; k < n; k++) args.push(pool[Math.floor(next() * pool.length)]);
    same(args);
  }
});
