import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { cliArgv, EXEC, ROOT, runCli, RUNTIME, tempDir } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { VERSION } from "../../cmd/version.ts";

test("cli: --version prints the version and the runtime (a real process)", () => {
  const r = runCli(["--version"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^tcpecho ${VERSION.replaceAll(".", "\\.")} \\(${RUNTIME} `));
});

test("cli: version matches package.json", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  assert.equal(pkg.version, VERSION);
});

test("cli: --help lists the four commands and exits 0", async () => {
  const r = await cli(["--help"]);
  assert.equal(r.code, 0);
  for (const c of ["serve", "connect", "probe", "explain"]) {
    assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
  }
});

test("cli: no arguments prints help and exits 2", async () => {
  const r = await cli([]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /USAGE/);
});

test("cli: each command has --help with its options", async () => {
  const expect: Record<string, string[]> = {
    serve: ["--port", "--close-after", "--reset-after", "--udp"],
    connect: ["--timeout", "--count", "--clients"],
    probe: ["--count", "--keepalive", "--keepidle"],
    explain: ["--format", "--summary", "--conn"],
  };
  for (const [cmd, opts] of Object.entries(expect)) {
    const r = await cli([cmd, "--help"]);
    assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
    for (const o of opts) assert.ok(r.stdout.includes(o), `${cmd} --help lacks ${o}`);
    assert.ok(!r.stdout.includes("\x1b["), "no colour when NO_COLOR is set");
  }
});

test("cli: unknown command is a usage error (exit 2, one line + hint, no stack)", async () => {
  const r = await cli(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^tcpecho: Unknown command 'frobnicate'\nhint: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("cli: unknown option is a usage error naming it", async () => {
  const r = await cli(["explain", "--frob", "x.pcap"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown option --frob/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("cli: value option without a value is a usage error", async () => {
  const r = await cli(["serve", "--port"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--port needs a value/);
});

test("cli: bad enum value is a usage error", async () => {
  const r = await cli(["explain", "--format", "xml", "x.pcap"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /xml/);
});

test("cli: a closed stdout pipe (| head) ends quietly with exit 0", () => {
  const argv = cliArgv(["explain", "tests/fixtures/explain/lossy-bulk.pcap"]).map((a) => `'${a}'`)
    .join(" ");
  const r = spawnSync(
    "bash",
    ["-c", `set -o pipefail; '${EXEC}' ${argv} | head -c 10 >/dev/null`],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 0, r.stderr.toString());
  assert.equal(r.stderr.toString(), "");
});

test("cli: explain's report through a pipe that fills up is the same bytes as into a file", () => {
  // 550 KB of JSON: the pipe (64 KiB) fills while the reader waits, and the
  // batch writer (Deno: synchronous writes) blocks until it is read.
  const dir = tempDir();
  try {
    const argv = cliArgv(["explain", "tests/fixtures/explain/lossy-bulk.pcap", "--format", "json"])
      .map((a) => `'${a}'`).join(" ");
    const file = join(dir.path, "file.json"), piped = join(dir.path, "piped.json");
    const r = spawnSync(
      "bash",
      [
        "-c",
        `set -o pipefail; '${EXEC}' ${argv} > '${file}' && ` +
        `'${EXEC}' ${argv} | (sleep 0.5; cat) > '${piped}'`,
      ],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr.toString());
    const a = readFileSync(file), b = readFileSync(piped);
    assert.ok(a.length > 200_000, `${a.length} bytes`);
    assert.ok(a.equals(b), `file ${a.length} bytes, pipe ${b.length}`);
  } finally {
    dir.cleanup();
  }
});

test("cli: explain of a truncated capture warns on stderr with the byte offset, keeps what came before", async () => {
  const dir = tempDir();
  try {
    const full = readFileSync(join(ROOT, "tests/fixtures/explain/normal.pcap"));
    const cut = join(dir.path, "cut.pcap");
    writeFileSync(cut, full.subarray(0, full.length - 6));
    for (const extra of [[], ["--summary"]]) {
      const r = await cli(["explain", cut, ...extra]);
      // Everything before the cut is reported; exit 1 says the capture was not whole.
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^tcpecho: warning: capture ends inside a record at byte \d+/);
      assert.match(r.stdout, /198\.18\.44\.1/);
    }
  } finally {
    dir.cleanup();
  }
});
