/**
 * `tcpecho connect --count` (timed round trips) and `--clients` (load mode).
 * @module
 */
import { TcpechoError } from "../lib/errors.ts";
import type { NetApi } from "../lib/runtime/net/mod.ts";
import type { CommandContext } from "./cli.ts";

/** Where connect goes. */
export interface Target {
  host: string;
  port: number;
  timeoutMs?: number;
  /** host:port for messages. */
  where: string;
}

/** Options of the two modes, as parsed. */
export interface ModeArgs {
  count?: string;
  interval?: string;
  size?: string;
  clients?: string;
  duration?: string;
}

/** --count mode. */
export function runCountMode(
  _net: NetApi,
  _ctx: CommandContext,
  _t: Target,
  _args: ModeArgs,
): Promise<number> {
  return Promise.reject(
    new TcpechoError("Cannot run --count: not built yet", { code: "ENOTBUILT" }),
  );
}

/** --clients mode. */
export function runLoadMode(
  _net: NetApi,
  _ctx: CommandContext,
  _t: Target,
  _args: ModeArgs,
): Promise<number> {
  return Promise.reject(
    new TcpechoError("Cannot run --clients: not built yet", { code: "ENOTBUILT" }),
  );
}
