/**
 * Runs the CLI in the test's own process: cmd/main.ts's `runMain` with a
 * runtime whose arguments, environment, stdin, stdout and stderr are the
 * test's (nothing is a terminal, NO_COLOR=1 like {@link runCli}). A CLI start
 * costs a runtime start-up (about 0.13 s of CPU on Deno, 0.05 s on Bun) and
 * the tests start it hundreds of times, so a test that only reads the output
 * and the exit code runs the CLI here; what needs a real process (signals,
 * ulimit, Deno's permission flags, a closed pipe, the launchers) stays
 * spawned. tests/cli/inproc.test.ts checks that both ways print the same.
 * @module
 */
import process from "node:process";
import { getRuntime, type Runtime } from "../../lib/runtime/mod.ts";
import { runMain } from "../../cmd/main.ts";
import { type CliResult, ROOT, runCli } from "./helpers.ts";

/** A pull reader over bytes given in advance (the CLI's stdin). */
function bytesReader(bytes: Uint8Array) {
  let at = 0;
  return {
    read(into: Uint8Array): Promise<number | null> {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(into.length, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
    close() {},
  };
}

/**
 * Runs `tcpecho ...args` in-process and resolves to its exit code and output,
 * like {@link runCli}. With a `cwd` other than the repository root (or a test
 * process started elsewhere) it runs the CLI as a subprocess instead, since
 * relative paths would resolve differently.
 *
 * @example
 * ```ts
 * const r = await cli(["explain", "tests/fixtures/explain/normal.pcap", "--summary"]);
 * assert.equal(r.code, 0, r.stderr);
 * ```
 */
export async function cli(
  args: string[],
  opts: { input?: string | Uint8Array; env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  if ((opts.cwd !== undefined && opts.cwd !== ROOT) || process.cwd() !== ROOT) {
    return runCli(args, opts);
  }
  const rt = await getRuntime();
  const enc = new TextEncoder();
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const env: Record<string, string> = { NO_COLOR: "1", ...opts.env };
  const input = typeof opts.input === "string" ? enc.encode(opts.input) : opts.input;
  const bytes = (d: Uint8Array | string) => typeof d === "string" ? enc.encode(d) : d.slice();
  const fake: Runtime = {
    ...rt,
    args: () => [...args],
    env: (name) => Object.hasOwn(env, name) ? env[name] : rt.env(name),
    exit(code: number): never {
      throw new Error(`the CLI called exit(${code}) in-process; only cmd/main.ts's main may`);
    },
    isTerminal: () => false,
    writeStdout: (d) => (out.push(bytes(d)), Promise.resolve()),
    writeStderr: (d) => (err.push(bytes(d)), Promise.resolve()),
    stdin: () => bytesReader(input ?? new Uint8Array(0)),
    onSignal: () => () => {},
  };
  const code = await runMain(fake, [...args]);
  const text = (parts: Uint8Array[]) => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) (all.set(p, at), at += p.length);
    return new TextDecoder().decode(all);
  };
  return { code, stdout: text(out), stderr: text(err) };
}
