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

function names(argsDef: ArgsDef): {
  bool: Set<string>;
  value: Set<string>;
  canon: Map<string, string>;
  positionals: string[];
} {
  const bool = new Set<string>();
  const value = new Set<string>();
  const canon = new Map<string, string>();
  const positionals: string[] = [];
  for (const [name, def] of Object.entries(argsDef)) {
    if (def.type === "positional") {
      positionals.push(name);
      continue;
    }
    const set = def.type === "boolean" ? bool : value;
    set.add(name);
    canon.set(name, name);
    const aliases = "alias" in def ? def.alias : undefined;
    for (const a of Array.isArray(aliases) ? aliases : aliases ? [aliases] : []) {
      set.add(a);
      canon.set(a, name);
    }
  }
  return { bool, value, canon, positionals };
}

/** How the user spelled each option of the current command ("-W", "--timeout", "port"). */
const typed = new Map<string, string>();
let positionalsGiven = 0;

/** How many positional arguments the last {@link checkOptions} saw (defaults do not count). */
export function givenPositionals(): number {
  return positionalsGiven;
}

/**
 * The option as the user typed it, for messages: `-W` when they wrote `-W 5`,
 * `--timeout` when they wrote `--timeout=5`, the argument's name for a positional.
 *
 * @example
 * ```ts
 * import { probe } from "./probe.ts";
 * checkOptions(["-W", "0"], probe.args, "probe");
 * typedOption("timeout"); // "-W"
 * ```
 */
export function typedOption(option: string): string {
  return typed.get(option) ?? `--${option}`;
}

/**
 * Rejects options the command does not define, value options given without
 * a value, negative numbers where an argument belongs, and more arguments than
 * the command takes. Throws a usage error (exit 2) naming the token and the
 * help command. Remembers how each option was spelled (see {@link typedOption}).
 *
 * @example
 * ```ts
 * checkOptions(["--port", "9877", "--frob"], { port: { type: "string" } }, "serve");
 * // throws: Unknown option --frob
 * ```
 */
export function checkOptions(rawArgs: string[], argsDef: ArgsDef, command: string): void {
  const { bool, value, canon, positionals } = names(argsDef);
  const hint = `run 'tcpecho ${command} --help' for the options`;
  typed.clear();
  positionalsGiven = 0;
  let given = 0;
  // A last positional whose value hint ends in "..." takes any number (explain FILE...).
  const lastDef = positionals.length ? argsDef[positionals[positionals.length - 1]] : undefined;
  const variadic = lastDef !== undefined && "valueHint" in lastDef &&
    String(lastDef.valueHint ?? "").endsWith("...");
  const positional = (tok: string) => {
    if (variadic && given >= positionals.length) {
      positionalsGiven = ++given;
      return;
    }
    if (given >= positionals.length) {
      const takes = positionals.length === 0
        ? "it takes no arguments"
        : `it takes at most ${positionals.length} (${positionals.join(", ").toUpperCase()})`;
      throw usageError(`Unexpected argument '${tok}' for ${command}: ${takes}`, hint);
    }
    typed.set(positionals[given], positionals[given]);
    positionalsGiven = ++given;
  };
  for (let i = 0; i < rawArgs.length; i++) {
    const tok = rawArgs[i];
    if (tok === "--") {
      rawArgs.slice(i + 1).forEach(positional);
      break;
    }
    if (!tok.startsWith("-") || tok === "-") {
      positional(tok);
      continue;
    }
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
      typed.set(canon.get(name)!, `${long ? "--" : "-"}${name}`);
      if (eq < 0) {
        const next = rawArgs[i + 1];
        if (next === undefined || (next.startsWith("--") && next.length > 2)) {
          throw usageError(`Option ${long ? "--" : "-"}${name} needs a value`, hint);
        }
        i++;
      }
      continue;
    }
    if (/^-[\d.]/.test(tok)) {
      const what = positionals.length ? ` (${positionals.join(", ").toUpperCase()})` : "";
      throw usageError(
        `Invalid argument '${tok}': a negative number is not a valid argument${what}`,
        hint,
      );
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
 * The longest duration any option accepts, in seconds (one year). Timers
 * beyond 2^31-1 ms are chained (lib/runtime/timer.ts), so the bound is about
 * sense, not about the runtime.
 */
export const MAX_SECONDS = 365 * 86400;

/** {@link MAX_SECONDS} in milliseconds, for options given in ms. */
export const MAX_MS = MAX_SECONDS * 1000;

/** Plain decimal, optionally with a fraction and an exponent: no hex, octal, binary, Infinity. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Parses a numeric option (decimal only); a bad value is a usage error naming
 * the option as the user typed it, the value and the accepted range.
 *
 * @example
 * ```ts
 * numberOption("9877", "port", { min: 0, max: 65535, integer: true }); // 9877
 * numberOption("0x5222", "port", { min: 0, max: 65535, integer: true }); // throws (exit 2)
 * ```
 */
export function numberOption(
  raw: string | undefined,
  option: string,
  bounds: NumberBounds = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  const { min = -Infinity, max = Infinity, integer = false } = bounds;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    const kind = integer ? "an integer" : "a decimal number";
    const range = Number.isFinite(min) && Number.isFinite(max)
      ? ` from ${min} to ${max}`
      : Number.isFinite(min)
      ? ` of at least ${min}`
      : Number.isFinite(max)
      ? ` of at most ${max}`
      : "";
    throw usageError(
      `Invalid value for ${typedOption(option)}: '${raw}' (expected ${kind}${range})`,
    );
  }
  return n;
}

/**
 * A host and port from the command line: `HOST PORT`, or one argument
 * `[IPv6]:PORT` / `IPv4-or-name:PORT`. An empty host, a port given twice, or a
 * bracketed address without a port are usage errors. A bare IPv6 address
 * (`::1`) is a host, never split at its colons.
 *
 * @example
 * ```ts
 * hostPort("[::1]:21050", undefined, "9877"); // { host: "::1", port: 21050 }
 * hostPort("::1", "21050", "9877");            // { host: "::1", port: 21050 }
 * ```
 */
export function hostPort(
  hostArg: string | undefined,
  portArg: string | undefined,
  defaultPort: string,
  portBounds: NumberBounds = { integer: true, min: 1, max: 65535 },
): { host: string; port: number } {
  let host = hostArg ?? "";
  let portText = portArg;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(host);
  const named = /^([^:\[\]]+):(\d*)$/.exec(host);
  const split = bracket ?? named;
  if (split) {
    if (split[2] !== undefined && portArg !== undefined) {
      throw usageError(
        `Cannot use '${hostArg}' with port ${portArg}: the port is given twice`,
        "give HOST PORT, or [IPv6]:PORT alone",
      );
    }
    host = split[1];
    if (split[2] !== undefined) {
      if (split[2] === "") throw usageError(`Invalid address '${hostArg}': no port after ':'`);
      portText = split[2];
    }
  }
  if (host.trim() === "") {
    throw usageError(
      `Invalid host '${hostArg ?? ""}': the host is empty`,
      "give a name or a numeric address, e.g. 127.0.0.1 or ::1",
    );
  }
  const port = numberOption(portText ?? defaultPort, "port", portBounds)!;
  return { host, port };
}
