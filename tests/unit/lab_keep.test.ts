/**
 * The lab's files (lab/keep.ts): `--keep DIR` never follows a link planted in
 * DIR (it would overwrite the link's target as root), and the working folders
 * of a killed lab are removed by the next lab. No root needed: plain files.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import process from "node:process";
import { keepFile, labWorkdir, removeStaleWorkdirs, WORKDIR_PATTERN } from "../../lab/keep.ts";
import { tempDir } from "../support/helpers.ts";
import { join } from "../support/path.ts";

test("lab keep/a planted symlink is replaced, its target left untouched", () => {
  const t = tempDir();
  try {
    const shared = join(t.path, "shared");
    mkdirSync(shared);
    const victim = join(t.path, "victim");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(shared, "normal.pcap"));
    symlinkSync(join(t.path, "nowhere"), join(shared, "normal.txt")); // dangling
    const p = keepFile(shared, "normal.pcap", new Uint8Array([1, 2, 3]));
    keepFile(shared, "normal.txt", "log\n");
    assert.equal(readFileSync(victim, "utf8"), "precious\n");
    assert.equal(existsSync(join(t.path, "nowhere")), false);
    assert.ok(lstatSync(p).isFile(), "the kept capture is a regular file");
    assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
    assert.equal(readFileSync(join(shared, "normal.txt"), "utf8"), "log\n");
    assert.deepEqual(readdirSync(shared).sort(), ["normal.pcap", "normal.txt"]); // no temp left
  } finally {
    t.cleanup();
  }
});

test("lab keep/a second run replaces the kept files", () => {
  const t = tempDir();
  try {
    keepFile(t.path, "a.txt", "one");
    keepFile(t.path, "a.txt", "two");
    assert.equal(readFileSync(join(t.path, "a.txt"), "utf8"), "two");
  } finally {
    t.cleanup();
  }
});

test("lab keep/working folders: named after the pid; a dead lab's removed, a live one's kept", () => {
  const t = tempDir();
  try {
    const mine = labWorkdir(t.path);
    assert.match(mine.split("/").pop()!, WORKDIR_PATTERN);
    assert.ok(mine.includes(`tcpecho-lab-${process.pid}-`));
    const dead = join(t.path, "tcpecho-lab-2147483646-AbC123"); // no such pid
    mkdirSync(dead);
    writeFileSync(join(dead, "normal.pcap"), "x");
    const outside = join(t.path, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "keep-me"), "x");
    symlinkSync(outside, join(t.path, "tcpecho-lab-2147483645-link00")); // planted link
    assert.deepEqual(removeStaleWorkdirs(t.path), [dead]);
    assert.equal(existsSync(dead), false);
    assert.ok(existsSync(mine));
    assert.ok(existsSync(join(outside, "keep-me")));
  } finally {
    t.cleanup();
  }
});
