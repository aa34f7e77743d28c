/**
 * `tcpecho lab`: reproduce the book's scenarios with real kernel TCP in two
 * private network namespaces, capture them, and explain them (Linux, root).
 * @module
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createColors } from "../lib/report/colors.ts";
import { ExitCode, usageError } from "../lib/errors.ts";
import { getProc } from "../lib/runtime/proc/mod.ts";
import { runLab } from "../lab/lab.ts";
import { listText } from "../lab/report.ts";
import { findScenario, LAB_SCENARIOS } from "../lab/scenarios.ts";
import { SLOW_SCENARIOS } from "../lab/slow_scenarios.ts";
import { defineTcpechoCommand } from "./command.ts";

const NOTES = `Each scenario builds a fresh pair of network namespaces joined by a veth pair
(198.18.0.1 and 198.18.0.2, 2001:db8::1 and 2001:db8::2, no route out), runs
tcpecho serve and tcpecho connect (or probe --keepalive) in them, causes the
fault with nftables, kill or ss -K, captures the client's side with tcpdump,
removes everything, and runs tcpecho explain on the capture. TCP timeouts are
shortened per namespace (printed), so each scenario takes seconds.

The slow-connection scenarios (slow-*, or slow for all of them) put a router
namespace between client and server (198.18.0.1 -> 198.19.0.2), make one cause
of slowness with tcpecho's own serve/connect options and nft drops in the
router, pin both programs to CPU 0, keep the kernel's TCP timers, and check the
cause explain's time attribution names (docs/slow.md).

Needs Linux, root, and: iproute2 (ip, ss), nftables, tcpdump, taskset.

--naive picks a scenario's variant with the book's naive client (tcpecho connect
--naive, tcpcli01), where the lab has one: server-process-terminated --naive is
the lab id server-process-terminated-naive (FIN, client data, RST on the wire).

--trace runs each client with --trace-file too (its own capture, taken inside
the client namespace): the verdict it prints for its connection must equal
explain's verdict on the lab's capture, or the scenario fails.

EXAMPLES
  sudo tcpecho lab --list
  sudo tcpecho lab server-process-terminated --naive
  sudo tcpecho lab server-crash-reboot
  sudo tcpecho lab all --keep captures/ --format json
  sudo tcpecho lab all --trace
  sudo tcpecho lab slow-nagle                 # write-write-read without TCP_NODELAY`;

/** The lab command. */
export const lab = defineTcpechoCommand({
  meta: {
    name: "lab",
    description: "reproduce the book's scenarios in network namespaces, capture and explain",
  },
  args: {
    scenario: {
      type: "positional",
      description: "scenario id (see --list), all (the book's) or slow (the slow connections)",
      required: false,
    },
    list: { type: "boolean", description: "list the scenarios" },
    naive: {
      type: "boolean",
      description: "the variant with the book's naive client (connect --naive), if any",
    },
    keep: {
      type: "string",
      valueHint: "DIR",
      description: "keep each capture (ID.pcap) and log (ID.txt) in DIR",
    },
    trace: {
      type: "boolean",
      description: "run each client with --trace too; its verdict must equal explain's",
    },
    format: {
      type: "enum",
      options: ["text", "json"],
      description: "output format",
      default: "text",
    },
  },
  notes: NOTES,
  async run(args, ctx) {
    if (args.list) {
      await ctx.rt.writeStdout(listText());
      return ExitCode.ok;
    }
    let id = args.scenario === undefined ? undefined : String(args.scenario);
    if (id === undefined) {
      throw usageError("Cannot run the lab: no scenario given", "tcpecho lab --list names them");
    }
    if (args.naive && !id.endsWith("-naive")) {
      if (!findScenario(`${id}-naive`)) {
        throw usageError(
          `Cannot run the lab: '${id}' has no --naive variant`,
          `with --naive: ${
            LAB_SCENARIOS.filter((s) => s.id.endsWith("-naive")).map((s) => s.id.slice(0, -6)).join(
              ", ",
            )
          }`,
        );
      }
      id = `${id}-naive`;
    }
    const one = findScenario(id);
    if (id !== "all" && id !== "slow" && !one) {
      throw usageError(
        `Cannot run the lab: unknown scenario '${id}'`,
        `one of: ${
          [...LAB_SCENARIOS, ...SLOW_SCENARIOS].map((s) => s.id).join(", ")
        }, all (the book's), slow (the slow connections)`,
      );
    }
    const keep = args.keep === undefined ? undefined : resolve(String(args.keep));
    if (keep) mkdirSync(keep, { recursive: true });
    const c = createColors(ctx.color);
    return await runLab(ctx.rt, await getProc(), {
      scenarios: one ? [one] : id === "slow" ? SLOW_SCENARIOS : LAB_SCENARIOS,
      keep,
      trace: Boolean(args.trace),
      format: args.format === "json" ? "json" : "text",
      paint: { bold: c.bold, dim: c.dim, green: c.green, red: c.red },
    });
  },
});
