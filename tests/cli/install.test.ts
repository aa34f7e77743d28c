/**
 * What an install relies on: deno tasks run the real Deno binary, the npm
 * package's bin is the launcher, its files hold every module the CLI
 * imports, and the licence is there.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { ROOT } from "../support/helpers.ts";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

test("install: deno task runs the Deno binary, not the npm shim as JavaScript", {
  timeout: 60_000,
}, () => {
  const deno = join(ROOT, "node_modules", ".bin", "deno");
  // `lint --help` goes through the task and scripts/deno.sh without linting anything.
  const r = spawnSync(deno, ["task", "lint", "--help"], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 50_000,
  });
  const out = r.stdout.toString() + r.stderr.toString();
  assert.doesNotMatch(out, /SyntaxError/);
  assert.equal(r.status, 0, out);
  assert.match(out, /deno lint/i);
});

test("install: the package bin is the Node launcher, the man page and licence ship", () => {
  assert.equal(pkg.bin.tcpecho, "bin/tcpecho.mjs");
  assert.match(readFileSync(join(ROOT, pkg.bin.tcpecho), "utf8"), /^#!\/usr\/bin\/env node\n/);
  assert.deepEqual(pkg.man, ["docs/tcpecho.1"]);
  const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
  assert.match(license, /^MIT License/);
  assert.match(license, /tcpecho authors/);
  assert.equal(pkg.license, "MIT");
  for (const f of ["LICENSE", "docs/tcpecho.1", "bin/"]) assert.ok(pkg.files.includes(f), f);
});

test("install: package.json files hold every folder the CLI imports", () => {
  const folders = new Set<string>();
  for (const dir of ["cmd", "lib", "lab"]) {
    const walk = (d: string) => {
      for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
        const rel = `${d}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (rel.endsWith(".ts")) {
          for (
            const m of readFileSync(join(ROOT, rel), "utf8").matchAll(/from "((?:\.\.?\/)+[^"]+)"/g)
          ) {
            const target = join(ROOT, d, m[1]);
            const top = target.slice(ROOT.length + 1).split("/")[0];
            if (existsSync(target)) folders.add(top.endsWith(".ts") ? top : `${top}/`);
          }
        }
      }
    };
    walk(dir);
  }
  for (const f of folders) assert.ok(pkg.files.includes(f), `package.json files lacks ${f}`);
  const runtime = Object.keys(pkg.dependencies ?? {});
  assert.deepEqual(runtime, ["bun"], "the CLI needs only a runtime at run time");
});
