/**
 * The lab's files as root (issue 12): `lab --keep DIR` with a symlink planted
 * in DIR leaves the link's target alone, and the capture folder of a lab
 * killed with SIGKILL is removed by the next lab. Needs root, iproute2,
 * nftables and tcpdump; skips with the reason otherwise.
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
import { tmpdir } from "node:os";
import { haveCommand, isRoot, runCli, spawnCli, tempDir } from "../support/helpers.ts";
import { join } from "../support/path.ts";
import { waitFor } from "../support/echo_helpers.ts";

function skipReason(): string | false {
  if (!isRoot()) return "needs root for network namespaces";
  for (const t of ["ip", "nft", "tcpdump"]) if (!haveCommand(t)) return `needs ${t}`;
  return false;
}
const SKIP = skipReason();
if (SKIP) console.log(`lab file tests skipped: ${SKIP}`);

test("lab files/--keep DIR with a planted symlink: the target is untouched", {
  skip: SKIP,
  timeout: 60_000,
}, () => {
  const t = tempDir();
  try {
    const shared = join(t.path, "shared");
    mkdirSync(shared);
    const victim = join(t.path, "victim");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(shared, "normal.pcap"));
    symlinkSync(victim, join(shared, "normal.txt"));
    const r = runCli(["lab", "normal", "--keep", shared], { timeoutMs: 50_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(victim, "utf8"), "precious\n");
    for (const f of ["normal.pcap", "normal.txt"]) {
      assert.ok(lstatSync(join(shared, f)).isFile(), `${f} is not a regular file`);
    }
    assert.ok(readFileSync(join(shared, "normal.pcap")).length > 24, "empty capture");
  } finally {
    t.cleanup();
  }
});

test("lab files/a lab killed with SIGKILL: the next lab removes its capture folder", {
  skip: SKIP,
  timeout: 90_000,
}, async () => {
  const lab = spawnCli(["lab", "keepalive-alive"]);
  const pid = lab.pid!;
  const mine = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`tcpecho-lab-${pid}-`));
  let code: number | null = null;
  lab.on("exit", (c) => (code = c ?? 137));
  try {
    await waitFor(() => mine().length > 0 || code !== null, 30_000, "the lab's capture folder");
    lab.kill("SIGKILL");
    await waitFor(() => code !== null, 10_000, "the lab to die");
    const left = mine();
    assert.equal(left.length, 1, "a killed lab leaves its folder (nothing can clean up)");
    const r = runCli(["lab", "normal"], { timeoutMs: 50_000 });
    assert.match(r.stderr, /removed capture folders left by a killed lab/);
    assert.equal(existsSync(join(tmpdir(), left[0])), false);
  } finally {
    if (code === null) lab.kill("SIGKILL");
  }
});
