/**
 * Regenerates docs/tcpecho.1 from the command table (cmd/manpage.ts):
 *   node_modules/.bin/bun scripts/man.ts          (or: deno task man)
 * With --check, writes nothing and exits 1 if the committed page is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { renderManPage } from "../cmd/manpage.ts";

const file = join(dirname(dirname(fileURLToPath(import.meta.url))), "docs", "tcpecho.1");
const page = await renderManPage();
if (process.argv.includes("--check")) {
  let old = "";
  try {
    old = readFileSync(file, "utf8");
  } catch { /* absent: stale */ }
  if (old !== page) {
    console.error(`${file} is stale: run 'bun scripts/man.ts'`);
    process.exit(1);
  }
} else {
  writeFileSync(file, page);
  console.error(`wrote ${file}`);
}
