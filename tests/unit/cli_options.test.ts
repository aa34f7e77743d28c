import { test } from "node:test";
import assert from "node:assert/strict";
import { allValues, checkOptions, hostPort, MAX_SECONDS, numberOption } from "../../cmd/cli.ts";
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

test("checkOptions: stops at -- and takes lone - (stdin) as an argument", () => {
  checkOptions(["-"], def, "x");
  checkOptions(["--", "--whatever"], def, "x");
  assert.throws(() => checkOptions(["-", "--", "--whatever"], def, "x"), /Unexpected argument/);
});

test("checkOptions: a stray argument, a negative number as argument: usage errors", () => {
  const usage = (e: unknown) => e instanceof TcpechoError && e.exitCode === 2;
  assert.throws(() => checkOptions(["a", "b"], def, "x"), usage);
  assert.throws(
    () => checkOptions(["a", "b"], def, "x"),
    /Unexpected argument 'b'.*at most 1 \(FILE\)/,
  );
  assert.throws(() => checkOptions(["-1"], def, "x"), /Invalid argument '-1'/);
  checkOptions(["--port", "-1"], def, "x"); // a value: numberOption judges it
});

test("typedOption: messages name the option as typed (alias, long, positional)", () => {
  checkOptions(["-p", "0x10"], def, "x");
  assert.throws(
    () => numberOption("0x10", "port", { integer: true }),
    /Invalid value for -p: '0x10'/,
  );
  checkOptions(["--port=1e99"], def, "x");
  assert.throws(
    () => numberOption("1e99", "port", { max: MAX_SECONDS }),
    /Invalid value for --port: '1e99' \(expected a decimal number of at most 31536000\)/,
  );
  checkOptions(["f"], def, "x");
  assert.throws(() => numberOption("", "file"), /Invalid value for file: ''/);
});

test("numberOption: decimal only (no hex, octal, binary, Infinity, empty)", () => {
  for (const bad of ["0x5222", "0o17", "0b11", "Infinity", "", " ", "1_000", "--5"]) {
    assert.throws(() => numberOption(bad, "port"), /Invalid value/, bad);
  }
  assert.equal(numberOption("1e3", "x"), 1000);
  assert.equal(numberOption("0.5", "x"), 0.5);
  assert.equal(numberOption(".5", "x"), 0.5);
  assert.equal(numberOption("-2", "x"), -2);
});

test("hostPort: HOST PORT, [IPv6]:PORT, HOST:PORT; empty host and doubled port refused", () => {
  assert.deepEqual(hostPort("[::1]:21050", undefined, "9877"), { host: "::1", port: 21050 });
  assert.deepEqual(hostPort("127.0.0.1:80", undefined, "9877"), { host: "127.0.0.1", port: 80 });
  assert.deepEqual(hostPort("::1", undefined, "9877"), { host: "::1", port: 9877 });
  assert.deepEqual(hostPort("[::1]", "7", "9877"), { host: "::1", port: 7 });
  assert.deepEqual(hostPort("fe80::1", "7", "9877"), { host: "fe80::1", port: 7 });
  assert.throws(() => hostPort("", undefined, "9877"), /host is empty/);
  assert.throws(() => hostPort("[]:80", undefined, "9877"), /host is empty/);
  assert.throws(() => hostPort("[::1]:80", "81", "9877"), /given twice/);
  assert.throws(() => hostPort("[::1]:", undefined, "9877"), /no port/);
  assert.throws(() => hostPort("h", "0x50", "9877"), /Invalid value/);
  assert.throws(() => hostPort("h", "0", "9877"), /from 1 to 65535/);
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
