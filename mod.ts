/**
 * tcpecho's public library API: capture reading, TCP analysis and the book's
 * scenario verdicts, usable without the CLI. Re-exports only; no logic here.
 *
 * @example
 * ```ts
 * import { TcpechoError, ExitCode } from "./mod.ts";
 * console.log(ExitCode.refused); // 5
 * ```
 * @module
 */
export { ExitCode, TcpechoError, usageError } from "./lib/errors.ts";
export type { ExitCodeValue, TcpechoErrorOptions } from "./lib/errors.ts";
