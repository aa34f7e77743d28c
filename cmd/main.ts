#!/usr/bin/env -S deno run -A
/**
 * tcpecho's entry point: the command table, global flags, and the only place
 * that exits. Runs the same under `deno run -A cmd/main.ts` and `bun cmd/main.ts`.
 * @module
 */
import { parseArgs, renderUsage } from "citty";
import { createColors } from "picocolors";
import { TcpechoError, usageError } from "../lib/errors.ts";
import { getRuntime, type Runtime } from "../lib/runtime/mod.ts";
import { checkOptions, type CommandContext } from "./cli.ts";
import type { TcpechoCommand } from "./command.ts";
import { VERSION } from "./version.ts";

/** The command table: name -> lazily loaded command module. */
const COMMANDS: Record<string, () => Promise<TcpechoCommand>> = {
  serve: () => import("./serve.ts").then((m) => m.serve as unknown as TcpechoCommand),
  connect: () => import("./connect.ts").then((m) => m.connect as unknown as TcpechoCommand),
  probe: () => import("./probe.ts").then((m) => m.probe as unknown as TcpechoCommand),
  explain: () => import("./explain.ts").then((m) => m.explain as unknown as TcpechoCommand),
  lab: () => import("./lab.ts").then((m) => m.lab as unknown as TcpechoCommand),
  watch: () => import("./watch.ts").then((m) => m.watch as unknown as TcpechoCommand),
};

const SUMMARIES: Record<string, string> = {
  serve: "TCP (and UDP) echo server, port 9877 by default (UNP §5.2)",
  connect: "the book's echo client, done right: select + half-close (UNP §6.4, §6.6)",
  probe: "TCP connect probes; --keepalive watches an idle connection (UNP §7.5)",
  explain: "read a pcap/pcapng capture and explain each TCP connection (UNP ch. 5)",
  lab: "reproduce the book's scenarios in network namespaces, capture, explain (root)",
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(SUMMARIES).map((k) => k.length));
  const lines = Object.entries(SUMMARIES).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return [
    `tcpecho ${VERSION}: TCP echo testing, probing and capture explanation`,
    "",
    "USAGE  tcpecho <command> [OPTIONS]",
    "",
    "COMMANDS",
    ...lines,
    "",
    "GLOBAL OPTIONS",
    "  -h, --help     show help (also after a command)",
    "  -v, --version  print the version",
    "  --no-color     no colour (also NO_COLOR=1); colour is used only on a terminal",
    "",
    "Exit codes: 0 ok, 1 error, 2 usage, 3 peer closed early, 4 reset, 5 refused,",
    "6 timed out, 7 unreachable.",
    "",
  ].join("\n");
}

function wantsColor(rt: Runtime, fd: 1 | 2, argv: string[]): boolean {
  if (argv.includes("--no-color")) return false;
  const noColor = rt.env("NO_COLOR");
  if (noColor !== undefined && noColor !== "") return false;
  if (argv.includes("--color")) return true;
  return rt.isTerminal(fd);
}

async function run(rt: Runtime, argv: string[]): Promise<number> {
  const ctx: CommandContext = {
    rt,
    color: wantsColor(rt, 1, argv),
    colorErr: wantsColor(rt, 2, argv),
  };
  const first = argv.find((a) => a !== "--no-color" && a !== "--color");
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    await rt.writeStdout(mainHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version") {
    await rt.writeStdout(`tcpecho ${VERSION} (${rt.name} ${rt.version})\n`);
    return 0;
  }
  const load = COMMANDS[first];
  if (!load) {
    throw new TcpechoError(`Unknown command '${first}'`, {
      code: "EUSAGE",
      exitCode: 2,
      hint: `commands: ${Object.keys(COMMANDS).join(", ")}; run 'tcpecho --help'`,
    });
  }
  const cmd = await load();
  const rest = argv.slice(argv.indexOf(first) + 1);
  if (rest.includes("-h") || rest.includes("--help")) {
    const usage = await renderUsage({
      meta: { ...cmd.meta, name: `tcpecho ${cmd.meta.name}` },
      args: cmd.args,
    });
    const text = ctx.color ? usage : stripAnsi(usage);
    await rt.writeStdout(text + "\n" + (cmd.notes ? "\n" + cmd.notes.trimEnd() + "\n" : ""));
    return 0;
  }
  checkOptions(rest, cmd.args, cmd.meta.name);
  let parsed;
  try {
    parsed = parseArgs(rest.filter((a) => a !== "--no-color" && a !== "--color"), cmd.args);
  } catch (e) {
    // citty's CLIError: a missing positional or a bad enum value.
    throw usageError(stripAnsi((e as Error).message), `run 'tcpecho ${cmd.meta.name} --help'`);
  }
  return await cmd.run(parsed, ctx, rest);
}

/** Removes ANSI colour sequences (citty colours its usage text itself). */
function stripAnsi(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Formats an error as the one line (plus hint) the CLI prints. */
export function formatError(e: unknown, color: boolean): string {
  const c = createColors(color);
  if (e instanceof TcpechoError) {
    const hint = e.hint ? `\n${c.dim(`hint: ${e.hint}`)}` : "";
    return `${c.red("tcpecho:")} ${e.message}${hint}\n`;
  }
  const err = e as { message?: string; code?: string };
  const code = err?.code ? ` (${err.code})` : "";
  return `${c.red("tcpecho:")} internal error: ${err?.message ?? String(e)}${code}\n` +
    c.dim("hint: this is a bug; please report it with the command line you ran\n");
}

/** Whether an error that reached main is a write to a closed stdout pipe. */
function isBrokenStdout(e: unknown): boolean {
  if (e instanceof TcpechoError) return false;
  const err = e as { code?: string; name?: string };
  return err?.code === "EPIPE" || err?.name === "BrokenPipe";
}

async function main(): Promise<void> {
  const rt = await getRuntime();
  const argv = rt.args();
  let code: number;
  try {
    code = await run(rt, argv);
  } catch (e) {
    // The reader of our stdout went away (`tcpecho explain big.pcap | head`):
    // like a pipeline tool killed by SIGPIPE, stop quietly.
    if (isBrokenStdout(e)) rt.exit(0);
    const color = wantsColor(rt, 2, argv);
    await rt.writeStderr(formatError(e, color));
    if (!(e instanceof TcpechoError) && rt.env("TCPECHO_DEBUG")) {
      await rt.writeStderr(String((e as Error)?.stack ?? e) + "\n");
    }
    code = e instanceof TcpechoError ? e.exitCode : 1;
  }
  rt.exit(code);
}

if (import.meta.main) await main();
