/**
 * Help, shell completions and the man page: all three come from one command
 * table (cmd/help.ts), so they are tested together.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliResult, haveCommand, ROOT, skipUnless, tempDir } from "../support/helpers.ts";
import { cli } from "../support/cli_inproc.ts";
import { renderManPage } from "../../cmd/manpage.ts";

const COMMANDS = ["serve", "connect", "probe", "explain", "watch", "lab", "completions"];

/** Each help text is produced once (a CLI start costs a runtime start-up). */
const helps = new Map<string, CliResult>();
async function help(args: string[]): Promise<CliResult> {
  const key = args.join(" ");
  if (!helps.has(key)) helps.set(key, await cli(args));
  return helps.get(key)!;
}

test("help: every --help fits 80 columns with no trailing space", { timeout: 60_000 }, async () => {
  for (const args of [["--help"], ...COMMANDS.map((c) => [c, "--help"])]) {
    const r = await help(args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    r.stdout.split("\n").forEach((line, i) => {
      const where = `tcpecho ${args.join(" ")}, line ${i + 1}: ${JSON.stringify(line)}`;
      assert.ok([...line].length <= 80, `over 80 columns: ${where}`);
      assert.ok(!/\s$/.test(line), `trailing space: ${where}`);
    });
  }
});

test(
  "help: short flags are shown as short flags, defaults one way",
  { timeout: 60_000 },
  async () => {
    const probe = (await help(["probe", "--help"])).stdout;
    assert.match(probe, /^ {2}-4 /m);
    assert.match(probe, /^ {2}-6 /m);
    assert.doesNotMatch(probe, /--4|--6/);
    assert.match((await help(["explain", "--help"])).stdout, /^ {2}-o, --output FILE /m);
    for (const c of COMMANDS) {
      const text = (await help([c, "--help"])).stdout;
      assert.doesNotMatch(text, /Default/, `${c}: "Default" with a capital`);
      assert.doesNotMatch(text, /\(default [^:]/, `${c}: "(default X)" without a colon`);
    }
    assert.match(
      (await help(["serve", "--help"])).stdout,
      /--port PORT +port to listen on .*\(default: 9877\)/,
    );
  },
);

test("completions: the bash script loads and completes commands, options, values", {
  skip: skipUnless(haveCommand("bash"), "bash is not installed"),
  timeout: 30_000,
}, async () => {
  const r = await cli(["completions", "bash"]);
  assert.equal(r.code, 0, r.stderr);
  const dir = tempDir("tcpecho-compl-");
  try {
    const file = join(dir.path, "tcpecho.bash");
    writeFileSync(file, r.stdout);
    const complete = (words: string[]) => {
      const w = words.map((x) => `'${x}'`).join(" ");
      const script = `source '${file}'; COMP_WORDS=(${w}); COMP_CWORD=${
        words.length - 1
      }; _tcpecho; echo "\${COMPREPLY[@]}"`;
      const b = spawnSync("bash", ["-c", script], { timeout: 10_000 });
      assert.equal(b.status, 0, b.stderr.toString());
      return b.stdout.toString().trim();
    };
    assert.equal(complete(["tcpecho", "ex"]), "explain");
    assert.equal(complete(["tcpecho", "explain", "--fo"]), "--format");
    assert.equal(complete(["tcpecho", "explain", "x.pcap", "--format", "nd"]), "ndjson");
    assert.equal(complete(["tcpecho", "completions", "f"]), "fish");
    assert.match(complete(["tcpecho", "probe", "-"]), /(^| )-4( |$)/);
  } finally {
    dir.cleanup();
  }
});

test("completions: zsh and fish scripts parse; fish completes", { timeout: 30_000 }, async () => {
  for (const shell of ["zsh", "fish"]) {
    const r = await cli(["completions", shell]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tcpecho/);
    if (!haveCommand(shell)) {
      console.log(`skip: ${shell} is not installed, its script is not parsed`);
      continue;
    }
    const p = spawnSync(shell, ["-n"], { input: r.stdout, timeout: 10_000 });
    assert.equal(p.status, 0, `${shell} -n: ${p.stderr}`);
    if (shell === "fish") {
      const dir = tempDir("tcpecho-fish-");
      try {
        const file = join(dir.path, "tcpecho.fish");
        writeFileSync(file, r.stdout);
        const c = spawnSync("fish", [
          "--no-config",
          "-c",
          `source '${file}'; complete -C'tcpecho ex'; complete -C'tcpecho explain x --format '`,
        ], { timeout: 10_000 });
        const got = c.stdout.toString().split("\n").map((l) => l.split("\t")[0]);
        assert.ok(got.includes("explain"), c.stdout.toString() + c.stderr.toString());
        assert.ok(got.includes("ndjson"), c.stdout.toString());
      } finally {
        dir.cleanup();
      }
    }
  }
  const bad = await cli(["completions", "tcsh"]);
  assert.equal(bad.code, 2);
});

test("man page: docs/tcpecho.1 is fresh (regenerate: bun scripts/man.ts)", async () => {
  const committed = readFileSync(join(ROOT, "docs", "tcpecho.1"), "utf8");
  assert.equal(committed, await renderManPage(), "docs/tcpecho.1 is stale: run bun scripts/man.ts");
});

test("man page: man renders it with no warnings", {
  skip: skipUnless(haveCommand("man") && haveCommand("groff"), "man or groff is not installed"),
  timeout: 30_000,
}, () => {
  const page = join(ROOT, "docs", "tcpecho.1");
  const m = spawnSync("man", ["-l", page], {
    env: { PATH: "/usr/bin:/bin", MANWIDTH: "80", LANG: "C.UTF-8" },
    timeout: 20_000,
  });
  assert.equal(m.status, 0, m.stderr.toString());
  // Bold and underline come as overstrikes (x BACKSPACE x) when not on a terminal.
  // deno-lint-ignore no-control-regex
  const text = m.stdout.toString().replace(/.\x08/g, "");
  assert.match(text, /TCPECHO\(1\)/);
  for (const c of COMMANDS) assert.match(text, new RegExp(`tcpecho ${c} \\[OPTIONS\\]`));
  const w = spawnSync("groff", ["-ww", "-z", "-man", page], { timeout: 20_000 });
  assert.equal(w.stderr.toString(), "");
});
