/**
 * The book's words for every socket failure: errno, one sentence of meaning,
 * the UNP section, and the docs/design.md exit code. `connect`, `serve` and `probe`
 * all report through here, so the same event reads the same everywhere.
 * @module
 */
import { ExitCode, type ExitCodeValue, TcpechoError } from "../errors.ts";
import { describeFdExhaustion, type NetError, type NetErrorCode } from "../runtime/net/mod.ts";

/** Meaning, section and exit code of one errno. */
export interface ErrnoInfo {
  /** One sentence: what the kernel saw. */
  meaning: string;
  /** docs/scenarios.md section, e.g. "5.15". */
  section: string;
  exitCode: ExitCodeValue;
}

const CONNECT_INFO: Partial<Record<NetErrorCode, ErrnoInfo>> = {
  ECONNREFUSED: {
    meaning: "connection refused: nothing listens on that port, the host answered the SYN with RST",
    section: "4.3",
    exitCode: ExitCode.refused,
  },
  ETIMEDOUT: {
    meaning: "connection timed out: no answer to the SYN and its retransmissions",
    section: "4.3",
    exitCode: ExitCode.timedOut,
  },
};

const INFO: Partial<Record<NetErrorCode, ErrnoInfo>> = {
  ECONNRESET: {
    meaning:
      "connection reset by peer: its TCP answered with RST (it aborted, or its host rebooted and forgot the connection)",
    section: "5.15",
    exitCode: ExitCode.reset,
  },
  EPIPE: {
    meaning: "broken pipe: wrote to a connection the peer had already reset",
    section: "5.13",
    exitCode: ExitCode.reset,
  },
  ETIMEDOUT: {
    meaning: "connection timed out: the peer stopped acknowledging (host crashed or path lost)",
    section: "5.14",
    exitCode: ExitCode.timedOut,
  },
  EHOSTUNREACH: {
    meaning: "no route to host: the host or a router says it cannot be reached (ICMP unreachable)",
    section: "5.14",
    exitCode: ExitCode.unreachable,
  },
  ENETUNREACH: {
    meaning: "network is unreachable: there is no route to that network",
    section: "5.14",
    exitCode: ExitCode.unreachable,
  },
  ECONNREFUSED: CONNECT_INFO.ECONNREFUSED,
};

/**
 * The meaning, section and exit code of an errno in a given phase, if known.
 *
 * @example
 * ```ts
 * errnoInfo("ECONNREFUSED", "connect")?.exitCode; // 5
 * ```
 */
export function errnoInfo(code: NetErrorCode, phase: "connect" | "data"): ErrnoInfo | undefined {
  return (phase === "connect" ? CONNECT_INFO[code] : undefined) ?? INFO[code];
}

/**
 * Turns a {@link NetError} into the one-line CLI error. `where` names the peer
 * ("127.0.0.1:9877"); `phase` tells a failed connect from a failure mid-connection.
 *
 * @example
 * ```ts
 * import type { NetError } from "../runtime/net/types.ts";
 * declare const err: NetError; // what net.connect rejected with
 * netFailure(err, "127.0.0.1:1", "connect").message;
 * // "Cannot connect to 127.0.0.1:1: ECONNREFUSED, connection refused: nothing listens … (UNP §4.3)"
 * ```
 */
export function netFailure(e: NetError, where: string, phase: "connect" | "data"): TcpechoError {
  const info = errnoInfo(e.code, phase);
  const head = phase === "connect" ? `Cannot connect to ${where}` : `Connection to ${where} failed`;
  if (info) {
    return new TcpechoError(`${head}: ${e.code}, ${info.meaning} (UNP §${info.section})`, {
      code: e.code,
      exitCode: info.exitCode,
      cause: e,
    });
  }
  if (e.code === "EMFILE" || e.code === "ENFILE") {
    return new TcpechoError(`${head}: ${describeFdExhaustion(e.code)}`, {
      code: e.code,
      hint: "raise the limit (ulimit -n), or open fewer connections",
      cause: e,
    });
  }
  if (e.code === "ENOTFOUND") {
    return new TcpechoError(`Cannot resolve '${where}': no such host name`, {
      code: "ENOTFOUND",
      cause: e,
    });
  }
  return new TcpechoError(`${head}: ${e.code} (${e.detail}): ${e.message}`, {
    code: e.code,
    cause: e,
  });
}

/**
 * The §6.7 str_cli rule: the server's FIN before the client finished.
 *
 * @example
 * ```ts
 * prematureFin(12, false).message;
 * // "server terminated prematurely: peer sent FIN with 12 bytes unechoed (UNP §5.12)"
 * ```
 */
export function prematureFin(unechoed: number, stdinOpen: boolean): TcpechoError {
  const what = unechoed > 0
    ? `peer sent FIN with ${unechoed} bytes unechoed`
    : `peer sent FIN while stdin was still open`;
  return new TcpechoError(`server terminated prematurely: ${what} (UNP §5.12)`, {
    code: "EPEERFIN",
    exitCode: ExitCode.peerClosed,
    hint: stdinOpen ? "the server closed first: was it killed or restarted?" : undefined,
  });
}
