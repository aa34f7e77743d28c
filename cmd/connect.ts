/**
 * `tcpecho connect`: the book's echo client done right (UNP §6.4 select, §6.6 half-close).
 * @module
 */
import { defineTcpechoCommand } from "./command.ts";
import { notBuilt } from "./not_built.ts";

/** The connect command. */
export const connect = defineTcpechoCommand({
  meta: {
    name: "connect",
    description: "echo client: stdin and socket together, half-close on EOF (UNP §6.4, §6.6)",
  },
  args: {
    host: { type: "positional", description: "server host", default: "localhost", required: false },
    port: { type: "positional", description: "server port", default: "9877", required: false },
    timeout: { type: "string", description: "connect timeout in seconds" },
    count: {
      type: "string",
      alias: "c",
      description: "send N generated messages and time each round trip",
    },
    interval: {
      type: "string",
      alias: "i",
      description: "seconds between generated messages (default 1)",
    },
    size: { type: "string", alias: "s", description: "bytes per generated message (default 64)" },
    clients: {
      type: "string",
      description: "load mode: N connections, one message in flight on each",
    },
    duration: { type: "string", description: "load mode: run for S seconds (default 10)" },
  },
  run: () => notBuilt("connect"),
});
