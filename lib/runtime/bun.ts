/**
 * The Bun implementation of {@link Runtime}. Bun implements node:fs and
 * node:process natively, so file and stdio access goes through them; `Bun.*`
 * is used where it is the better API.
 * @module
 */
import { readSync } from "node:fs";
import { open, readFile, writeFile } from "node:fs/promises";
import process from "node:process";
import { isatty } from "node:tty";
import type { ByteReader, Runtime, SignalName } from "./types.ts";

/** The part of the `Bun` global this file uses (Deno type-checks this file too). */
const BunGlobal = (globalThis as unknown as { Bun: { version: string } }).Bun;

function writeAll(fd: 1 | 2, data: Uint8Array | string): Promise<void> {
  const stream = fd === 1 ? process.stdout : process.stderr;
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** Reads stdin by blocking reads on fd 0 in small bursts; EAGAIN means "try later". */
function stdinReader(): ByteReader {
  let done = false;
  return {
    async read(into) {
      while (!done) {
        try {
          const n = readSync(0, into, 0, into.length, null);
          if (n === 0) {
            done = true;
            return null;
          }
          return n;
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === "EAGAIN") {
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          if (code === "EOF") {
            done = true;
            return null;
          }
          throw e;
        }
      }
      return null;
    },
    close() {
      done = true;
    },
  };
}

/** The runtime object for Bun. */
export const runtime: Runtime = {
  name: "bun",
  version: BunGlobal.version,
  args: () => process.argv.slice(2),
  env: (name) => process.env[name],
  exit: (code) => process.exit(code),
  isTerminal: (fd) => isatty(fd),
  writeStdout: (data) => writeAll(1, data),
  writeStderr: (data) => writeAll(2, data),
  async openFile(path) {
    const handle = await open(path, "r");
    let closed = false;
    return {
      async read(into) {
        if (closed) return null;
        const { bytesRead } = await handle.read(into, 0, into.length, null);
        return bytesRead === 0 ? null : bytesRead;
      },
      close() {
        if (closed) return;
        closed = true;
        handle.close().catch(() => {});
      },
    };
  },
  stdin: stdinReader,
  async readFile(path) {
    return new Uint8Array(await readFile(path));
  },
  writeFile: (path, data) => writeFile(path, data),
  onSignal(signal: SignalName, handler) {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
};
