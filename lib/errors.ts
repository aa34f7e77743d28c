/**
 * tcpecho's error type and the exit-code contract of docs/design.md.
 * @module
 */

/** Exit codes shared by every command (docs/design.md). */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  /** Peer closed early: FIN before the client finished (§6.7 rule). */
  peerClosed: 3,
  /** Reset (RST). */
  reset: 4,
  /** Connection refused. */
  refused: 5,
  /** Timed out. */
  timedOut: 6,
  /** Host or network unreachable. */
  unreachable: 7,
} as const;

/** One of the exit codes in {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Options for {@link TcpechoError}. */
export interface TcpechoErrorOptions {
  /** A short machine-readable code: an errno name (ECONNRESET) or a tcpecho code (EUSAGE, ECAPTURE). */
  code: string;
  /** One sentence on what to do next, shown after the message. */
  hint?: string;
  /** The process exit code for this failure. Defaults to 1. */
  exitCode?: ExitCodeValue;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * An error that the CLI reports as one line, without a stack trace.
 *
 * @example
 * ```ts
 * throw new TcpechoError("Cannot read capture: bad magic 0x12345678 at offset 0", {
 *   code: "ECAPTURE",
 *   hint: "is this a pcap or pcapng file?",
 * });
 * ```
 */
export class TcpechoError extends Error {
  /** Machine-readable code. */
  readonly code: string;
  /** Suggested next step, if any. */
  readonly hint?: string;
  /** Process exit code. */
  readonly exitCode: ExitCodeValue;

  constructor(message: string, options: TcpechoErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TcpechoError";
    this.code = options.code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.error;
  }
}

/**
 * A usage error: exit code 2.
 *
 * @example
 * ```ts
 * throw usageError("Unknown option --frobnicate", "run 'tcpecho explain --help'");
 * ```
 */
export function usageError(message: string, hint?: string): TcpechoError {
  return new TcpechoError(message, { code: "EUSAGE", hint, exitCode: ExitCode.usage });
}
