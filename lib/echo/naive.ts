/**
 * The book's naive str_cli (UNP §5.5 tcpcli01), for reproducing §5.12 and
 * §5.13, not for use: read a line from stdin, write it, then block reading the
 * echo (as many bytes as the line). The socket is never watched while stdin is awaited, so a server
 * FIN that arrives meanwhile goes unnoticed: the next line is written anyway
 * (the server's kernel answers RST) and only the read that follows sees the
 * FIN ("server terminated prematurely"). With `splitMs` each line goes out as
 * two writes, its first byte and, `splitMs` later, the rest (the book's
 * str_cli11, §5.13): after a FIN the first write draws the RST and the second
 * meets it (EPIPE; the book's client dies of SIGPIPE). Runtime-free.
 * @module
 */
import type { Conn, NetError } from "../runtime/net/mod.ts";
import type { ClientIo, ClientResult } from "./client.ts";
import { netFailure, prematureFin } from "./errors.ts";

/** Options of the naive client. */
export interface NaiveOptions {
  /** Write each line as its first byte, then the rest this many ms later (§5.13). */
  splitMs?: number;
}

const NL = 0x0a;

/** Reads lines, or a byte count, from a chunk source (keeps what follows). */
class LineReader {
  #buf = new Uint8Array(0);
  #eof = false;

  constructor(private readonly next: () => Promise<Uint8Array | null>) {}

  /** The next line with its newline; a last line without one; null at end. */
  async line(): Promise<Uint8Array | null> {
    for (;;) {
      const at = this.#buf.indexOf(NL);
      if (at >= 0) return this.#take(at + 1);
      if (this.#eof) return this.#buf.length > 0 ? this.#take(this.#buf.length) : null;
      const chunk = await this.next();
      if (chunk === null) this.#eof = true;
      else this.#append(chunk);
    }
  }

  /** Exactly `n` bytes (the echo of an `n`-byte line); null if the source ends first. */
  async exactly(n: number): Promise<Uint8Array | null> {
    while (this.#buf.length < n) {
      if (this.#eof) return null;
      const chunk = await this.next();
      if (chunk === null) this.#eof = true;
      else this.#append(chunk);
    }
    return this.#take(n);
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }

  #append(chunk: Uint8Array): void {
    const b = new Uint8Array(this.#buf.length + chunk.length);
    b.set(this.#buf);
    b.set(chunk, this.#buf.length);
    this.#buf = b;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Line by line: stdin line, write, blocking read of the echo line, print.
 * Resolves at stdin EOF (after the last echo); rejects with a TcpechoError:
 * premature FIN (exit 3, §5.12), ECONNRESET on the read or EPIPE on a write
 * after the RST (exit 4, §5.13), or whatever the runtime reported.
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * import { getRuntime } from "../runtime/mod.ts";
 * const net = await getNet(), rt = await getRuntime();
 * const conn = await net.connect({ host: "127.0.0.1", port: 9877 });
 * await naiveStrCli(conn, { stdin: net.stdin(), writeStdout: rt.writeStdout }, "host:9877");
 * ```
 */
export async function naiveStrCli(
  conn: Conn,
  io: ClientIo,
  where: string,
  opts: NaiveOptions = {},
): Promise<ClientResult> {
  const stdin = new LineReader(() => io.stdin.read());
  const sock = new LineReader(() => conn.read());
  let sent = 0;
  let received = 0;
  const fail = (e: unknown) => {
    const ne = e as NetError;
    return ne?.name === "NetError" ? netFailure(ne, where, "data") : e;
  };
  for (;;) {
    const line = await stdin.line();
    if (line === null) break;
    try {
      await writeLine(conn, line, opts.splitMs);
      sent += line.length;
    } catch (e) {
      throw fail(e);
    }
    let echo: Uint8Array | null;
    try {
      echo = await sock.exactly(line.length);
    } catch (e) {
      throw fail(e);
    }
    if (echo === null) throw prematureFin(sent - received, true);
    received += echo.length;
    await io.writeStdout(echo);
  }
  conn.close();
  return { sent, received };
}

async function writeLine(conn: Conn, line: Uint8Array, splitMs?: number): Promise<void> {
  if (splitMs === undefined || line.length < 2) return await conn.write(line);
  await conn.write(line.subarray(0, 1));
  await sleep(splitMs);
  await conn.write(line.subarray(1));
}
