/**
 * Helpers shared by the command files: strict option checking on top of
 * citty (which accepts unknown options silently), typed value parsing that
 * turns bad values into usage errors, and the context every command gets.
 * @module
 */
import type { ArgsDef } from "citty";
import { usageError } from "../lib/errors.ts";
import type { Runtime } from "../lib/runtime/mod.ts";

/** What every command's `run` receives besides its parsed options. */
export interface CommandContext {
  /** The host runtime. */
  rt: Runtime;
  /** Whether stdout may be coloured (a TTY, no NO_COLOR, no --no-color). */
  color: boolean;
  /** Whether stderr may be coloured. */
  colorErr: boolean;
}

/** Options every command accepts (handled by main.ts). */
export const GLOBAL_FLAGS = new Set(["help", "h", "version", "v", "no-color", "color"]);

function names(argsDef: ArgsDef): { bool: Set<string>; value: Set<string> } {
  const bool = new Set<string>();
  const value = new Set<string>();
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    const set = def.type === "boolean" ? bool : value;
    set.add(name);
    const aliases = "alias" in def ? def.alias : undefined;
    for (const a of Array.isArray(aliases) ? aliases : aliases ? [aliases] : []) set.add(a);
  }
  return { bool, value };
}

/**
 * Rejects options the command does not define and value options given without
 * a value. Throws a usage error (exit 2) naming the option and the help command.
 *
 * @example
 * ```ts
 * checkOptions(["--port", "9877", "--frob"], { port: { type: "string" } }, "serve");
 * // throws: Unknown option --frob
 * ```
 */
export function checkOptions(rawArgs: string[], argsDef: ArgsDef, command: string): void {
  const { bool, value } = names(argsDef);
  const hint = `run 'tcpecho ${command} --help' for the options`;
  for (let i = 0; i < rawArgs.length; i++) {
    const tok = rawArgs[i];
    if (tok === "--") break;
    if (!tok.startsWith("-") || tok === "-" || /^-\d/.test(tok)) continue;
    const long = tok.startsWith("--");
    const body = tok.slice(long ? 2 : 1);
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    if (!long && name.length > 1 && eq < 0 && [...name].every((c) => bool.has(c))) continue;
    if (GLOBAL_FLAGS.has(name)) continue;
    if (bool.has(name) || (name.startsWith("no-") && bool.has(name.slice(3)))) {
      if (eq >= 0 && !/^(true|false)$/.test(body.slice(eq + 1))) {
        throw usageError(`Option ${tok.slice(0, long ? 2 : 1)}${name} takes no value`, hint);
      }
      continue;
    }
    if (value.has(name)) {
      if (eq < 0) {
        const next = rawArgs[i + 1];
        if (next === undefined || (next.startsWith("--") && next.length > 2)) {
          throw usageError(`Option ${long ? "--" : "-"}${name} needs a value`, hint);
        }
        i++;
      }
      continue;
    }
    throw usageError(`Unknown option ${long ? "--" : "-"}${name}`, hint);
  }
}

/**
 * Every value given for a repeatable option, in order (`--host a --host b`).
 *
 * @example
 * ```ts
 * allValues(["--host", "::1", "--host=127.0.0.1"], "host"); // ["::1", "127.0.0.1"]
 * ```
 */
export function allValues(rawArgs: string[], name: string, alias?: string): string[] {
  const out: string[] = [];
  const flags = [`--${name}`, ...(alias ? [`-${alias}`] : [])];
  for (let i = 0; i < rawArgs.length; i++) {
    const tok = rawArgs[i];
    if (tok === "--") break;
    for (const f of flags) {
      if (tok === f && i + 1 < rawArgs.length) out.push(rawArgs[++i]);
      else if (tok.startsWith(f + "=")) out.push(tok.slice(f.length + 1));
    }
  }
  return out;
}

/** Bounds for {@link numberOption}. */
export interface NumberBounds {
  min?: number;
  max?: number;
  integer?: boolean;
}

/**
 * Parses a numeric option; a bad value is a usage error naming the option and the value.
 *
 * @example
 * ```ts
 * numberOption("9877", "port", { min: 0, max: 65535, integer: true }); // 9877
 * ```
 */
export function numberOption(
  raw: string | undefined,
  option: string,
  bounds: NumberBounds = {},
): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  const { min = -Infinity, max = Infinity, integer = false } = bounds;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    const kind = integer ? "an integer" : "a number";
    const range = Number.isFinite(min) && Number.isFinite(max)
      ? ` from ${min} to ${max}`
      : Number.isFinite(min)
      ? ` of at least ${min}`
      : "";
    throw usageError(`Invalid value for --${option}: '${raw}' (expected ${kind}${range})`);
  }
  return n;
}
