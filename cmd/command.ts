/**
 * The shape of one tcpecho subcommand: citty metadata and options for parsing
 * and help, plus a `run` that returns the exit code (only main.ts exits).
 * @module
 */
import type { ArgsDef, CommandMeta, ParsedArgs } from "citty";
import type { CommandContext } from "./cli.ts";

/** One subcommand. */
export interface TcpechoCommand<T extends ArgsDef = ArgsDef> {
  meta: CommandMeta & { name: string; description: string };
  args: T;
  /** Extra help text printed after the options (examples, notes). */
  notes?: string;
  run(args: ParsedArgs<T>, ctx: CommandContext, rawArgs: string[]): Promise<number>;
}

/**
 * Declares a command with typed options.
 *
 * @example
 * ```ts
 * export const hello = defineTcpechoCommand({
 *   meta: { name: "hello", description: "say hello" },
 *   args: { name: { type: "string", default: "world" } },
 *   async run(args, ctx) { await ctx.rt.writeStdout(`hello ${args.name}\n`); return 0; },
 * });
 * ```
 */
export function defineTcpechoCommand<const T extends ArgsDef>(
  cmd: TcpechoCommand<T>,
): TcpechoCommand<T> {
  return cmd;
}
