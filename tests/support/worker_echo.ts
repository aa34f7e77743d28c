/**
 * A worker for tests/unit/worker.test.ts: answers each message with the
 * message, its transferred buffer handed back, and the heap limits the
 * worker runs under (node:worker_threads `resourceLimits`, where the runtime
 * has it).
 * @module
 */
import { resourceLimits } from "node:worker_threads";
import { parentPort } from "../../lib/runtime/worker.ts";

const port = parentPort();
port.onMessage((msg) => {
  const m = msg as { buf: ArrayBuffer; text: string };
  port.post({ text: m.text, bytes: m.buf.byteLength, limits: resourceLimits ?? null, buf: m.buf }, [
    m.buf,
  ]);
});
