/**
 * The shape of one tcpecho subcommand: citty metadata and options for parsing
 * and help, plus a `run` that returns the exit code (only main.ts exits).
 * @module
 */
import type { ArgsDef, CommandMeta, ParsedArgs } from "citty";
import { parseArgsLoose } from "./parse_args.ts";
import { usageError } from "../lib/errors.ts";
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

/** `close-after` -> `closeAfter`. */
function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `closeAfter` -> `close-after`. */
function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Parses a command's arguments by its option table, with citty's rules
 * (node:util parseArgs's loose rules, cmd/parse_args.ts; `--no-X` sets X false; aliases and the
 * camelCase/kebab-case spellings all read the same value; defaults; positionals
 * in order; an enum value must be one of its options). Written here rather
 * than imported from citty because citty reads the environment when it loads,
 * which under Deno needs --allow-env for every command. Bad input throws a
 * usage error (exit 2).
 *
 * @example
 * ```ts
 * const a = parseCommandArgs(["x.pcap", "-o", "r.html"], {
 *   file: { type: "positional" },
 *   output: { type: "string", alias: "o" },
 * });
 * // a.file === "x.pcap", a.output === "r.html", a.o === "r.html"
 * ```
 */
export function parseCommandArgs<T extends ArgsDef>(
  rawArgs: string[],
  argsDef: T,
  command = "",
): ParsedArgs<T> {
  const hint = command ? `run 'tcpecho ${command} --help'` : undefined;
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; default?: string | boolean }
  > = {};
  const spellings = new Map<string, string[]>(); // main name -> every name it is read under
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    const type = def.type === "boolean" ? "boolean" : "string";
    const aliases = "alias" in def && def.alias !== undefined
      ? (Array.isArray(def.alias) ? def.alias : [def.alias])
      : [];
    const names = [...new Set([name, camelCase(name), kebabCase(name), ...aliases])];
    spellings.set(name, names);
    for (const n of names) options[n] = { type };
    const short = aliases.find((a) => a.length === 1);
    if (short) options[name].short = short;
  }
  // node:util does not know --no-X: take those out first (not after "--").
  const negated = new Set<string>();
  const args: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i];
    if (a === "--") {
      args.push(...rawArgs.slice(i));
      break;
    }
    if (a.startsWith("--no-")) negated.add(a.slice(5));
    else args.push(a);
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    const r = parseArgsLoose(args, options);
    values = r.values;
    positionals = r.positionals;
  } catch {
    values = {};
    positionals = args;
  }
  const out: Record<string, unknown> = { _: positionals };
  for (const [key, value] of Object.entries(values)) {
    const v = Array.isArray(value) ? value[value.length - 1] : value;
    const type = options[key]?.type;
    out[key] = type === "boolean" && typeof v === "string"
      ? v !== "false"
      : type === "string" && typeof v === "boolean"
      ? ""
      : v;
  }
  for (const [name, names] of spellings) {
    let value: unknown = undefined;
    for (const n of names) if (negated.has(n)) value = false;
    for (const n of names) if (value === undefined && out[n] !== undefined) value = out[n];
    const def = argsDef[name] as { default?: unknown };
    if (value === undefined) value = def.default;
    for (const n of names) out[n] = value;
  }
  const rest = [...positionals];
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") {
      const next = rest.shift();
      if (next !== undefined) out[name] = next;
      else if (def.default === undefined && def.required !== false) {
        throw usageError(`Missing required argument ${name.toUpperCase()}`, hint);
      } else out[name] = def.default;
    } else if (def.type === "enum") {
      const v = out[name];
      const allowed = (def.options ?? []).map(String);
      if (v !== undefined && allowed.length > 0 && !allowed.includes(String(v))) {
        throw usageError(
          `Invalid value for --${name}: '${v}' (expected one of: ${allowed.join(", ")})`,
          hint,
        );
      }
    } else if (def.required && out[name] === undefined) {
      throw usageError(`Missing required option --${name}`, hint);
    }
  }
  return out as ParsedArgs<T>;
}
