/**
 * cmd/posix_path.ts against node:path and node:url on the runtime running
 * the test (the CLI's start-up avoids importing them).
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { dirPath, fileUrlPath, joinPath, normalizePath } from "../../cmd/posix_path.ts";

const PATHS = [
  "",
  ".",
  "..",
  "/",
  "//",
  "a",
  "a/",
  "/a",
  "/a/",
  "a/b",
  "./a",
  "a/./b",
  "a//b",
  "a/../b",
  "../a",
  "../../a/b",
  "/../a",
  "/a/../..",
  "a/b/../../..",
  "caps/",
  "./caps//x.pcap",
  "/tmp/a b",
];

test("posix path: normalizePath and joinPath as node:path", () => {
  for (const p of PATHS) assert.equal(normalizePath(p), normalize(p), JSON.stringify(p));
  for (const a of PATHS) {
    for (const b of ["x.pcap", "../y", "./z/", "", "w//v"]) {
      assert.equal(joinPath(a, b), join(a, b), JSON.stringify([a, b]));
    }
  }
});

test("posix path: dirPath and fileUrlPath as node:path and node:url", () => {
  for (const p of ["/", "/a", "/a/b", "a", "a/b/", "/work/main/cmd", "x"]) {
    assert.equal(dirPath(p), dirname(p), p);
  }
  for (const u of ["file:///work/main/cmd/version.ts", "file:///tmp/my%20dir/x.ts"]) {
    assert.equal(fileUrlPath(u), fileURLToPath(u), u);
  }
});
