/**
 * Errors of the capture layer: one line naming the byte offset and what was expected.
 * @module
 */
import { TcpechoError } from "../errors.ts";

/**
 * A corrupt-capture error (code ECAPTURE, exit 1).
 *
 * @example
 * ```ts
 * throw captureError("bad block length 7 at byte 24 (expected a multiple of 4, at least 12)");
 * ```
 */
export function captureError(why: string, hint?: string): TcpechoError {
  return new TcpechoError(`Cannot read capture: ${why}`, {
    code: "ECAPTURE",
    exitCode: 1,
    hint: hint ?? "the file is damaged or not a capture; check it with 'capinfos FILE'",
  });
}

/**
 * The first bytes of `buf` as spaced hex, for "not a capture" messages.
 *
 * @example
 * ```ts
 * hexPrefix(new Uint8Array([0x47, 0x45, 0x54]), 16); // "47 45 54"
 * ```
 */
export function hexPrefix(buf: Uint8Array, max: number): string {
  const n = Math.min(buf.length, max);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(buf[i].toString(16).padStart(2, "0"));
  return parts.join(" ");
}

/**
 * Printable ASCII rendering of the first bytes (others as "."), to recognise text files.
 *
 * @example
 * ```ts
 * asciiPrefix(new TextEncoder().encode("GET /\r\n"), 16); // "GET /.."
 * ```
 */
export function asciiPrefix(buf: Uint8Array, max: number): string {
  const n = Math.min(buf.length, max);
  let s = "";
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
  }
  return s;
}
