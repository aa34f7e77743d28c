/**
 * What the end of a watched connection means, in the book's words, and the
 * docs/design.md exit code it maps to.
 * @module
 */
import { ExitCode, type ExitCodeValue } from "../errors.ts";

/** Why a watch ended. */
export type WatchCause =
  /** The peer's FIN: its process ended or closed the socket (UNP §5.12). */
  | "fin"
  /** The peer's RST: its host rebooted and forgot the connection, or it aborted (§5.15). */
  | "ECONNRESET"
  /** Keepalive probes unanswered (§5.14, §7.5), or the kernel gave up retransmitting. */
  | "ETIMEDOUT"
  /** ICMP host/network unreachable came back (§5.14). */
  | "EHOSTUNREACH"
  | "ENETUNREACH"
  /** A heartbeat's echo did not come back before its deadline (application level). */
  | "heartbeat-timeout"
  /** --duration elapsed with the connection still up. */
  | "duration"
  /** Ctrl-C (or SIGTERM) with the connection still up. */
  | "interrupted"
  /** Anything else: the runtime's errno name. */
  | string;

/** The meaning of a cause: one sentence, the book's section, and the exit code. */
export interface CauseMeaning {
  meaning: string;
  section?: string;
  exitCode: ExitCodeValue;
}

const MEANINGS: Record<string, CauseMeaning> = {
  fin: {
    meaning: "the peer closed the connection (FIN): its process ended or closed the socket",
    section: "5.12",
    exitCode: ExitCode.peerClosed,
  },
  ECONNRESET: {
    meaning: "the peer answered with RST: its host rebooted and forgot the connection, " +
      "or the peer aborted it",
    section: "5.15",
    exitCode: ExitCode.reset,
  },
  EPIPE: {
    meaning: "a write failed after the peer reset the connection",
    section: "5.13",
    exitCode: ExitCode.reset,
  },
  ETIMEDOUT: {
    meaning: "the peer stopped answering: no reply to the keepalive probes " +
      "(peer host down or the path is dead)",
    section: "7.5",
    exitCode: ExitCode.timedOut,
  },
  EHOSTUNREACH: {
    meaning: "an ICMP host-unreachable came back: the peer host is not reachable",
    section: "5.14",
    exitCode: ExitCode.unreachable,
  },
  ENETUNREACH: {
    meaning: "an ICMP network-unreachable came back: no route to the peer",
    section: "5.14",
    exitCode: ExitCode.unreachable,
  },
  "heartbeat-timeout": {
    meaning: "a heartbeat's echo did not come back before its deadline: the peer or the path " +
      "is not answering at the application level",
    exitCode: ExitCode.timedOut,
  },
  duration: { meaning: "watch time reached; the connection is still up", exitCode: ExitCode.ok },
  interrupted: { meaning: "interrupted; the connection was still up", exitCode: ExitCode.ok },
};

/**
 * The meaning and exit code of a watch's end.
 *
 * @example
 * ```ts
 * causeMeaning("ETIMEDOUT").exitCode; // 6
 * causeMeaning("fin").section;        // "5.12"
 * ```
 */
export function causeMeaning(cause: WatchCause): CauseMeaning {
  return MEANINGS[cause] ??
    { meaning: `the connection failed (${cause})`, exitCode: ExitCode.error };
}

/** The kernel's strerror text for the errnos a watch can end with (lower case, as Node prints it). */
const STRERROR: Record<string, string> = {
  ECONNRESET: "connection reset by peer",
  ETIMEDOUT: "connection timed out",
  EPIPE: "broken pipe",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
};

/**
 * The cause and the message of a failed read or write, the same on both
 * runtimes for the same event: for a known errno `"ETIMEDOUT: connection timed
 * out, read"` (errno name, strerror, operation), whatever the runtime said
 * (Deno says "Connection timed out (os error 110)", Bun "ETIMEDOUT: connection
 * timed out, read"); for anything else the runtime's own message.
 *
 * @example
 * ```ts
 * errorEnd({ code: "ETIMEDOUT", op: "read", message: "Connection timed out (os error 110)" });
 * // { cause: "ETIMEDOUT", message: "ETIMEDOUT: connection timed out, read" }
 * ```
 */
export function errorEnd(e: unknown): { cause: string; message?: string } {
  const err = e as { code?: string; op?: string; message?: string } | undefined;
  const cause = err?.code ?? "EOTHER";
  const text = STRERROR[cause];
  if (!text) return { cause, message: err?.message };
  return { cause, message: `${cause}: ${text}${err?.op ? `, ${err.op}` : ""}` };
}
