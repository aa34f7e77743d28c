/**
 * The small interface through which tcpecho touches its host runtime.
 *
 * Only files under `lib/runtime/` may use `Deno.*` or `Bun.*`; everything else
 * receives a {@link Runtime}. Feature areas that need more of the runtime
 * (sockets, processes, FFI) live in their own folders under `lib/runtime/`
 * with the same pattern: a `types.ts`, a `deno.ts`, a `bun.ts` and a `mod.ts`
 * that picks one by feature detection and imports it dynamically.
 *
 * @module
 */
import type { ByteSource } from "../capture/types.ts";

/** A pull reader: fills the caller's buffer, so the caller owns chunk size and reuse. */
/**
 * A file or stdin: the capture layer's one reader interface ({@link ByteSource}:
 * `read(into)` resolving to the count read, or null at the end) plus close.
 */
export interface ByteReader extends ByteSource {
  /** Releases the underlying file or stream. Safe to call twice. */
  close(): void;
}

/**
 * A permission the runtime refused (Deno's `NotCapable`): the flag to add and
 * what was asked for, e.g. `{ flag: "--allow-write", target: "report.html" }`.
 */
export interface MissingPermission {
  /** The command-line flag that grants it, e.g. "--allow-net". */
  flag: string;
  /** The kind of access: "read", "write", "net", "env", "run", "ffi", "sys". */
  access: string;
  /** The path, host:port or variable asked for, when the runtime said. */
  target?: string;
}

/** Signals the CLI handles. */
export type SignalName = "SIGINT" | "SIGTERM";

/** What {@link Runtime.statPath} tells of a path. */
export interface PathInfo {
  isFile: boolean;
  isDirectory: boolean;
  /** Bytes (files). */
  size: number;
}

/** What the core of tcpecho needs from Deno or Bun. */
export interface Runtime {
  /** "deno" or "bun". */
  readonly name: "deno" | "bun";
  /** The runtime's own version string, e.g. "2.9.6". */
  readonly version: string;
  /** Command-line arguments after the script (or binary) name. */
  args(): string[];
  /** An environment variable, or undefined (also when env access is not permitted). */
  env(name: string): string | undefined;
  /** Ends the process with a code. Only cmd/main.ts calls this. */
  exit(code: number): never;
  /** Whether fd 0/1/2 is a terminal. */
  isTerminal(fd: 0 | 1 | 2): boolean;
  /**
   * Writes all bytes (or a string, UTF-8) to stdout; resolves once they are
   * written (or copied), so the caller may then reuse the bytes' buffer.
   */
  writeStdout(data: Uint8Array | string): Promise<void>;
  /**
   * {@link writeStdout} for batch output (explain's report), where nothing
   * else waits to run: the bytes are written from this thread, blocking it
   * while stdout is full, with no hop to an I/O thread and no promise per
   * write (on the 2.4M-packet benchmark capture Deno's async writes left its
   * main thread idle for 0.3 s of 3.1; Bun's stream writes from the calling
   * thread already, and its batch writer is {@link writeStdout}). Deno, on a
   * non-blocking stdout that fills up (EAGAIN), rejects as its
   * {@link writeStdout} does (its writes may have written part of the bytes
   * when they throw, so the rest is not known).
   */
  writeStdoutBatch(data: Uint8Array | string): Promise<void>;
  /** Writes all bytes (or a string, UTF-8) to stderr. */
  writeStderr(data: Uint8Array | string): Promise<void>;
  /** Opens a file for streaming reads. Rejects with the runtime's error (code ENOENT, EACCES …). */
  openFile(path: string): Promise<ByteReader>;
  /** A pull reader over standard input. */
  stdin(): ByteReader;
  /** Reads a whole (small) file. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Reads a small text file if that is allowed without asking (Deno: read
   * permission already granted, no prompt); undefined if not allowed or absent.
   */
  readTextIfAllowed(path: string): string | undefined;
  /** Writes a whole file, creating or truncating it. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /**
   * What a path is (symbolic links followed), or undefined when it cannot be
   * looked at (absent, no permission). Synchronous: a few per command.
   */
  statPath(path: string): PathInfo | undefined;
  /** The names in a folder (not sorted). Throws the runtime's error (ENOENT …). */
  readDirNames(path: string): string[];
  /** Registers a signal handler; returns a function that removes it. */
  onSignal(signal: SignalName, handler: () => void): () => void;
  /**
   * The permission behind an error, if the error (or one of its causes) is the
   * runtime refusing access (Deno without the `--allow-*` flag); otherwise
   * undefined. Bun has no permissions and always answers undefined.
   */
  missingPermission(error: unknown): MissingPermission | undefined;
}
