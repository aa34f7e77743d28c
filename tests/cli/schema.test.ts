/**
 * docs/schema/explain.schema.json is the published shape of `--format json`
 * (and, per line, of `--format ndjson`): real output on every fixture
 * validates against it, with and without --summary.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { ROOT, runCli } from "../support/helpers.ts";

const schema = JSON.parse(
  readFileSync(join(ROOT, "docs", "schema", "explain.schema.json"), "utf8"),
);
// deno-lint-ignore no-explicit-any
const ajv = new (Ajv2020 as any)({ allErrors: true, strict: false });
const validateDoc = ajv.compile(schema);
const validateConn = ajv.getSchema(`${schema.$id}#/$defs/connection`);

const DIR = join(ROOT, "tests", "fixtures", "explain");
const files = readdirSync(DIR).filter((f) => f.endsWith(".pcap")).map((f) => join(DIR, f));

test("schema: --format json of every fixture validates, with and without --summary", {
  timeout: 300_000,
}, () => {
  assert.ok(files.length > 10);
  for (const f of files) {
    for (const extra of [[], ["--summary"]]) {
      const r = runCli(["explain", f, "--format", "json", ...extra]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.ok(validateDoc(doc), `${f} ${extra}: ${ajv.errorsText(validateDoc.errors)}`);
    }
  }
});

test("schema: each --format ndjson line is a connection", { timeout: 300_000 }, () => {
  assert.ok(validateConn, "the schema defines $defs/connection");
  let lines = 0;
  for (const f of files.slice(0, 6)) {
    const r = runCli(["explain", f, "--format", "ndjson"]);
    assert.equal(r.code, 0, r.stderr);
    for (const line of r.stdout.trim().split("\n").filter(Boolean)) {
      assert.ok(validateConn(JSON.parse(line)), `${f}: ${ajv.errorsText(validateConn.errors)}`);
      lines++;
    }
  }
  assert.ok(lines >= 6);
});

test("schema: a document missing a required field is refused (the schema is not vacuous)", () => {
  const r = runCli(["explain", files[0], "--format", "json"]);
  const doc = JSON.parse(r.stdout);
  delete doc.connections[0].scenario;
  assert.equal(validateDoc(doc), false);
});
