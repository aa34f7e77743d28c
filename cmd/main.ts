#!/usr/bin/env -S deno run -A
/**
 * tcpecho's entry point: global flags, help, dispatch to the command table
 * (cmd/help.ts), the one place errors become a line on stderr (a refused Deno
 * permission included), and the only place that exits. Runs the same under
 * `deno run cmd/main.ts` (with the permissions in docs/install.md) and
 * `bun cmd/main.ts`.
 * @module
 */
import { ExitCode, TcpechoError } from "../lib/errors.ts";
import { createColors } from "../lib/report/colors.ts";
import { getRuntime, type Runtime } from "../lib/runtime/mod.ts";
import { checkOptions, type CommandContext } from "./cli.ts";
import { parseCommandArgs } from "./command.ts";
import { commandHelp, COMMANDS, mainHelp } from "./help.ts";
import { versionLine } from "./version.ts";

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
    return first === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (first === "-v" || first === "--version") {
    await rt.writeStdout(versionLine(rt));
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!entry) {
    throw new TcpechoError(`Unknown command '${first}'`, {
      code: "EUSAGE",
      exitCode: ExitCode.usage,
      hint: `commands: ${Object.keys(COMMANDS).join(", ")}; run 'tcpecho --help'`,
    });
  }
  const cmd = await entry.load();
  const rest = argv.slice(argv.indexOf(first) + 1);
  const dashdash = rest.indexOf("--");
  const flags = dashdash < 0 ? rest : rest.slice(0, dashdash);
  if (flags.includes("-h") || flags.includes("--help")) {
    await rt.writeStdout(commandHelp(first, cmd));
    return 0;
  }
  checkOptions(rest, cmd.args, cmd.meta.name);
  const parsed = parseCommandArgs(
    rest.filter((a) => a !== "--no-color" && a !== "--color"),
    cmd.args,
    cmd.meta.name,
  );
  return await cmd.run(parsed, ctx, rest);
}

/**
 * Formats an error as the one line (plus hint) the CLI prints. A permission
 * the runtime refused (Deno without an --allow-* flag) is one line naming the
 * flag, wherever it was thrown and however it was wrapped.
 */
export function formatError(e: unknown, color: boolean, rt?: Runtime): string {
  const c = createColors(color);
  const need = rt?.missingPermission(e);
  if (need) {
    const what = need.target ? ` to "${need.target}"` : "";
    return `${c.red("tcpecho:")} Deno was not allowed ${need.access} access${what}: ` +
      `run it with ${need.flag}\n`;
  }
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

/**
 * Runs the CLI on `argv` with the runtime `rt` and resolves to the exit code:
 * everything main does but exiting (the test suite calls it in-process with
 * captured streams, tests/support/cli_inproc.ts).
 */
export async function runMain(rt: Runtime, argv: string[]): Promise<number> {
  try {
    return await run(rt, argv);
  } catch (e) {
    // The reader of our stdout went away (`tcpecho explain big.pcap | head`):
    // like a pipeline tool killed by SIGPIPE, stop quietly.
    if (isBrokenStdout(e)) return 0;
    const color = wantsColor(rt, 2, argv);
    await rt.writeStderr(formatError(e, color, rt));
    if (!(e instanceof TcpechoError) && rt.env("TCPECHO_DEBUG")) {
      await rt.writeStderr(String((e as Error)?.stack ?? e) + "\n");
    }
    return e instanceof TcpechoError ? e.exitCode : ExitCode.error;
  }
}

async function main(): Promise<void> {
  const rt = await getRuntime();
  rt.exit(await runMain(rt, rt.args()));
}

if (import.meta.main) await main();
