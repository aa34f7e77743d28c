/**
 * The Deno implementation of {@link Runtime}.
 * @module
 */
import type { ByteReader, MissingPermission, Runtime, SignalName } from "./types.ts";

const encoder = new TextEncoder();

async function writeAll(w: { write(p: Uint8Array): Promise<number> }, data: Uint8Array | string) {
  let bytes = typeof data === "string" ? encoder.encode(data) : data;
  while (bytes.length > 0) bytes = bytes.subarray(await w.write(bytes));
}

function fileReader(file: Deno.FsFile | typeof Deno.stdin): ByteReader {
  let closed = false;
  return {
    async read(into) {
      if (closed) return null;
      // Files are read synchronously: an async read idles the main thread for
      // each 1 MiB chunk (~160 ms of a 1.5 s explain of 236 MB); nothing else
      // runs meanwhile. Stdin stays asynchronous (it may wait for a writer).
      return file === Deno.stdin ? await file.read(into) : file.readSync(into);
    },
    close() {
      if (closed) return;
      closed = true;
      if (file !== Deno.stdin) {
        try {
          file.close();
        } catch { /* already closed */ }
      }
    },
  };
}

/** The runtime object for Deno. */
export const runtime: Runtime = {
  name: "deno",
  version: Deno.version.deno,
  args: () => [...Deno.args],
  env(name) {
    // Asked first, so that a missing --allow-env never prompts or throws:
    // an unreadable variable reads as unset.
    try {
      if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        return undefined;
      }
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  },
  exit: (code) => Deno.exit(code),
  isTerminal(fd) {
    const s = fd === 0 ? Deno.stdin : fd === 1 ? Deno.stdout : Deno.stderr;
    return s.isTerminal();
  },
  writeStdout: (data) => writeAll(Deno.stdout, data),
  // A non-blocking stdout that fills up (WouldBlock, EAGAIN) fails the
  // write, as the async write does: Deno's writeSync may have written part
  // of the bytes before it throws, and says not how many, so a retry would
  // repeat them (measured: a report written twice over).
  writeStdoutBatch(data) {
    let bytes = typeof data === "string" ? encoder.encode(data) : data;
    try {
      while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
    } catch (e) {
      return Promise.reject(e);
    }
    return Promise.resolve();
  },
  writeStderr: (data) => writeAll(Deno.stderr, data),
  async openFile(path) {
    return fileReader(await Deno.open(path, { read: true }));
  },
  stdin: () => fileReader(Deno.stdin),
  readFile: (path) => Deno.readFile(path),
  readTextIfAllowed(path) {
    try {
      if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
      return Deno.readTextFileSync(path);
    } catch {
      return undefined;
    }
  },
  async writeFile(path, data) {
    if (typeof data === "string") await Deno.writeTextFile(path, data);
    else await Deno.writeFile(path, data);
  },
  // Deno's own calls: node:fs would load Deno's Node layer (about 60 ms of start-up).
  statPath(path) {
    try {
      const s = Deno.statSync(path);
      return { isFile: s.isFile, isDirectory: s.isDirectory, size: s.size };
    } catch {
      return undefined;
    }
  },
  readDirNames: (path) => Array.from(Deno.readDirSync(path), (e) => e.name),
  onSignal(signal: SignalName, handler) {
    Deno.addSignalListener(signal, handler);
    return () => Deno.removeSignalListener(signal, handler);
  },
  missingPermission,
};

/**
 * Finds Deno's refusal in an error or its causes (callers often wrap the
 * runtime's error: "Cannot write report ...", a NetError ...). Deno says
 * `Requires write access to "x.html", run again with the --allow-write flag`;
 * the kind and the target come from that text, which names the flag too.
 */
function missingPermission(error: unknown): MissingPermission | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++) {
    const err = e as {
      name?: string;
      message?: string;
      cause?: unknown;
      code?: string;
      syscall?: string;
      hostname?: string;
    };
    const message = typeof err.message === "string" ? err.message : "";
    // node:dns under Deno says only "getaddrinfo EPERM host" when net is not allowed.
    if (err.syscall === "getaddrinfo" && err.code === "EPERM" && typeof err.hostname === "string") {
      const state = Deno.permissions.querySync({ name: "net", host: err.hostname }).state;
      if (state !== "granted") return { flag: "--allow-net", access: "net", target: err.hostname };
    }
    const m = /Requires (\w+) access(?: to "?([^"]*?)"?)?(?:,|$)/.exec(message);
    if (m) {
      const flag = /--allow-[a-z-]+/.exec(message)?.[0] ?? `--allow-${m[1]}`;
      return { flag, access: m[1], target: m[2] || undefined };
    }
    e = err.cause;
  }
  return undefined;
}
