/**
 * The part of node:util's `parseArgs` that tcpecho uses (`strict: false`,
 * `allowPositionals: true`, options of type string or boolean with an
 * optional one-letter `short`), written out because importing node:util costs
 * Deno about 40 ms of start-up on every command. The rules are node's own,
 * and tests/unit/parse_args.test.ts checks them against node:util on both
 * runtimes:
 * - `--` ends the options: everything after it is positional;
 * - `--name=value` gives `value`; `--name` gives the next argument when the
 *   option is a string option and there is one (even if it starts with `-`),
 *   else `true`;
 * - `-x` works as `--name` for the option whose short is `x` (else the
 *   letter itself names it); `-xVALUE` gives VALUE when `x` is a string
 *   option; `-abc` is `-a -b -c`, and a string option in the middle takes
 *   the rest of the group as its value;
 * - `-` alone and anything not starting with `-` are positionals;
 * - the last value of a repeated option wins.
 * @module
 */

/** One option as {@link parseArgsLoose} takes it. */
export interface LooseOption {
  type: "string" | "boolean";
  short?: string;
}

/** The values (by option name) and the positionals. */
export interface LooseResult {
  values: Record<string, string | boolean>;
  positionals: string[];
}

/**
 * Parses `args` by `options` (see the module doc).
 *
 * @example
 * ```ts
 * parseArgsLoose(["-o", "r.html", "x.pcap"], { output: { type: "string", short: "o" } });
 * // { values: { output: "r.html" }, positionals: ["x.pcap"] }
 * ```
 */
export function parseArgsLoose(
  args: readonly string[],
  options: Record<string, LooseOption>,
): LooseResult {
  const values: Record<string, string | boolean> = Object.create(null);
  const positionals: string[] = [];
  const typeOf = (name: string) => Object.hasOwn(options, name) ? options[name].type : undefined;
  const longFor = (short: string): string => {
    for (const name of Object.keys(options)) if (options[name].short === short) return name;
    return short;
  };
  const store = (name: string, value: string | undefined) => {
    if (name !== "__proto__") values[name] = value ?? true;
  };
  const rest = [...args];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === "--") {
      positionals.push(...rest);
      break;
    }
    if (arg.length === 2 && arg[0] === "-" && arg[1] !== "-") {
      // -x
      const name = longFor(arg[1]);
      store(name, typeOf(name) === "string" && rest.length > 0 ? rest.shift() : undefined);
      continue;
    }
    if (arg.length > 2 && arg.startsWith("--")) {
      const eq = arg.indexOf("=", 3);
      if (eq < 0) {
        // --name [value]
        const name = arg.slice(2);
        store(name, typeOf(name) === "string" && rest.length > 0 ? rest.shift() : undefined);
      } else store(arg.slice(2, eq), arg.slice(eq + 1)); // --name=value
      continue;
    }
    if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
      const name = longFor(arg[1]);
      if (typeOf(name) === "string") {
        store(name, arg.slice(2)); // -xVALUE
        continue;
      }
      // -abc: -a -b -c, a string option in the middle takes the rest as its value
      const expanded: string[] = [];
      for (let i = 1; i < arg.length; i++) {
        const short = arg[i];
        if (typeOf(longFor(short)) !== "string" || i === arg.length - 1) expanded.push(`-${short}`);
        else {
          expanded.push(`-${arg.slice(i)}`);
          break;
        }
      }
      rest.unshift(...expanded);
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}
