/**
 * Writes `tcpecho explain` output for every test fixture capture and every
 * Nth capture of a folder into OUT, in one process (the command's own code,
 * runExplain, with stdout and stderr collected), one file per capture and
 * format: text, json, ndjson, --summary, --summary --format json, each ending
 * with the command's return code or error. Run it on two checkouts and
 * `diff -r` the folders: a change meant to keep the output byte-identical
 * must leave no difference. (bench/explain-outputs.sh does the same through
 * the CLI, one process per run: slower.)
 * Usage: deno run -A bench/explain-outputs.ts OUT [EXTRA_DIR [EVERY=10]]
 *        bun bench/explain-outputs.ts OUT [EXTRA_DIR [EVERY=10]]
 * @module
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";
import { getRuntime } from "../lib/runtime/mod.ts";
import { runExplain } from "../cmd/explain_run.ts";

const ROOT = join(import.meta.dirname ?? ".", "..");
const [out, extra, everyArg] = process.argv.slice(2);
if (!out) throw new Error("usage: explain-outputs.ts OUT [EXTRA_DIR [EVERY]]");
const every = Number(everyArg ?? 10);

function walk(dir: string, into: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, into);
    else if (/\.(pcap|pcapng|cap)/.test(name)) into.push(p);
  }
  return into;
}

const files = walk(join(ROOT, "tests", "fixtures"), []).map((f) => [relative(ROOT, f), f]);
if (extra) {
  walk(extra, []).forEach((f, i) => {
    if (i % every === 0) files.push([relative(extra, f), f]);
  });
}
mkdirSync(out, { recursive: true });
const rt = await getRuntime();
const enc = new TextEncoder();
let chunks: Uint8Array[] = [];
const collect = (d: Uint8Array | string) => {
  chunks.push(typeof d === "string" ? enc.encode(d) : d.slice());
  return Promise.resolve();
};
const ctxRt = Object.create(rt);
ctxRt.writeStdout = collect;
ctxRt.writeStdoutBatch = collect;
ctxRt.writeStderr = (d: Uint8Array | string) =>
  collect(`[stderr] ${typeof d === "string" ? d : new TextDecoder().decode(d)}`);
ctxRt.isTerminal = () => false;
const ctx = { rt: ctxRt, color: false, colorErr: false };
const formats = [
  ["text", "text", false],
  ["json", "json", false],
  ["ndjson", "ndjson", false],
  ["summary", "text", true],
  ["summary-json", "json", true],
] as const;
for (const [name, path] of files) {
  for (const [label, format, summary] of formats) {
    chunks = [];
    let end: string;
    try {
      end = `rc ${await runExplain(ctx, { files: [path], format, summary, filter: {} })}`;
    } catch (e) {
      end = `error ${(e as Error).message}`;
    }
    chunks.push(enc.encode(`\n${end}\n`));
    const size = chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    writeFileSync(join(out, `${name.replaceAll("/", "~")}.${label}`), all);
  }
}
console.log(`${files.length} captures, ${formats.length} formats each, in ${out}`);
