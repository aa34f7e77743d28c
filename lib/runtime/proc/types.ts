/**
 * What the lab needs to run other programs: child processes with bounded
 * waits and signals, the argv that runs tcpecho itself under the same runtime
 * (script or compiled binary), and whether this process is root.
 *
 * Both runtimes implement node:child_process; it was measured to behave the
 * same here for what {@link Proc} uses (pipes, exit code or signal, ENOENT as
 * an error), with two Deno differences that {@link Proc} hides: Deno's
 * `ChildProcess.kill()` sends nothing after its first successful call (so
 * signals go through `process.kill(pid)`), and Deno reports a child stopped
 * by SIGSTOP as exited (so the lab never stops a child). A third, not hidden:
 * a Deno parent reports a child it signalled as ended by that signal even when
 * the child caught it and exited with a code; the lab only signals children
 * it kills.
 * @module
 */

/** How a child process ended. */
export interface ProcExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it (e.g. "SIGKILL"), or null. */
  signal: string | null;
}

/** Options for {@link ProcApi.spawn}. */
export interface SpawnOptions {
  /** Extra environment variables (merged over this process's environment). */
  env?: Record<string, string>;
  /** Working directory (default: this process's). */
  cwd?: string;
  /** Whether to give the child a pipe on stdin (default true). */
  stdin?: boolean;
}

/** A running child process. */
export interface Proc {
  /** Its process id. */
  readonly pid: number;
  /** The argv it was started with. */
  readonly argv: readonly string[];
  /** Everything it has written to stdout so far (UTF-8). */
  stdout(): string;
  /** Everything it has written to stderr so far (UTF-8). */
  stderr(): string;
  /** Writes to its stdin (no-op when stdin is closed or not a pipe). */
  write(data: string): void;
  /** Closes its stdin (EOF for the child). */
  closeStdin(): void;
  /** Sends a signal; false if it has already exited. */
  kill(signal: "SIGINT" | "SIGTERM" | "SIGKILL"): boolean;
  /** Resolves when it has ended (or failed to start: code 127). */
  readonly exited: Promise<ProcExit>;
  /** How it ended, or undefined while it runs. */
  exit(): ProcExit | undefined;
}

/** Result of {@link ProcApi.run}. */
export interface RunResult extends ProcExit {
  stdout: string;
  stderr: string;
  /** True when it was killed because it ran past the timeout. */
  timedOut: boolean;
}

/** The process API. */
export interface ProcApi {
  /** Starts a child process with pipes on stdout and stderr. */
  spawn(argv: string[], opts?: SpawnOptions): Proc;
  /** Runs a short command to completion, killed (SIGKILL) after `timeoutMs`. */
  run(argv: string[], timeoutMs: number): RunResult;
  /** The argv that runs this tcpecho (script under its runtime, or the compiled binary). */
  selfCommand(): string[];
  /** Whether this process runs as root (uid 0). */
  isRoot(): boolean;
  /** Runtime permissions the lab needs but lacks, as flags (Deno: "--allow-run" …; Bun: none). */
  missingPermissions(): string[];
}
