/**
 * The worker thread of `explain --threads N`: one shard (cmd/explain_shard.ts).
 * @module
 */
import { parentPort } from "../lib/runtime/worker.ts";
import { shardHandler } from "./explain_shard.ts";

const port = parentPort();
port.onMessage(shardHandler((msg, transfer) => port.post(msg, transfer)));
