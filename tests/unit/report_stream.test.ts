/**
 * Streamed output: the reorder window (lib/report/order.ts), the streamed JSON
 * document and the text in pieces give what the whole-document renderers give.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { explainCapture, type Explained } from "../../lib/explain/pipeline.ts";
import {
  captureJson,
  connectionReport,
  ndjsonLine,
  renderJson,
  timingJson,
} from "../../lib/report/json.ts";
import {
  connectionJsonParts,
  connectionJsonPieces,
  JsonStreamWriter,
} from "../../lib/report/json_stream.ts";
import { IdOrder } from "../../lib/report/order.ts";
import { renderText, textChunks } from "../../lib/report/text.ts";
import { textBytes } from "../../lib/report/text_bytes.ts";
import { segmentsJsonBytes } from "../../lib/report/json_bytes.ts";
import { intervalsJsonBytes } from "../../lib/report/json_bytes_intervals.ts";
import { stringifyAt } from "../../lib/report/pretty_json.ts";
import { CAUSES, type Stall } from "../../lib/explain/timing_record.ts";
import { ROOT } from "../support/helpers.ts";

const DIR = join(ROOT, "tests", "fixtures", "explain");
const files = readdirSync(DIR).filter((f) => f.endsWith(".pcap")).map((f) => join(DIR, f));

test("report order: ended in id order -> emitted at once, in order", () => {
  const out: number[] = [];
  const o = new IdOrder<{ id: number }>((x) => out.push(x.id), 4);
  for (const id of [1, 2, 3]) o.push({ id });
  assert.deepEqual(out, [1, 2, 3]);
});

test("report order: ended out of order -> held until the gap closes", () => {
  const out: number[] = [];
  const o = new IdOrder<{ id: number }>((x) => out.push(x.id), 4);
  o.push({ id: 3 });
  o.push({ id: 2 });
  assert.deepEqual(out, []);
  o.push({ id: 1 });
  assert.deepEqual(out, [1, 2, 3]);
});

test("report order: a filtered-out id is skipped, not waited for", () => {
  const out: number[] = [];
  const o = new IdOrder<{ id: number }>((x) => out.push(x.id), 4);
  o.push({ id: 2 });
  o.skip(1);
  assert.deepEqual(out, [2]);
});

test("report order: an id open for long -> past the window the others go on, it comes when it ends", () => {
  const out: number[] = [];
  const o = new IdOrder<{ id: number }>((x) => out.push(x.id), 2);
  o.push({ id: 2 });
  o.push({ id: 3 });
  assert.deepEqual(out, [], "held: 2 and 3 wait for 1");
  o.push({ id: 4 });
  assert.deepEqual(out, [2, 3, 4], "over the window: 1 is no longer waited for");
  o.push({ id: 5 });
  o.push({ id: 1 });
  o.flush();
  assert.deepEqual(out, [2, 3, 4, 5, 1]);
});

test("report colors: the same bytes as picocolors, nesting included", async () => {
  const { createColors: pico } = await import("picocolors");
  const { createColors } = await import("../../lib/report/colors.ts");
  const ours = createColors(true), theirs = pico(true);
  for (const name of ["bold", "dim", "red", "green", "yellow", "magenta", "cyan"] as const) {
    for (const text of ["x", "", 42, `a${theirs.bold("b")}c`, `a${theirs[name]("b")}c`]) {
      assert.equal(ours[name](text), theirs[name](text), `${name} ${JSON.stringify(text)}`);
    }
    assert.equal(createColors(false)[name]("x"), "x");
  }
});

async function explained(file: string): Promise<{ list: Explained[]; frames: number }> {
  const list: Explained[] = [];
  const done = await explainCapture(new Uint8Array(readFileSync(file)), {
    onConnection: (e) => list.push(e),
  });
  list.sort((a, b) => a.conn.id - b.conn.id);
  return { list, frames: done.capture.frames };
}

test("report stream: the streamed JSON document parses to renderJson's object on every fixture", async () => {
  assert.ok(files.length > 10);
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(file));
    const list: Explained[] = [];
    const done = await explainCapture(bytes, { onConnection: (e) => list.push(e) });
    list.sort((a, b) => a.conn.id - b.conn.id);
    const reports = list.map((e) => connectionReport(e));
    const w = new JsonStreamWriter();
    const parts = [w.head()];
    for (const e of list) parts.push(...w.connection(e));
    parts.push(w.end(captureJson(done.capture)));
    const streamed = parts.join("");
    assert.deepEqual(JSON.parse(streamed), JSON.parse(renderJson(done.capture, reports)), file);
    // Pretty-printed like JSON.stringify(…, null, 2) would print it.
    assert.equal(streamed, JSON.stringify(JSON.parse(streamed), null, 2) + "\n", file);
    // Each NDJSON line in pieces equals the line made at once.
    for (const e of list) {
      assert.equal([...connectionJsonPieces(e)].join(""), ndjsonLine(connectionReport(e)), file);
    }
  }
});

test("report stream: the empty JSON document is valid", () => {
  const w = new JsonStreamWriter();
  const text = w.head() +
    w.end({ format: "pcap", linkTypes: [1], frames: 0, truncated: false, warnings: [] });
  assert.deepEqual(JSON.parse(text).connections, []);
});

test("report stream: the text as bytes (no colour) equals the text as strings on every fixture", async () => {
  const dec = new TextDecoder();
  for (const file of files) {
    const { list } = await explained(file);
    for (const e of list) {
      // Each piece is a view of a reused buffer: decoded before the next is made.
      const pieces: string[] = [];
      for (const p of textBytes(e, 200)) pieces.push(dec.decode(p));
      assert.equal(pieces.join(""), renderText(e, false), file);
      if ((e.conn.segLog?.length ?? 0) > 20) assert.ok(pieces.length > 1, file);
    }
  }
});

test("report stream: text in pieces equals renderText on every fixture", async () => {
  for (const file of files) {
    const { list } = await explained(file);
    for (const e of list) {
      const pieces = [...textChunks(e, false, 256)];
      assert.equal(pieces.join(""), renderText(e, false), file);
      if (e.conn.segments && e.conn.segments.length > 20) assert.ok(pieces.length > 1);
    }
  }
});

/** The text of pieces that may be byte views of a reused buffer (each decoded as it comes). */
function partsText(parts: Iterable<string | Uint8Array>): string {
  const dec = new TextDecoder();
  let out = "";
  for (const p of parts) out += typeof p === "string" ? p : dec.decode(p);
  return out;
}

test("report stream: JSON with its segments written as bytes equals the string pieces on every fixture", async () => {
  // A lookup as a capture set gives it: every frame in file 1.
  const origins = { lookup: (frame: number) => ({ file: 1, frame: frame * 2 }) };
  for (const file of files) {
    const { list } = await explained(file);
    for (const e of list) {
      for (const pretty of [false, true]) {
        for (const o of [undefined, origins]) {
          assert.equal(
            partsText(connectionJsonParts(e, o, pretty)),
            [...connectionJsonPieces(e, o, pretty)].join(""),
            `${file} #${e.conn.id} pretty=${pretty} origins=${o !== undefined}`,
          );
        }
      }
    }
  }
});

test("report stream: intervals written as bytes equal JSON.stringify's, compact and indented, on every fixture", async () => {
  let rto = 0;
  for (const file of files) {
    const { list } = await explained(file);
    for (const e of list) {
      const t = e.timing!;
      const objects = timingJson(t).intervals;
      rto += objects.filter((o) => o.kind === "rto").length;
      // Small pieces too: a connection's intervals may span several.
      for (const size of [1 << 16, 64]) {
        assert.equal(
          partsText(intervalsJsonBytes(t.intervals, false, size)),
          JSON.stringify(objects),
          `${file} #${e.conn.id} compact`,
        );
        // Indented as in --format json: 4 levels deep (connection, timing, intervals).
        assert.equal(
          partsText(intervalsJsonBytes(t.intervals, true, size)),
          stringifyAt(objects, 4),
          `${file} #${e.conn.id} indented`,
        );
      }
    }
  }
  assert.ok(rto > 0, "some fixture has a timeout interval (its backoff field)");
});

test("report stream: intervals with large times and frame numbers take the field-by-field path and equal JSON.stringify's", () => {
  // Times past 2^31 µs (35 min 47 s) and frames past 2^31 are written by the general path.
  const stalls: Stall[] = [
    {
      cause: 2,
      kind: "rto",
      seconds: 2147.4836485,
      start: 5000.1234567,
      firstFrame: 3,
      lastFrame: 2 ** 31 + 5,
      side: 1,
      backoff: 3,
      pmtuLen: 0,
    },
    {
      cause: 0,
      kind: "handshake",
      seconds: 0.25,
      start: 0,
      firstFrame: 1,
      lastFrame: 2,
      side: 0,
      backoff: 0,
      pmtuLen: 0,
    },
  ];
  const objects = stalls.map((x) => ({
    cause: CAUSES[x.cause],
    kind: x.kind,
    seconds: Math.round(x.seconds * 1e6) / 1e6,
    start: Math.round(x.start * 1e6) / 1e6,
    firstFrame: x.firstFrame,
    lastFrame: x.lastFrame,
    side: x.side === 0 ? "client" : "server",
    ...(x.kind === "rto" ? { backoff: x.backoff } : {}),
  }));
  assert.equal(partsText(intervalsJsonBytes(stalls, false)), JSON.stringify(objects));
  assert.equal(partsText(intervalsJsonBytes(stalls, true)), stringifyAt(objects, 4));
});

test("report stream: byte pieces of two connections made in turns do not mix", async () => {
  // The output queue leaves a long connection's pieces half made and goes on
  // with others: each generator must start from an empty shared buffer.
  const long: Explained[] = [];
  for (const file of files) {
    for (const e of (await explained(file)).list) {
      if ((e.conn.segLog?.length ?? 0) > 20) long.push(e);
    }
    if (long.length >= 2) break;
  }
  assert.ok(long.length >= 2);
  const [a, b] = long;
  const dec = new TextDecoder();
  for (const make of [(e: Explained) => textBytes(e, 100), (e: Explained) => segmentsOf(e)]) {
    const ga = make(a), gb = make(b);
    let ta = "", tb = "";
    // Each piece is read before the next piece of either is asked for.
    for (let doneA = false, doneB = false; !doneA || !doneB;) {
      if (!doneA) {
        const r = ga.next();
        if (r.done) doneA = true;
        else ta += dec.decode(r.value);
      }
      if (!doneB) {
        const r = gb.next();
        if (r.done) doneB = true;
        else tb += dec.decode(r.value);
      }
    }
    assert.equal(ta, partsText(make(a)));
    assert.equal(tb, partsText(make(b)));
  }
});

/** The segments array of a connection as bytes, in small pieces. */
function segmentsOf(e: Explained): Generator<Uint8Array> {
  return segmentsJsonBytes(e.conn.segLog, undefined, true, 100);
}
