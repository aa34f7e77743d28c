/**
 * docs/schema/connect.schema.json is the published shape of `connect --json`:
 * every line of real runs (stream, --count, --clients, --udp; success, FIN,
 * RST, refused, loss) validates, and the last line is always the summary.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { ROOT } from "../support/helpers.ts";
import { runConnectAsync } from "../support/echo_helpers.ts";
import { serveInProcess } from "../support/cli_inproc.ts";

const schema = JSON.parse(
  readFileSync(join(ROOT, "docs", "schema", "connect.schema.json"), "utf8"),
);
// deno-lint-ignore no-explicit-any
const ajv = new (Ajv2020 as any)({ allErrors: true, strict: false, validateFormats: false });
const validate = ajv.compile(schema);

function check(what: string, stdout: Buffer, exitCode: number): string[] {
  const lines = stdout.toString().split("\n").filter((l) => l !== "");
  assert.ok(lines.length > 0, `${what}: no output`);
  const evs = lines.map((l) => JSON.parse(l));
  for (const ev of evs) {
    assert.ok(validate(ev), `${what}: ${JSON.stringify(ev)}: ${ajv.errorsText(validate.errors)}`);
  }
  const last = evs.at(-1);
  assert.equal(last.event, "summary", what);
  assert.equal(last.exitCode, exitCode, what);
  return evs.map((e) => e.event);
}

test("schema: every connect --json line validates, in every mode and ending", {
  timeout: 120_000,
}, async () => {
  const srv = await serveInProcess(["--udp", "--log", "none"]);
  const fin = await serveInProcess(["--close-after", "1", "--log", "none"]);
  const rst = await serveInProcess(["--reset-after", "1", "--log", "none"]);
  const dead = await serveInProcess(["--udp", "--log", "none"]);
  await dead.stop();
  const p = (s: { port: number }) => ["127.0.0.1", String(s.port), "--json"];
  try {
    const runs: [string, string[], string, number][] = [
      ["stream", p(srv), "a\nb\n", 0],
      ["count", [...p(srv), "-c", "2", "-i", "0"], "", 0],
      ["clients", [...p(srv), "--clients", "2", "--duration", "0.2"], "", 0],
      ["udp lines", [...p(srv), "--udp"], "x\ny\n", 0],
      ["udp count", [...p(srv), "--udp", "-c", "2", "-i", "0"], "", 0],
      ["premature FIN", [...p(fin), "-c", "3", "-i", "0.01"], "", 3],
      ["RST", p(rst), "one\ntwo\nthree\n", 4],
      ["refused", p(dead), "", 5],
      ["udp refused", [...p(dead), "--udp", "-c", "1"], "", 5],
    ];
    for (const [what, args, input, code] of runs) {
      const r = await runConnectAsync(args, input);
      assert.equal(r.code, code, `${what}: ${r.stderr}`);
      check(what, r.stdout, code);
    }
  } finally {
    await srv.stop();
    await fin.stop();
    await rst.stop();
  }
});
