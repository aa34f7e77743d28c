/**
 * `tcpecho explain`: read a capture and explain each TCP connection in UNP ch. 5 terms.
 * @module
 */
import { defineTcpechoCommand } from "./command.ts";
import { notBuilt } from "./not_built.ts";

/** The explain command. */
export const explain = defineTcpechoCommand({
  meta: {
    name: "explain",
    description: "read a pcap/pcapng capture and explain each TCP connection (UNP ch. 5)",
  },
  args: {
    file: {
      type: "positional",
      description: "capture file (pcap, pcapng, optionally .gz), or - for stdin",
      required: true,
    },
    format: {
      type: "enum",
      options: ["text", "json", "ndjson"],
      description: "output format",
      default: "text",
    },
    summary: { type: "boolean", description: "one line per connection (a table)" },
    conn: { type: "string", description: "only connection N" },
    port: { type: "string", description: "only connections with port P" },
    host: { type: "string", description: "only connections with address ADDR" },
  },
  run: () => notBuilt("explain"),
});
