/**
 * The library API (mod.ts) as an outside user meets it: a script in a folder
 * outside the repository imports `explainCapture` from the repository's
 * mod.ts, under the runtime that runs this test, and gets the same
 * connections the CLI prints with `--format json`.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EXEC, ROOT, RUNTIME, tempDir } from "../support/helpers.ts";
import { cli as inProcess } from "../support/cli_inproc.ts";

const CAPTURES = [
  "samples/server-process-terminated.pcap",
  "tests/fixtures/explain/lossy-bulk.pcap",
  "tests/fixtures/explain/normal-ipv6.pcap",
];

test(
  "library api: a script outside the repo imports explainCapture and gets the CLI's connections",
  {
    timeout: 120_000,
  },
  async () => {
    const tmp = tempDir();
    try {
      const script = join(tmp.path, "use_tcpecho.ts");
      const mod = pathToFileURL(join(ROOT, "mod.ts")).href;
      writeFileSync(
        script,
        `import { readFileSync } from "node:fs";
import { connectionReport, explainCapture } from ${JSON.stringify(mod)};
const file = process.argv[process.argv.length - 1];
const connections = [];
const done = await explainCapture(new Uint8Array(readFileSync(file)), {
  onConnection: (e) => connections.push(connectionReport(e)),
});
connections.sort((a, b) => a.id - b.id);
console.log(JSON.stringify({ frames: done.capture.frames, connections }));
`,
      );
      for (const rel of CAPTURES) {
        const file = join(ROOT, rel);
        const argv = RUNTIME === "deno"
          ? ["run", "--allow-read", "--allow-env", script, file]
          : [script, file];
        const lib = spawnSync(EXEC, argv, { cwd: tmp.path, timeout: 60_000 });
        assert.equal(lib.status, 0, lib.stderr?.toString());
        const got = JSON.parse(lib.stdout.toString());
        const cli = await inProcess(["explain", file, "--format", "json"]);
        assert.equal(cli.code, 0, cli.stderr);
        const want = JSON.parse(cli.stdout);
        assert.equal(got.frames, want.capture.frames, rel);
        assert.ok(got.connections.length > 0, rel);
        assert.deepEqual(got.connections, want.connections, rel);
      }
    } finally {
      tmp.cleanup();
    }
  },
);
