/**
 * The book's own §5.12 sequence, with the book's own client: `tcpecho connect
 * --naive` (tcpcli01) blocks on stdin, so it does not notice the killed
 * server's FIN; its next line is written anyway, the server's kernel answers
 * RST, and the read that follows sees the FIN: "server terminated
 * prematurely". The capture shows FIN, ACK, client data, RST.
 * @module
 */
import { LAB_PORT } from "./names.ts";
import type { LabScenario } from "./scenarios.ts";
import type { LabSession } from "./session.ts";

const PACE_MS = 500;

/** The server process is killed; the naive client writes its next line after the FIN. */
async function serverKilledNaive(s: LabSession): Promise<void> {
  await s.startServer();
  const c = s.startClient(["connect", s.serverAddr, String(LAB_PORT), "--naive"]);
  await s.echo("hello");
  await s.killServer();
  await s.clientCloseWait();
  // Pace stdin past the client's delayed ACK (at most 200 ms on Linux), so the
  // capture shows the book's own four segments: FIN, ACK, data, RST.
  await new Promise((r) => setTimeout(r, PACE_MS));
  s.note(`${PACE_MS} ms later (the FIN's ACK has left on its own)`);
  c.write("after the FIN\n");
  s.note('client stdin: "after the FIN" (the naive client writes it anyway)');
  await s.waitExit(c, 10_000, "let the naive client read the FIN");
}

/** `server-process-terminated` with the book's naive client (lab id …-naive). */
export const NAIVE_SERVER_KILLED: LabScenario = {
  id: "server-process-terminated-naive",
  verdict: "server-process-terminated",
  section: "5.12",
  family: 4,
  title: "kill -9 the server; the book's naive client writes after the FIN (RST)",
  book: 'the write after the FIN draws RST; read returns EOF: "server terminated prematurely"',
  expect: { exit: 3, stderr: /server terminated prematurely/ },
  run: serverKilledNaive,
};
