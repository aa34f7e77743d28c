/**
 * The book's str_cli done right (UNP §6.4, §6.6, §6.7): stdin and the socket
 * are read at the same time, so the server's FIN or RST is reported the moment
 * it arrives; stdin EOF half-closes (FIN) and echoes keep printing until the
 * server's FIN. Runtime-free: it gets a {@link Conn} and two I/O functions.
 * @module
 */
import type { Conn, NetError, StdinReader } from "../runtime/net/mod.ts";
import { TcpechoError } from "../errors.ts";
import { netFailure, prematureFin } from "./errors.ts";

/** Where the client reads and writes. */
export interface ClientIo {
  stdin: StdinReader;
  writeStdout(data: Uint8Array): Promise<void>;
  /** Called after stdin EOF, once our FIN is sent (connect --json). */
  onFinSent?(sent: number): void | Promise<void>;
  /** Called when the server's FIN arrives (connect --json). */
  onPeerFin?(received: number): void | Promise<void>;
  /** Kept up to date as bytes move, so the caller has the counts after a failure too. */
  counts?: ClientResult;
}

/** Byte counts of a finished session. */
export interface ClientResult {
  sent: number;
  received: number;
}

/**
 * Copies stdin to the connection and the connection to stdout until the
 * server's FIN after our own. Rejects with a TcpechoError: premature FIN
 * (exit 3, §6.7), ECONNRESET / EPIPE (exit 4), ETIMEDOUT (6), unreachable (7).
 *
 * @example
 * ```ts
 * import { getNet } from "../runtime/net/mod.ts";
 * import { getRuntime } from "../runtime/mod.ts";
 * const net = await getNet(), rt = await getRuntime();
 * const conn = await net.connect({ host: "127.0.0.1", port: 9877 });
 * const r = await strCli(conn, { stdin: net.stdin(), writeStdout: rt.writeStdout }, "host:9877");
 * ```
 */
export async function strCli(conn: Conn, io: ClientIo, where: string): Promise<ClientResult> {
  const counts = io.counts ?? { sent: 0, received: 0 };
  let stdinEof = false;
  const fail = (e: unknown) => {
    const ne = e as NetError;
    return ne?.name === "NetError" ? netFailure(ne, where, "data") : e;
  };
  const upstream = (async (): Promise<never> => {
    for (;;) {
      const chunk = await io.stdin.read();
      if (chunk === null) {
        stdinEof = true;
        await conn.closeWrite();
        await io.onFinSent?.(counts.sent);
        return new Promise<never>(() => {}); // done: only the socket side ends the session
      }
      if (chunk.length === 0) continue;
      counts.sent += chunk.length;
      await conn.write(chunk);
    }
  })();
  const downstream = (async (): Promise<void> => {
    for (;;) {
      const chunk = await conn.read();
      if (chunk === null) return await io.onPeerFin?.(counts.received);
      counts.received += chunk.length;
      try {
        await io.writeStdout(chunk);
      } catch (e) {
        throw stdoutFailure(e);
      }
    }
  })();
  try {
    await Promise.race([upstream, downstream]);
  } catch (e) {
    throw fail(e);
  } finally {
    upstream.catch(() => {});
    downstream.catch(() => {});
  }
  const { sent, received } = counts;
  // Closed before the error too: the FIN leaves now, not at process exit
  // (a --trace keeps the process alive while it captures the close).
  conn.close();
  if (!stdinEof || received < sent) throw prematureFin(sent - received, !stdinEof);
  return { sent, received };
}

/** Our own stdout failed (e.g. `| head` exited): not a network error. */
function stdoutFailure(e: unknown): TcpechoError {
  const code = (e as { code?: string })?.code;
  const name = (e as { name?: string })?.name;
  const epipe = code === "EPIPE" || name === "BrokenPipe";
  return new TcpechoError(
    epipe
      ? "Cannot write echoes to stdout: EPIPE, whatever reads our output has exited"
      : `Cannot write echoes to stdout: ${code ?? name ?? String(e)}`,
    { code: "ESTDOUT", cause: e },
  );
}
