import { test } from "node:test";
import assert from "node:assert/strict";
import { allValues, checkOptions, numberOption } from "../../cmd/cli.ts";
import { TcpechoError } from "../../lib/errors.ts";

const def = {
  port: { type: "string", alias: "p" },
  udp: { type: "boolean" },
  file: { type: "positional" },
} as const;

test("checkOptions: accepts defined options, aliases, negations and globals", () => {
  checkOptions(
    ["--port", "1", "-p", "2", "--port=3", "--udp", "--no-udp", "--no-color", "f"],
    def,
    "x",
  );
});

test("checkOptions: rejects unknown long and short options with exit code 2", () => {
  for (const bad of [["--nope"], ["-z"], ["--udp=yes"]]) {
    assert.throws(
      () => checkOptions(bad, def, "x"),
      (e: unknown) => e instanceof TcpechoError && e.exitCode === 2,
    );
  }
});

test("checkOptions: stops at -- and ignores lone - (stdin)", () => {
  checkOptions(["-", "--", "--whatever"], def, "x");
});

test("allValues: collects repeated options in order", () => {
  assert.deepEqual(allValues(["--host", "::1", "--host=127.0.0.1", "x"], "host"), [
    "::1",
    "127.0.0.1",
  ]);
});

test("numberOption: parses in range, rejects out of range and garbage", () => {
  assert.equal(numberOption("9877", "port", { min: 0, max: 65535, integer: true }), 9877);
  assert.equal(numberOption(undefined, "port"), undefined);
  assert.throws(
    () => numberOption("70000", "port", { min: 0, max: 65535, integer: true }),
    /--port: '70000'/,
  );
  assert.throws(() => numberOption("1.5", "count", { integer: true }), /integer/);
  assert.throws(() => numberOption("abc", "delay"), /'abc'/);
});
