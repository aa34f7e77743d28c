/**
 * The worker thread of `explain --threads N`: one shard (cmd/explain_shard.ts).
 * After each message, the heap pacer looks at the heap (lib/runtime/heap.ts).
 * @module
 */
import { parentPort } from "../lib/runtime/worker.ts";
import { shardHandler } from "./explain_shard.ts";
import { type HeapPacer, heapPacer, V8_THREADS_LIMIT } from "../lib/runtime/heap.ts";

const port = parentPort();
const handle = shardHandler((msg, transfer) => port.post(msg, transfer));
// On Deno, the heap kept near a small budget (V8_THREADS_LIMIT); Bun's workers stay small unpaced.
// The handler is set at once, so no message comes before it; the pacer joins when ready.
let pacer: HeapPacer | undefined;
void heapPacer({ v8: V8_THREADS_LIMIT, v8Only: true }).then((p) => pacer = p);
port.onMessage((m) => {
  handle(m);
  pacer?.tick();
});
