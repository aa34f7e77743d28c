/**
 * The man page (docs/tcpecho.1), generated from the command table that
 * `--help` and the completions use. `scripts/man.ts` writes it;
 * tests/cli/help.test.ts checks that the committed page is fresh.
 * @module
 */
import type { TcpechoCommand } from "./command.ts";
import {
  argumentViews,
  COMMANDS,
  GLOBAL_OPTIONS,
  optionLabel,
  optionViews,
  usageLine,
  wrapText,
} from "./help.ts";
import { VERSION } from "./version.ts";

/** Characters outside ASCII that troff knows by name (any other becomes \[uXXXX]). */
const ROFF_NAMES: Record<string, string> = {
  "≥": "\\(>=",
  "≤": "\\(<=",
  "→": "\\(->",
  "←": "\\(<-",
  "·": "\\(md",
  "–": "\\(en",
  "—": "\\(em",
  "×": "\\(mu",
  "…": "\\&...",
};

/** Escapes text for roff: backslashes, hyphens, a leading dot or quote, and non-ASCII characters. */
function esc(text: string): string {
  const s = text.replaceAll("\\", "\\e").replaceAll("-", "\\-").replace(
    /[^ -~\t\n]/gu,
    (ch) =>
      ROFF_NAMES[ch] ?? `\\[u${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`,
  );
  return /^[.']/.test(s) ? `\\&${s}` : s;
}

/** Notes (pre-formatted help text) as a no-fill block, wrapped to fit the page's indent. */
function notes(text: string): string[] {
  const lines = wrapText(text.trimEnd(), 72).split("\n");
  return [".PP", ".nf", ...lines.map((l) => (l === "" ? ".sp" : esc(l))), ".fi"];
}

function commandSection(name: string, cmd: TcpechoCommand): string[] {
  const out = [
    `.SS ${esc(name)}`,
    ".PP",
    `\\fB${esc(usageLine(name, cmd))}\\fR`,
    ".PP",
    esc(cmd.meta.description),
  ];
  for (const a of argumentViews(cmd)) out.push(".TP", `\\fI${esc(a.name)}\\fR`, esc(a.description));
  for (const o of optionViews(cmd)) {
    out.push(".TP", `\\fB${esc(optionLabel(o))}\\fR`, esc(o.description));
  }
  if (cmd.notes) out.push(...notes(cmd.notes));
  return out;
}

/** The whole page. No date in it, so regenerating an unchanged table changes nothing. */
export async function renderManPage(): Promise<string> {
  const lines = [
    `.TH TCPECHO 1 "" "tcpecho ${VERSION}" "User Commands"`,
    ".SH NAME",
    "tcpecho \\- TCP echo server, client, prober and capture explainer (UNIX Network Programming ch. 5)",
    ".SH SYNOPSIS",
    "\\fBtcpecho\\fR \\fIcommand\\fR [\\fIoptions\\fR]",
    ".br",
    "\\fBtcpecho\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR",
    ".SH DESCRIPTION",
    "tcpecho runs the echo server and client of Stevens' UNIX Network Programming",
    "chapter 5, probes TCP services, and explains captured TCP connections in the",
    "book's words. It runs on Deno 2 and Bun.",
    ".SH COMMANDS",
  ];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    lines.push(...commandSection(name, await entry.load()));
  }
  lines.push(".SH GLOBAL OPTIONS");
  for (const o of GLOBAL_OPTIONS) {
    lines.push(".TP", `\\fB${esc(optionLabel(o))}\\fR`, esc(o.description));
  }
  lines.push(
    ".SH EXIT STATUS",
    "0 ok, 1 error, 2 usage, 3 peer closed early (FIN), 4 reset (RST), 5 refused,",
    "6 timed out, 7 unreachable.",
    ".SH ENVIRONMENT",
    ".TP",
    "\\fBNO_COLOR\\fR",
    "set and not empty: no colour.",
    ".TP",
    "\\fBTCPECHO_DEBUG\\fR",
    "set: print the stack of an internal error.",
    ".SH PERMISSIONS",
    "Under Deno each command needs only some permissions: explain \\fB\\-\\-allow\\-read\\fR",
    "(and \\fB\\-\\-allow\\-write\\fR for \\fB\\-o\\fR), serve, connect and probe",
    "\\fB\\-\\-allow\\-net\\fR; lab runs as root with \\fB\\-A\\fR. A missing one is",
    "reported in one line naming the flag.",
    ".SH SEE ALSO",
    "\\fBtcpdump\\fR(1), \\fBtshark\\fR(1), \\fBss\\fR(8), \\fBtcp\\fR(7)",
    "",
  );
  return lines.join("\n");
}
