import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../support/helpers.ts";

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Code lines (not comments) that use the Deno or Bun global namespace. */
function runtimeUses(file: string): string[] {
  const hits: string[] = [];
  readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, "");
    if (/^\s*(\*|\/\*)/.test(line)) return;
    if (/\b(Deno|Bun)\.[A-Za-z]/.test(code)) {
      hits.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    }
  });
  return hits;
}

test("runtime isolation: only lib/runtime/ uses Deno.* or Bun.*", () => {
  const files = ["cmd", "lib", "tests", "bench", "lab"].flatMap((d) => {
    try {
      return tsFiles(join(ROOT, d));
    } catch {
      return [];
    }
  }).concat([join(ROOT, "mod.ts")]);
  const offenders = files
    .filter((f) => !relative(ROOT, f).startsWith(join("lib", "runtime")))
    .flatMap(runtimeUses);
  assert.deepEqual(offenders, []);
});

test("runtime isolation: pure layers never print, exit or import a runtime", () => {
  const pure = ["capture", "decode", "tcp", "explain", "report"].flatMap((d) => {
    try {
      return tsFiles(join(ROOT, "lib", d));
    } catch {
      return [];
    }
  });
  const bad = pure.flatMap((f) =>
    readFileSync(f, "utf8").split("\n").flatMap((line, i) =>
      /\b(console\.|process\.|Deno\.|Bun\.)|from "node:(fs|process|child_process|net)"|runtime\//
          .test(line) &&
        !/^\s*(\/\/|\*)/.test(line)
        ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`]
        : []
    )
  );
  assert.deepEqual(bad, []);
});
