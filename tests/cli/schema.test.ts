/**
 * docs/schema/explain.schema.json is the published shape of `--format json`
 * (and, per line, of `--format ndjson`): the document of every fixture
 * validates against it, with and without --summary. The sweep over every
 * fixture makes the document in-process (the pipeline and renderJson, which
 * tests/unit/report_stream.test.ts proves equal to the CLI's streamed
 * writer); the CLI itself is run on a few fixtures.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { ROOT } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { explainCapture } from "../../lib/explain/pipeline.ts";
import { type ConnectionReport, connectionReport, renderJson } from "../../lib/report/json.ts";

const schema = JSON.parse(
  readFileSync(join(ROOT, "docs", "schema", "explain.schema.json"), "utf8"),
);
// deno-lint-ignore no-explicit-any
const ajv = new (Ajv2020 as any)({ allErrors: true, strict: false });
const validateDoc = ajv.compile(schema);
const validateConn = ajv.getSchema(`${schema.$id}#/$defs/connection`);

const DIR = join(ROOT, "tests", "fixtures", "explain");
const files = readdirSync(DIR).filter((f) => f.endsWith(".pcap")).map((f) => join(DIR, f));

/** The JSON document of a fixture, made in-process; `summary` as `--summary`. */
async function documentOf(file: string, summary: boolean): Promise<string> {
  const reports: ConnectionReport[] = [];
  const done = await explainCapture(new Uint8Array(readFileSync(file)), {
    detail: summary ? "verdict" : "full",
    onConnection: (e) => reports.push(connectionReport(e)),
  });
  return renderJson(done.capture, reports);
}

test("schema: the JSON document of every fixture validates, with and without --summary", async () => {
  assert.ok(files.length > 10);
  for (const f of files) {
    for (const summary of [false, true]) {
      const doc = JSON.parse(await documentOf(f, summary));
      assert.ok(validateDoc(doc), `${f} summary=${summary}: ${ajv.errorsText(validateDoc.errors)}`);
    }
  }
});

test("schema: the CLI's --format json validates, with and without --summary", {
  timeout: 120_000,
}, async () => {
  for (const f of files.slice(0, 3)) {
    for (const extra of [[], ["--summary"]]) {
      const r = await cli(["explain", f, "--format", "json", ...extra]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.ok(validateDoc(doc), `${f} ${extra}: ${ajv.errorsText(validateDoc.errors)}`);
    }
  }
});

test("schema: each --format ndjson line is a connection", { timeout: 300_000 }, async () => {
  assert.ok(validateConn, "the schema defines $defs/connection");
  let lines = 0;
  for (const f of files.slice(0, 3)) {
    const r = await cli(["explain", f, "--format", "ndjson"]);
    assert.equal(r.code, 0, r.stderr);
    for (const line of r.stdout.trim().split("\n").filter(Boolean)) {
      assert.ok(validateConn(JSON.parse(line)), `${f}: ${ajv.errorsText(validateConn.errors)}`);
      lines++;
    }
  }
  assert.ok(lines >= 3);
});

test("schema: a document missing a required field is refused (the schema is not vacuous)", async () => {
  const doc = JSON.parse(await documentOf(files[0], false));
  delete doc.connections[0].scenario;
  assert.equal(validateDoc(doc), false);
});
