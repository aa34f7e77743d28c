/**
 * The connection a hand-read judgement of a wild capture is about
 * (tests/fixtures/wild/*.tsv): found by its endpoints, the id telling apart
 * connections on the same 4-tuple; each capture explained once.
 * @module
 */
import { explainBytes } from "./explain_run.ts";
import { join } from "./path.ts";
import type { ConnectionReport } from "../../lib/report/json.ts";

/** What a judgement row names. */
export interface JudgedRow {
  file: string;
  conn: number;
  client: string;
  server: string;
}

const ep = (e: { addr: string; port: number }) =>
  e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;

/**
 * The judged connection, or undefined when the capture has none between
 * those endpoints; `cache` keeps each capture's connections.
 *
 * @example
 * ```ts
 * const c = await judgedConnection(new Map(), WILD, { file, conn: 2, client, server });
 * ```
 */
export async function judgedConnection(
  cache: Map<string, ConnectionReport[]>,
  wild: string,
  j: JudgedRow,
): Promise<ConnectionReport | undefined> {
  let conns = cache.get(j.file);
  if (!conns) {
    conns = await explainBytes(join(wild, j.file));
    cache.set(j.file, conns);
  }
  const same = conns.filter((c) => ep(c.client) === j.client && ep(c.server) === j.server);
  return same.find((x) => x.id === j.conn) ?? same[0];
}
