/**
 * `connect --udp`: the RFC 862 UDP echo client, stop-and-wait like the book's
 * dg_cli (UNP §8.6): send one datagram, wait up to the timeout for its echo,
 * count it lost otherwise, then send the next. A late echo of an earlier
 * datagram is counted `late`, never taken for the current one. On a connected
 * socket an ICMP port unreachable comes back as ECONNREFUSED (UNP §8.9, §8.11):
 * "no UDP echo service", exit 5.
 * @module
 */
import { ExitCode, TcpechoError } from "../errors.ts";
import type { NetError, UdpClient } from "../runtime/net/mod.ts";
import { netFailure } from "./errors.ts";
import { RttSamples, type RttSummary } from "./stats.ts";

/** Largest UDP payload over IPv4 (65535 − 8 − 20); longer lines go in several datagrams. */
export const MAX_DATAGRAM = 65507;

/** What happened to one datagram. */
export interface UdpReply {
  seq: number;
  bytes: number;
  /** The echo, or null when it was lost. */
  echo: Uint8Array | null;
  /** Round trip in ms (the wait, when lost). */
  ms: number;
}

/** The outcome of a UDP echo run. */
export interface UdpReport {
  sent: number;
  received: number;
  lost: number;
  /** Echoes that came after their datagram was counted lost (or unexpected datagrams). */
  late: number;
  bytesSent: number;
  bytesReceived: number;
  rtt: RttSummary;
}

/**
 * Message `seq` for --count: its sequence number, letters, a newline last, so
 * every datagram differs and a late echo is never taken for a new one.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(udpMessage(7, 8)); // "7 jklmn\n"
 * ```
 */
export function udpMessage(seq: number, size: number): Uint8Array {
  const m = new Uint8Array(size);
  const head = new TextEncoder().encode(`${seq} `);
  const n = head.length < size ? head.length : 0;
  m.set(head.subarray(0, n));
  for (let i = n; i < size - 1; i++) m[i] = 97 + ((seq + i) % 26);
  m[size - 1] = 0x0a;
  return m;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The CLI error for a UDP socket failure: ECONNREFUSED is the ICMP port
 * unreachable of a host with no UDP echo service (exit 5); the rest as for TCP.
 *
 * @example
 * ```ts
 * import { NetError } from "../runtime/net/mod.ts";
 * const e = new NetError("ECONNREFUSED", "read", "read failed: ECONNREFUSED");
 * udpFailure(e, "127.0.0.1:9").message;
 * // "Cannot reach UDP echo at 127.0.0.1:9: no UDP echo service (ICMP port unreachable) (UNP §8.9)"
 * ```
 */
export function udpFailure(e: NetError, where: string): TcpechoError {
  if (e.code === "ECONNREFUSED") {
    return new TcpechoError(
      `Cannot reach UDP echo at ${where}: no UDP echo service (ICMP port unreachable) (UNP §8.9)`,
      {
        code: "ECONNREFUSED",
        exitCode: ExitCode.refused,
        hint: "start one with 'tcpecho serve --udp'",
        cause: e,
      },
    );
  }
  return netFailure(e, where, "data");
}

/** Counts and times the datagrams of one run. */
export class UdpEchoer {
  #rtt = new RttSamples();
  #r = { sent: 0, received: 0, lost: 0, late: 0, bytesSent: 0, bytesReceived: 0 };

  constructor(
    private readonly sock: UdpClient,
    private readonly timeoutMs: number,
    private readonly where: string,
  ) {}

  /** Counts so far (also after a failure). */
  report(): UdpReport {
    return { ...this.#r, rtt: this.#rtt.summary() };
  }

  /**
   * Sends `data` as datagram `seq` and waits for its echo. Resolves to the
   * reply (echo null when lost); rejects with the CLI error (ICMP: exit 5).
   */
  async echo(seq: number, data: Uint8Array): Promise<UdpReply> {
    const start = performance.now();
    const end = start + this.timeoutMs;
    try {
      this.#r.sent++;
      this.#r.bytesSent += data.length;
      await this.sock.send(data);
      for (;;) {
        const left = end - performance.now();
        const got = left > 0 ? await this.sock.receive(left) : null;
        const ms = performance.now() - start;
        if (got === null) {
          this.#r.lost++;
          return { seq, bytes: data.length, echo: null, ms };
        }
        this.#r.bytesReceived += got.length;
        if (!same(got, data)) {
          this.#r.late++;
          continue;
        }
        this.#r.received++;
        this.#rtt.add(ms);
        return { seq, bytes: data.length, echo: got, ms };
      }
    } catch (e) {
      const ne = e as NetError;
      throw ne?.name === "NetError" ? udpFailure(ne, this.where) : e;
    }
  }
}

/**
 * Splits stdin chunks into lines (newline kept), each at most
 * {@link MAX_DATAGRAM} bytes; `flush` returns the last partial line at EOF.
 *
 * @example
 * ```ts
 * const s = new LineSplitter();
 * s.push(new TextEncoder().encode("a\nb")); // [ "a\n" ]
 * s.flush();                                 // "b"
 * ```
 */
export class LineSplitter {
  #pending: Uint8Array = new Uint8Array(0);

  /** Complete lines in `chunk` (joined with what was pending). */
  push(chunk: Uint8Array): Uint8Array[] {
    const all = new Uint8Array(this.#pending.length + chunk.length);
    all.set(this.#pending);
    all.set(chunk, this.#pending.length);
    const out: Uint8Array[] = [];
    let from = 0;
    for (;;) {
      const nl = all.indexOf(0x0a, from);
      const stop = nl < 0 ? -1 : nl + 1;
      if (stop < 0 && all.length - from < MAX_DATAGRAM) break;
      const to = stop < 0 || stop - from > MAX_DATAGRAM ? from + MAX_DATAGRAM : stop;
      out.push(all.slice(from, to));
      from = to;
    }
    this.#pending = all.slice(from);
    return out;
  }

  /** The last line without a newline, or null. */
  flush(): Uint8Array | null {
    const p = this.#pending;
    this.#pending = new Uint8Array(0);
    return p.length ? p : null;
  }
}
