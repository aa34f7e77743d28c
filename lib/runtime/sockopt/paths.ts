/**
 * Where libc is looked for (glibc first, then musl, then the dev symlink).
 * @module
 */

/** Library names tried in order by both adapters. */
export const LIBC_CANDIDATES: readonly string[] = [
  "libc.so.6",
  "libc.musl-x86_64.so.1",
  "libc.musl-aarch64.so.1",
  "libc.so",
];
