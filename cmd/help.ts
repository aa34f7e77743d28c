/**
 * The command table and everything generated from it: `--help` (main and per
 * command, wrapped at 80 columns), and the data the shell completions and the
 * man page (cmd/completions.ts, cmd/manpage.ts) are built from, so the three
 * never disagree.
 * @module
 */
import type { ArgDef } from "citty";
import type { TcpechoCommand } from "./command.ts";
import { VERSION } from "./version.ts";

/** Help text width. */
export const WIDTH = 80;

/** One entry of the command table. */
export interface CommandEntry {
  /** One line for the command list. */
  summary: string;
  /** Loads the command module. */
  load: () => Promise<TcpechoCommand>;
}

/** The command table: name -> summary and lazily loaded module. */
export const COMMANDS: Record<string, CommandEntry> = {
  serve: {
    summary: "TCP (and UDP) echo server, port 9877 by default (UNP §5.2)",
    load: () => import("./serve.ts").then((m) => m.serve as unknown as TcpechoCommand),
  },
  connect: {
    summary: "the book's echo client, done right: select + half-close (UNP §6.4, §6.6)",
    load: () => import("./connect.ts").then((m) => m.connect as unknown as TcpechoCommand),
  },
  probe: {
    summary: "TCP connect probes; --keepalive watches an idle connection (UNP §7.5)",
    load: () => import("./probe.ts").then((m) => m.probe as unknown as TcpechoCommand),
  },
  explain: {
    summary: "read a pcap/pcapng capture and explain each TCP connection (UNP ch. 5)",
    load: () => import("./explain.ts").then((m) => m.explain as unknown as TcpechoCommand),
  },
  watch: {
    summary: "capture live and explain each TCP connection as it ends (libpcap or tcpdump)",
    load: () => import("./watch.ts").then((m) => m.watch as unknown as TcpechoCommand),
  },
  lab: {
    summary: "reproduce the book's scenarios in network namespaces (root)",
    load: () => import("./lab.ts").then((m) => m.lab as unknown as TcpechoCommand),
  },
  completions: {
    summary: "print a shell completion script (bash, zsh or fish)",
    load: () => import("./completions.ts").then((m) => m.completions as unknown as TcpechoCommand),
  },
};

/** One option as help, completions and the man page show it. */
export interface OptionView {
  /** The option's name in the table. */
  name: string;
  /** Every way to write it, short first: ["-o", "--output"]. */
  flags: string[];
  /** The value's placeholder ("FILE", "text|json"), or undefined for a switch. */
  value?: string;
  /** Enum choices, if any. */
  choices?: string[];
  /** The description with the default written one way: "... (default: 9877)". */
  description: string;
}

/** One positional argument. */
export interface ArgumentView {
  name: string;
  required: boolean;
  description: string;
}

/** Options every command accepts (main.ts handles them). */
export const GLOBAL_OPTIONS: OptionView[] = [
  { name: "help", flags: ["-h", "--help"], description: "show help (also after a command)" },
  { name: "version", flags: ["-v", "--version"], description: "print version, commit and runtime" },
  {
    name: "no-color",
    flags: ["--no-color"],
    description: "no colour (also NO_COLOR=1); colour is used only on a terminal",
  },
];

const HINT_WORDS = ["N", "S", "MS", "FILE", "ADDR", "DIR", "P", "HOST", "PORT"];

/**
 * The placeholder after a value option: its valueHint, else a word the
 * description uses for the value (N, S, MS, FILE ...), else S for seconds, N
 * for counts, else the option's name in capitals.
 */
function valueHint(name: string, description: string, hint?: string, def?: unknown): string {
  if (hint) return hint.toUpperCase();
  const word = HINT_WORDS.find((w) =>
    new RegExp(`(^|[^A-Za-z_-])${w}([^A-Za-z_-]|$)`).test(description)
  );
  if (word) return word;
  if (name === "port" || name === "host") return name.toUpperCase();
  if (/\bseconds\b/.test(description)) return "S";
  if (/\b(many|bytes|probes|datagrams|count)\b/.test(description)) return "N";
  if (typeof def === "number" || (typeof def === "string" && /^\d+$/.test(def))) return "N";
  return name.toUpperCase();
}

function flagName(n: string): string {
  return n.length === 1 ? `-${n}` : `--${n}`;
}

/**
 * Writes a default one way: "(default: X)". A description that already says
 * "default N" or "(Default: N)" is rewritten to that form, not doubled.
 */
function withDefault(description: string, def: unknown): string {
  let d = description.replace(/\((?:d|D)efault:? ([^)]+)\)/g, "(default: $1)")
    .replace(/([;,]) (?:d|D)efault:? /g, "$1 default: ");
  if (def !== undefined && def !== "" && def !== false && !/\bdefault\b/i.test(d)) {
    d += ` (default: ${def})`;
  }
  return d;
}

/** The options of a command, in table order, as shown everywhere. */
export function optionViews(cmd: TcpechoCommand): OptionView[] {
  const out: OptionView[] = [];
  for (const [name, raw] of Object.entries(cmd.args)) {
    const def = raw as ArgDef & { alias?: string | string[]; valueHint?: string };
    if (def.type === "positional") continue;
    const aliases = def.alias === undefined
      ? []
      : Array.isArray(def.alias)
      ? def.alias
      : [def.alias];
    const names = [name, ...aliases];
    const flags = [
      ...names.filter((n) => n.length === 1),
      ...names.filter((n) => n.length > 1),
    ].map(flagName);
    let description = def.description ?? "";
    // "-4: IPv4 addresses only" under an option named 4: the flag is already shown.
    for (const f of flags) {
      if (description.startsWith(`${f}: `)) description = description.slice(f.length + 2);
    }
    let value: string | undefined;
    let choices: string[] | undefined;
    if (def.type === "enum") {
      choices = (def.options ?? []).map(String);
      value = choices.join("|");
    } else if (def.type !== "boolean") {
      value = valueHint(
        name,
        description,
        def.valueHint,
        "default" in def ? def.default : undefined,
      );
    }
    out.push({
      name,
      flags,
      value,
      choices,
      description: withDefault(description, "default" in def ? def.default : undefined),
    });
  }
  return out;
}

/** The positional arguments of a command. */
export function argumentViews(cmd: TcpechoCommand): ArgumentView[] {
  const out: ArgumentView[] = [];
  for (const [name, raw] of Object.entries(cmd.args)) {
    const def = raw as ArgDef;
    if (def.type !== "positional") continue;
    const required = def.required !== false && def.default === undefined;
    const hint = "valueHint" in def ? String(def.valueHint ?? "") : "";
    out.push({
      name: hint.endsWith("...") ? hint : name.toUpperCase(),
      required,
      description: withDefault(def.description ?? "", def.default),
    });
  }
  return out;
}

/** "tcpecho probe [OPTIONS] <HOST> [PORT]" */
export function usageLine(name: string, cmd: TcpechoCommand): string {
  const args = argumentViews(cmd).map((a) => a.required ? `<${a.name}>` : `[${a.name}]`);
  return ["tcpecho", name, "[OPTIONS]", ...args].join(" ");
}

/** How an option is written in the left column: "-o, --output FILE". */
export function optionLabel(o: OptionView): string {
  return o.flags.join(", ") + (o.value ? ` ${o.value}` : "");
}

/**
 * Wraps one line at `width` columns: breaks at spaces, never leaves trailing
 * spaces; continuation lines start with `hang` (spaces, or that text). A word longer than the
 * line stays whole.
 *
 * @example
 * ```ts
 * wrapLine("a b c", 3, 0); // ["a b", "c"]
 * ```
 */
export function wrapLine(line: string, width = WIDTH, hang: number | string = 0): string[] {
  const prefix = typeof hang === "string" ? hang : " ".repeat(hang);
  const out: string[] = [];
  let rest = line.trimEnd();
  let indent = "";
  while (indent.length + rest.length > width) {
    const room = width - indent.length;
    let cut = rest.lastIndexOf(" ", room);
    // Do not break inside the line's own leading indentation.
    const lead = rest.length - rest.trimStart().length;
    if (cut <= lead) cut = rest.indexOf(" ", room);
    if (cut <= lead) break;
    out.push((indent + rest.slice(0, cut)).trimEnd());
    rest = rest.slice(cut).trimStart();
    indent = prefix;
  }
  out.push((indent + rest).trimEnd());
  return out;
}

const COMMAND_LINE = /^\s+(\$ |sudo |cat |tcpdump |tcpecho |echo |source )/;
const COLUMN_GAP = /\S {2,}\S/;

/** A line that may be joined with the next: prose, not a heading, a command or a table row. */
function prose(line: string): boolean {
  const t = line.trim();
  return t !== "" && !COMMAND_LINE.test(line) && !COLUMN_GAP.test(t) &&
    !/^[A-Z][A-Z /()-]*$/.test(t) && !t.endsWith(":");
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Wraps free text (a command's notes) at `width`. Prose that was broken by
 * hand mid-sentence is joined and refilled; a sentence that ends a line keeps
 * its line break. A long command line is continued with " \\"; a long table
 * row hangs under its second column (text after two spaces).
 */
export function wrapText(text: string, width = WIDTH): string {
  const src = text.split("\n").map((l) => l.trimEnd());
  const joined: string[] = [];
  for (const line of src) {
    const prev = joined.length > 0 ? joined[joined.length - 1] : undefined;
    if (
      prev !== undefined && prose(prev) && prose(line) && indentOf(prev) === indentOf(line) &&
      !/[.!?]\)?$/.test(prev)
    ) {
      joined[joined.length - 1] = `${prev} ${line.trim()}`;
    } else joined.push(line);
  }
  const out: string[] = [];
  for (const line of joined) {
    if (line.length <= width) {
      out.push(line);
      continue;
    }
    const lead = indentOf(line);
    if (COMMAND_LINE.test(line) && !COLUMN_GAP.test(line.trim())) {
      const parts = wrapLine(line, width - 2, lead + 4);
      out.push(...parts.map((p, i) => (i < parts.length - 1 ? `${p} \\` : p)));
      continue;
    }
    const col = /^(\s*\S.*?\s{2,})\S/.exec(line);
    const hang = col && col[1].length <= 60 ? col[1].length : lead;
    const comment = line[hang] === "#" ? "# " : "";
    out.push(...wrapLine(line, width, " ".repeat(hang) + comment));
  }
  return out.join("\n");
}

/** A two-column list (label, text), the text wrapped with a hanging indent. */
function columns(rows: [string, string][], width = WIDTH): string[] {
  const maxLabel = 28;
  const labelWidth = Math.min(maxLabel, Math.max(...rows.map(([l]) => l.length)));
  const at = 2 + labelWidth + 2;
  const lines: string[] = [];
  for (const [label, text] of rows) {
    if (label.length > labelWidth) {
      lines.push(`  ${label}`);
      lines.push(...wrapLine(" ".repeat(at) + text, width, at));
    } else {
      lines.push(...wrapLine(`  ${label.padEnd(labelWidth)}  ${text}`, width, at));
    }
  }
  return lines;
}

/** The main help: commands and global options. */
export function mainHelp(): string {
  return [
    `tcpecho ${VERSION}: TCP echo testing, probing and capture explanation`,
    "",
    "USAGE  tcpecho <command> [OPTIONS]",
    "",
    "COMMANDS",
    ...columns(Object.entries(COMMANDS).map(([k, v]) => [k, v.summary])),
    "",
    "GLOBAL OPTIONS",
    ...columns(GLOBAL_OPTIONS.map((o) => [optionLabel(o), o.description])),
    "",
    "Exit codes: 0 ok, 1 error, 2 usage, 3 peer closed early, 4 reset, 5 refused,",
    "6 timed out, 7 unreachable.",
    "Run 'tcpecho <command> --help' for a command's options.",
    "",
  ].join("\n");
}

/** A command's help: what it does, usage, arguments, options, notes. */
export function commandHelp(name: string, cmd: TcpechoCommand): string {
  const args = argumentViews(cmd);
  const opts = optionViews(cmd);
  const lines = [
    ...wrapLine(`tcpecho ${name}: ${cmd.meta.description}`),
    "",
    ...wrapLine(`USAGE  ${usageLine(name, cmd)}`, WIDTH, 7),
  ];
  if (args.length > 0) {
    lines.push("", "ARGUMENTS", ...columns(args.map((a) => [a.name, a.description])));
  }
  if (opts.length > 0) {
    lines.push("", "OPTIONS", ...columns(opts.map((o) => [optionLabel(o), o.description])));
  }
  if (cmd.notes) lines.push("", wrapText(cmd.notes.trimEnd()));
  lines.push("");
  return lines.join("\n");
}
