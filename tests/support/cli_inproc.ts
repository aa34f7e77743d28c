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
import { getRuntime, type Runtime, type SignalName } from "../../lib/runtime/mod.ts";
import { getNet, type StdinReader } from "../../lib/runtime/net/mod.ts";
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

/** The socket layer's stdin reader over bytes given in advance. */
function chunkReader(bytes: Uint8Array): StdinReader {
  let at = 0;
  return {
    read(): Promise<Uint8Array | null> {
      if (at >= bytes.length) return Promise.resolve(null);
      const chunk = bytes.slice(at, at + 65536);
      at += chunk.length;
      return Promise.resolve(chunk);
    },
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
  return await (await startInProcess(args, opts)).done;
}

/** A CLI run in this process (see {@link startInProcess}). */
export interface InProcessRun {
  /** Resolves when the command returns: its exit code and all it wrote. */
  done: Promise<CliResult>;
  /** What it wrote to stdout / stderr so far. */
  stdout(): string;
  /** The bytes it wrote to stdout so far (binary output, e.g. connect's echoes). */
  stdoutBytes(): Uint8Array;
  stderr(): string;
  /** Calls the handlers the command registered for a signal, as the signal would. */
  signal(name: SignalName): void;
}

/**
 * Starts `tcpecho ...args` in this process and returns at once (for commands
 * that run until a signal, like serve). Relative paths resolve against this
 * process's folder: the suite runs from the repository root.
 */
export async function startInProcess(
  args: string[],
  opts: { input?: string | Uint8Array; env?: Record<string, string> } = {},
): Promise<InProcessRun> {
  const rt = await getRuntime();
  const net = await getNet();
  const enc = new TextEncoder();
  // Streaming decoders: a chunk may end inside a UTF-8 character.
  const outDec = new TextDecoder(), errDec = new TextDecoder();
  let out = "";
  let err = "";
  const outBytes: Uint8Array[] = [];
  const handlers = new Map<SignalName, Set<() => void>>();
  const env: Record<string, string> = { NO_COLOR: "1", ...opts.env };
  const input = typeof opts.input === "string" ? enc.encode(opts.input) : opts.input;
  const text = (dec: TextDecoder, d: Uint8Array | string) =>
    typeof d === "string" ? d : dec.decode(d, { stream: true });
  const writeOut = (d: Uint8Array | string) => {
    outBytes.push(typeof d === "string" ? new TextEncoder().encode(d) : d.slice());
    out += text(outDec, d);
    return Promise.resolve();
  };
  const fake: Runtime = {
    ...rt,
    args: () => [...args],
    env: (name) => Object.hasOwn(env, name) ? env[name] : rt.env(name),
    exit(code: number): never {
      throw new Error(`the CLI called exit(${code}) in-process; only cmd/main.ts's main may`);
    },
    isTerminal: () => false,
    writeStdout: writeOut,
    writeStdoutBatch: writeOut,
    writeStderr: (d) => (err += text(errDec, d), Promise.resolve()),
    stdin: () => bytesReader(input ?? new Uint8Array(0)),
    onSignal(name, handler) {
      const set = handlers.get(name) ?? new Set();
      handlers.set(name, set.add(handler));
      return () => set.delete(handler);
    },
  };
  // connect reads stdin through the socket layer (net.stdin), not the runtime:
  // for the run, that reads the test's input (64 KiB at a time, as a pipe gives).
  const netStdin = net.stdin;
  if (args[0] === "connect") net.stdin = () => chunkReader(input ?? new Uint8Array(0));
  const done = runMain(fake, [...args]).finally(() => {
    if (args[0] === "connect") net.stdin = netStdin;
  }).then((code) => {
    out += outDec.decode();
    err += errDec.decode();
    return { code, stdout: out, stderr: err };
  });
  return {
    done,
    stdout: () => out,
    stdoutBytes: () => {
      const all = new Uint8Array(outBytes.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of outBytes) (all.set(p, at), at += p.length);
      return all;
    },
    stderr: () => err,
    signal: (name) => [...(handlers.get(name) ?? [])].forEach((h) => h()),
  };
}

/** A `tcpecho serve` running in this process (see {@link serveInProcess}). */
export interface ServedInProcess {
  port: number;
  stdout(): string;
  stderr(): string;
  /** Delivers SIGTERM (or SIGINT) to it and resolves to its exit code (bounded). */
  stop(signal?: SignalName): Promise<number>;
}

/**
 * Starts `tcpecho serve --port 0` plus `args` in this process (default host
 * 127.0.0.1 unless args give one) and waits for its "listening" line, like
 * startServe in tests/support/echo_helpers.ts without a process start. The
 * clients must not block this process's event loop: use runConnectAsync, not
 * runConnect. Tests that signal or measure the server's process keep startServe.
 *
 * @example
 * ```ts
 * const srv = await serveInProcess(["--close-after", "2"]);
 * try { await runConnectAsync(["127.0.0.1", String(srv.port)], "a\n"); } finally { await srv.stop(); }
 * ```
 */
export async function serveInProcess(args: string[], hostDefault = true): Promise<ServedInProcess> {
  const hostArgs = hostDefault && !args.includes("--host") ? ["--host", "127.0.0.1"] : [];
  const run = await startInProcess(["serve", "--port", "0", ...hostArgs, ...args]);
  let code: number | null = null;
  run.done.then((r) => (code = r.code));
  const end = Date.now() + 15_000;
  const listening = () => /listening on tcp \S+:(\d+)/.exec(run.stdout());
  while (!listening() && code === null) {
    if (Date.now() > end) {
      throw new Error("Cannot start serve in-process: no listening line in 15 s");
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (code !== null) throw new Error(`serve exited ${code}: ${run.stderr()}`);
  return {
    port: Number(listening()![1]),
    stdout: run.stdout,
    stderr: run.stderr,
    async stop(signal: SignalName = "SIGTERM") {
      run.signal(signal);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("serve did not stop in 10 s")), 10_000);
      });
      try {
        return (await Promise.race([run.done, late])).code;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
