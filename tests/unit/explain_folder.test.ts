/**
 * `tcpecho explain FOLDER`: the folder is read as the capture files in it.
 * Other files (a README, the NDJSON the docs' xargs line writes beside the
 * captures) are left out with a note on stderr; a folder with no capture in
 * it is an error that says so.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { ROOT, tempDir } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { explainInProcess } from "../support/threads.ts";

const FIXTURES = join(ROOT, "tests", "fixtures", "explain");

test("explain folder: files that are not captures are left out, with a note", async () => {
  const dir = tempDir("tcpecho-folder-");
  try {
    copyFileSync(join(FIXTURES, "abort.pcap"), join(dir.path, "a.pcap"));
    copyFileSync(join(FIXTURES, "half-close.pcap"), join(dir.path, "b.pcap"));
    writeFileSync(join(dir.path, "README"), "captures of the lab\n");
    writeFileSync(join(dir.path, "a.pcap.ndjson"), '{"id":1}\n');
    const r = await explainInProcess({ files: [dir.path], format: "text", summary: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /capture set of 2 files merged by time/);
    assert.match(
      r.stderr,
      /left out 2 file\(s\) of the folder that are not captures: .*README, .*a\.pcap\.ndjson/,
    );
    // The same as the two captures given by name.
    const named = await explainInProcess({
      files: [join(dir.path, "a.pcap"), join(dir.path, "b.pcap")],
      format: "text",
      summary: true,
    });
    assert.equal(r.stdout, named.stdout);
  } finally {
    dir.cleanup();
  }
});

test("explain folder: a folder with no capture in it is an error that says so", async () => {
  const dir = tempDir("tcpecho-folder-");
  try {
    writeFileSync(join(dir.path, "notes.txt"), "nothing captured\n");
    const r = await explainInProcess({ files: [dir.path], format: "text", summary: true });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /none of its 1 file\(s\) is a capture/);
  } finally {
    dir.cleanup();
  }
});

test("explain folder: a file given by name is read even when it is not a capture", async () => {
  const dir = tempDir("tcpecho-folder-");
  try {
    const f = join(dir.path, "notes.txt");
    writeFileSync(f, "nothing captured\n");
    const r = await explainInProcess({ files: [f], format: "text", summary: true });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not a pcap or pcapng file/);
  } finally {
    dir.cleanup();
  }
});

test("explain folder: standard input (-) beside files or a folder is a usage error", async () => {
  for (const files of [["-", "x.pcap"], ["-", FIXTURES]]) {
    const r = await explainInProcess({ files, format: "text", summary: true });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Cannot read standard input \(-\) together with files/);
  }
});
