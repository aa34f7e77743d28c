import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesSource, readCapture } from "../../lib/capture/mod.ts";
import { addrString, decodeFrame, newPacket } from "../../lib/decode/mod.ts";
import { Explainer } from "../../lib/explain/engine.ts";
import { connectionReport, ndjsonLine } from "../../lib/report/json.ts";
import { summaryRow } from "../../lib/report/summary.ts";
import { TcpConn } from "../../lib/tcp/conn.ts";
import { TcpTracker } from "../../lib/tcp/tracker.ts";
import { ROOT } from "../support/helpers.ts";

/** Every fixture capture (the real scenario captures and the others). */
function fixtures(): string[] {
  const out: string[] = [];
  const base = join(ROOT, "tests", "fixtures");
  for (const dir of readdirSync(base, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(base, dir.name))) {
      if (/\.pcap(ng)?(\.gz)?$/.test(f)) out.push(join(base, dir.name, f));
    }
  }
  return out.sort();
}

async function feed(file: string, push: (p: ReturnType<typeof newPacket>) => void) {
  const pkt = newPacket();
  const bytes = new Uint8Array(readFileSync(file));
  await readCapture(bytesSource(bytes), (f) => push(decodeFrame(f, pkt)));
}

test("tcp pool: a used connection record, reset, equals a new one (every option mix)", {
  timeout: 60_000,
}, async () => {
  const files = fixtures();
  assert.ok(files.length > 10, `fixtures found: ${files.length}`);
  for (const [detail, intervals, states] of [[true, true, true], [false, false, false]]) {
    let checked = 0;
    for (const file of files) {
      const ended: TcpConn[] = [];
      const tr = new TcpTracker({
        keepDetail: detail,
        keepIntervals: intervals,
        keepStates: states,
        onEnd: (c) => ended.push(c),
        addrString: (b, o, v) => addrString(b, o, v),
      });
      await feed(file, (p) => tr.push(p));
      tr.finish();
      for (const c of ended) {
        c.reset(detail, intervals, states);
        assert.deepStrictEqual(c, new TcpConn(detail, intervals, states), file);
        checked++;
      }
    }
    assert.ok(checked > 10, `records checked: ${checked}`);
  }
});

/** The --summary rows and ndjson lines of a file, with or without record reuse. */
async function outputs(file: string, transient: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const tableOnly of [true, false]) {
    const ex = new Explainer({
      detail: tableOnly ? "table" : "full",
      reuse: transient,
      onConnection: (e) =>
        lines.push(tableOnly ? summaryRow(e, false) : ndjsonLine(connectionReport(e))),
    });
    await feed(file, (p) => ex.push(p));
    ex.finish();
  }
  return lines;
}

test("tcp pool: reused records give the same --summary rows and ndjson lines on every fixture", {
  timeout: 60_000,
}, async () => {
  let lines = 0;
  for (const file of fixtures()) {
    const fresh = await outputs(file, false);
    assert.deepStrictEqual(await outputs(file, true), fresh, file);
    lines += fresh.length;
  }
  assert.ok(lines > 20, `lines compared: ${lines}`);
});
