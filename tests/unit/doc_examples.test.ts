// The JSDoc examples of pure modules run for real, on both runtimes (issue 15),
// and a line `expr; // value` must return that value.
// `deno check --doc-only` (scripts/test.sh) only type-checks every example;
// here the examples that need no socket, namespace or root are executed: each
// ```ts block after an @example tag is written to a temporary module, its
// relative imports rewritten to absolute file URLs and the documented
// module's exports imported as Deno's doc tests do, then imported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../support/helpers.ts";

/**
 * Source files whose examples are pure and run as written; a block that
 * declares its inputs (`declare const conn: Conn;`) stands for a live value
 * and is only type-checked.
 */
const PURE = [
  "mod.ts",
  "lib/capture/merge.ts",
  "lib/capture/pcap_variant.ts",
  "lib/capture/pcapng_blocks.ts",
  "lib/capture/stream.ts",
  "lib/capture/timestamp.ts",
  "lib/decode/bytes.ts",
  "lib/decode/link_types.ts",
  "lib/echo/errors.ts",
  "lib/echo/log.ts",
  "lib/echo/stats.ts",
  "lib/explain/catalogue.ts",
  "lib/explain/phases.ts",
  "lib/explain/pipeline.ts",
  "lib/explain/words.ts",
  "lib/probe/format.ts",
  "lib/probe/keepalive_apply.ts",
  "lib/probe/keepalive_end.ts",
  "lib/probe/stats.ts",
  "lib/report/ascii_buffer.ts",
  "lib/report/colors.ts",
  "lib/report/html/escape.ts",
  "lib/report/html/stream.ts",
  "lib/report/json.ts",
  "lib/report/order.ts",
  "lib/report/summary.ts",
  "lib/runtime/net/addr.ts",
  "lib/runtime/net/errors.ts",
  "lib/runtime/net/route.ts",
  "lib/runtime/sockopt/addr.ts",
  "lib/runtime/sockopt/libc.ts",
  "lib/tcp/analysis.ts",
  "lib/tcp/conn.ts",
  "lib/tcp/flow.ts",
  "lib/tcp/labels.ts",
  "lib/tcp/segment.ts",
  "lib/tcp/sentlog.ts",
  "lib/tcp/seq.ts",
  "lib/tcp/state.ts",
  "cmd/explain.ts",
  "cmd/help.ts",
  "lab/report.ts",
  "lab/scenarios.ts",
  "lab/session.ts",
];

/** The ```ts blocks that follow an @example tag, without the JSDoc margin. */
function exampleBlocks(source: string): string[] {
  const blocks: string[] = [];
  let inExample = false;
  let block: string[] | undefined;
  for (const line of source.split("\n")) {
    const text = line.replace(/^\s*\* ?/, "");
    if (block) {
      if (/^```\s*$/.test(text)) {
        blocks.push(block.join("\n").replaceAll("*\\/", "*/"));
        block = undefined;
        inExample = false;
      } else block.push(text);
    } else if (text.includes("@example")) inExample = true;
    else if (inExample && /^```(ts|typescript)?\s*$/.test(text)) block = [];
  }
  return blocks;
}

/** Names the block imports or declares itself (not auto-imported). */
function ownNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from/g)) {
    for (const part of m[1].split(",")) {
      const name = part.replace(/^\s*type\s+/, "").split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  }
  for (const m of code.matchAll(/import\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from/g)) {
    names.add(m[1]);
  }
  for (const m of code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)) {
    names.add(m[1]);
  }
  return names;
}

/** A comment that is a plain value: a number, string, boolean, null, array or object literal. */
const VALUE = /^(-?[\d_.e]+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|true|false|null|\[.*\]|\{.*\})$/;

/** What one-line claims (`expr; // value`) evaluated to, filled by the example modules. */
const claims: { where: string; got: unknown; want: unknown }[] = [];
(globalThis as Record<string, unknown>).__docClaim = (got: unknown, want: unknown, where: string) =>
  void claims.push({ got, want, where });

/**
 * A line `expr; // value` whose comment is a plain value becomes a recorded
 * claim (checked after the block ran); other lines stay as they are.
 */
function withClaims(code: string, file: string): string {
  return code.split("\n").map((line) => {
    const m = line.match(/^(.*?);\s*\/\/\s*(.+?)\s*$/);
    if (!m || m[1].includes(";") || /^\s*(const|let|var)\b/.test(m[1])) return line;
    const count = (re: RegExp) => (m[1].match(re) ?? []).length;
    if (count(/\(/g) !== count(/\)/g) || count(/\[/g) !== count(/\]/g)) return line; // a continuation
    if (!VALUE.test(m[2]) || m[2].includes("…")) return line;
    const where = JSON.stringify(`${file}: ${line.trim()}`);
    return `(globalThis as any).__docClaim(${m[1]}, ${m[2]}, ${where});`;
  }).join("\n");
}

/** The block as a module beside nothing: absolute imports, the module's exports imported. */
async function exampleModule(file: string, code: string): Promise<string> {
  const url = pathToFileURL(join(ROOT, file)).href;
  const own = ownNames(code);
  const auto = Object.keys(await import(url)).filter((n) => n !== "default" && !own.has(n));
  const body = withClaims(code, file)
    .replace(/(from\s+["'])(\.\.?\/[^"']+)(["'])/g, (_, a, p, b) => a + new URL(p, url).href + b)
    .replaceAll('"samples/', JSON.stringify(join(ROOT, "samples") + "/").slice(0, -1));
  const head = auto.length > 0
    ? `import { ${auto.join(", ")} } from ${JSON.stringify(url)};\n`
    : "";
  return `${head}${body}\nexport {};\n`;
}

test("doc examples: the extractor finds the blocks of a file", () => {
  const blocks = exampleBlocks(readFileSync(join(ROOT, "lib/tcp/seq.ts"), "utf8"));
  assert.equal(blocks.length, 7);
  assert.equal(blocks[0], "seqDiff(5, 0xfffffff0); // 21");
});

for (const file of PURE) {
  test(`doc examples of ${file} run and say what they return`, { timeout: 60_000 }, async () => {
    const blocks = exampleBlocks(readFileSync(join(ROOT, file), "utf8"))
      .filter((code) => !/^declare /m.test(code));
    assert.ok(blocks.length > 0, `${file} has no example that runs`);
    const dir = mkdtempSync(join(tmpdir(), "tcpecho-doc-"));
    const log = console.log;
    const printed: unknown[][] = [];
    console.log = (...args: unknown[]) => void printed.push(args);
    try {
      for (const [i, code] of blocks.entries()) {
        const path = join(dir, `example_${i + 1}.ts`);
        writeFileSync(path, await exampleModule(file, code));
        try {
          await import(pathToFileURL(path).href);
        } catch (e) {
          assert.fail(`${file}, example ${i + 1} threw: ${e}\n${code}`);
        }
      }
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
    const checked = claims.splice(0);
    for (const c of checked) assert.deepEqual(c.got, c.want, c.where);
    if (file === "lib/tcp/seq.ts") {
      assert.equal(checked.length, 7, "each seq example claims a value");
    }
    if (file === "mod.ts") {
      // The package's front-page example prints what its last comment says.
      assert.deepEqual(printed, [[13, "server-process-terminated", "5.12"]]);
    }
  });
}
