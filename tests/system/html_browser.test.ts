/**
 * The HTML report in a real browser (Debian's headless Chromium driven by
 * playwright-core): reports of real captures open without console errors or
 * network requests, the ladder has one arrow per segment, the graph marks
 * retransmissions, slow connections get their time bar and shaded stalls
 * (ladder and graph), dark mode works, and a big table pages, sorts and opens
 * connections. Screenshots are kept in a temporary folder (printed).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "../support/path.ts";
import { ROOT, runCli, skipUnless } from "../support/helpers.ts";
import {
  browserMissing,
  countColorPixels,
  withBrowser,
  withPage,
} from "../support/html_chromium.ts";
import { fixtureReport, FIXTURES } from "../support/html_fixtures.ts";
import type { Page } from "playwright-core";
import { type ExplainReport, renderHtmlReport } from "../../lib/report/html/mod.ts";
import { type PackedReport, unpackConnection } from "../../lib/report/html/compact.ts";

const missing = browserMissing();
const skip = skipUnless(missing === "", missing);
const SHOTS = mkdtempSync(join(tmpdir(), "tcpecho-html-shots-"));
if (!skip) console.log(`html browser: screenshots in ${SHOTS}`);

/** The report of a fixture capture as `tcpecho explain --format html -o` writes it. */
function cliReport(name: string): string {
  const file = join(SHOTS, `${name}.html`);
  const r = runCli(["explain", join(FIXTURES, `${name}.pcap`), "--format", "html", "-o", file]);
  assert.equal(r.code, 0, r.stderr);
  return file;
}

function write(name: string, report: ExplainReport): string {
  const file = join(SHOTS, `${name}.html`);
  writeFileSync(file, renderHtmlReport(report, { captureName: `${name}.pcap` }));
  return file;
}

/** Per-test time limit (bun's default of 5 s is too short for a browser start on a busy machine). */
const T = 60_000;

/** The data a report embeds. */
function embedded(html: string): PackedReport {
  const m = /<script type="application\/json" id="tcpecho-data">(.*?)<\/script>/s.exec(html);
  assert.ok(m, "the page embeds its data");
  return JSON.parse(m[1]) as PackedReport;
}

const isRetrans = (l: string[]) => l.some((x) => x.endsWith("retransmission"));

for (const name of ["server-process-terminated", "server-host-crash", "lossy-bulk", "keepalive"]) {
  test(`html browser: ${name} report opens clean with one ladder arrow per segment`, {
    skip,
    timeout: T,
  }, async () => {
    const { report, source } = fixtureReport(name);
    const conn = report.connections[0];
    const file = cliReport(name);
    await withPage(file, {}, async (page, log) => {
      assert.equal(await page.locator("details.conn[open]").count(), report.connections.length);
      assert.equal(
        await page.locator(`#conn-${conn.id} svg.ladder g.seg`).count(),
        conn.segments.length,
      );
      const rst = conn.segments.filter((s) => s.flags.includes("RST")).length;
      assert.equal(await page.locator(`#conn-${conn.id} g.seg.k-rst`).count(), rst);
      const re = conn.segments.filter((s) => isRetrans(s.labels)).length;
      assert.equal(await page.locator(`#conn-${conn.id} g.seg.k-retrans`).count(), re);
      const ka = conn.segments.filter((s) => s.labels.some((l) => l.startsWith("keepalive")));
      assert.equal(await page.locator(`#conn-${conn.id} g.seg.k-keepalive`).count(), ka.length);
      assert.ok(await page.locator(`#conn-${conn.id} .graph canvas`).count() >= 1);
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: name !== "lossy-bulk" });
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
      assert.deepEqual(log.requests, [], "the report fetched something");
    });
    console.log(`  ${name}: ${conn.segments.length} segments from ${source}`);
  });
}

for (const name of ["server-host-crash", "lossy-bulk"]) {
  test(
    `html browser: ${name} Stevens graph marks the retransmissions`,
    { skip, timeout: T },
    async () => {
      const { report } = fixtureReport(name);
      const conn = report.connections[0];
      const expected = conn.segments.filter((s) =>
        s.from === "client" && s.len > 0 && isRetrans(s.labels)
      )
        .length;
      assert.ok(expected > 0, "the capture has retransmissions");
      await withPage(cliReport(name), {}, async (page, log) => {
        const graph = page.locator(`#conn-${conn.id} .graph[data-sender=client]`);
        assert.equal(await graph.getAttribute("data-retrans"), String(expected));
        const red = await countColorPixels(
          page,
          `#conn-${conn.id} .graph[data-sender=client]`,
          "--retrans",
        );
        assert.ok(red > 20 * expected, `retransmission marks drawn (${red} pixels)`);
        await graph.screenshot({ path: join(SHOTS, `${name}-graph.png`) });
        assert.deepEqual(log.pageErrors, []);
      });
    },
  );
}

/** The `timing` and `slow` objects of a report connection (docs/slow.md), as the tests read them. */
interface SlowFacts {
  timing: {
    seconds: Record<string, number>;
    stalls: { cause: string; kind: string; start: number; seconds: number }[];
  };
  slow: { sentence: string; cause: string } | null;
}

/** Share of a canvas column's pixels (x in canvas pixels) that are not the page background. */
function tintedColumn(page: Page, selector: string, x: number): Promise<number> {
  return page.evaluate(([sel, x]) => {
    const canvas = document.querySelector(`${sel} canvas`) as HTMLCanvasElement;
    const px = canvas.getContext("2d")!.getImageData(x, 0, 1, canvas.height).data;
    let tinted = 0, n = 0;
    // The plot area only: skip the top and bottom fifth (labels, axis).
    for (let y = Math.floor(canvas.height * 0.2); y < canvas.height * 0.8; y++, n++) {
      const i = y * 4;
      if (px[i + 3] > 0 && px[i] + px[i + 1] + px[i + 2] < 3 * 250) tinted++;
    }
    return tinted / n;
  }, [selector, x] as const);
}

test(
  "html browser: a slow reader: time bar per cause, stalls shaded on the ladder and the graph",
  { skip, timeout: 2 * T },
  async () => {
    const { report } = fixtureReport("slow-reader");
    const conn = report.connections[0];
    const { timing, slow } = conn as unknown as SlowFacts;
    assert.ok(slow && slow.cause === "receive-window", "the fixture is a slow reader");
    const causes = Object.keys(timing.seconds).filter((c) => timing.seconds[c] > 0);
    const stalls = timing.stalls.slice().sort((a, b) => a.start - b.start);
    assert.ok(stalls.length > 0);
    const file = cliReport("slow-reader");
    const id = `#conn-${conn.id}`;
    await withBrowser({}, async (open) => {
      const { page, log } = await open(file);
      assert.equal(await page.locator(`${id} .slowline`).innerText(), slow.sentence);
      // The bar: one segment per cause that took time, in the report's cause order.
      const segs = page.locator(`${id} .timebox .timebar .tseg`);
      assert.deepEqual(await segs.evaluateAll((es) => es.map((e) => e.dataset.cause)), causes);
      const shares = await segs.evaluateAll((es) => es.map((e) => Number(e.dataset.share)));
      const widths = await segs.evaluateAll((es) => es.map((e) => e.getBoundingClientRect().width));
      const big = shares.indexOf(Math.max(...shares));
      assert.equal(causes[big], "receive-window");
      assert.equal(
        widths.indexOf(Math.max(...widths)),
        big,
        "the widest segment is the largest share",
      );
      for (
        const title of await segs.evaluateAll((es) => es.map((e) => e.getAttribute("title") ?? ""))
      ) {
        assert.match(title, /^\S \S.*: [\d.]+ (s|ms|µs) \(.*%\)(, frames \d+–\d+)?/);
      }
      assert.match(await page.locator(`${id} .tlegend span`).first().innerText(), /receive window/);
      // The small bars: in the table and in the section's heading.
      assert.equal(await page.locator("table.conns .timebar.mini .tseg").count(), causes.length);
      assert.equal(await page.locator(`${id} summary .timebar.mini .tseg`).count(), causes.length);
      // The ladder: one band per stall, in time order, with its cause.
      const bands = page.locator(`${id} svg.ladder g.stall`);
      assert.deepEqual(
        await bands.evaluateAll((es) => es.map((e) => `${e.dataset.cause}:${e.dataset.kind}`)),
        stalls.map((s) => `${s.cause}:${s.kind}`),
      );
      for (
        const h of await bands.evaluateAll((es) => es.map((e) => e.getBoundingClientRect().height))
      ) {
        assert.ok(h >= 6);
      }
      assert.match(
        await bands.first().locator("text").first().textContent() ?? "",
        /receive-window|full|zero/,
      );
      // The graph: the same stalls, drawn as tinted columns.
      const plot = `${id} .graph[data-sender=client] .plot`;
      assert.equal(
        await page.locator(plot).getAttribute("data-stalls"),
        stalls.map((s) => `${s.cause}:${s.kind}`).join(" "),
      );
      const px = (await page.locator(plot).getAttribute("data-stallpx"))!.split(" ");
      assert.equal(px.length, stalls.length);
      const [x1, x2] = px[0].split(":").map(Number);
      const inside = await tintedColumn(page, plot, Math.round((x1 + x2) / 2));
      assert.ok(inside > 0.9, `the first stall is shaded (${inside})`);
      await page.screenshot({ path: join(SHOTS, "slow-reader.png") });
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);

      // The same connection without timing (an older report): nothing drawn, same column clear.
      const bare = { ...report, connections: [{ ...conn, timing: undefined, slow: undefined }] };
      {
        const { page: p2, log: log2 } = await open(write("slow-reader-untimed", bare));
        assert.equal(await p2.locator(".timebar").count(), 0);
        assert.equal(await p2.locator("g.stall").count(), 0);
        assert.equal(await p2.locator("table.conns th", { hasText: "time went" }).count(), 0);
        assert.equal(await p2.locator(plot).getAttribute("data-stalls"), "");
        const outside = await tintedColumn(p2, plot, Math.round((x1 + x2) / 2));
        assert.ok(outside < inside - 0.5, `unshaded ${outside} against shaded ${inside}`);
        assert.deepEqual(log2.pageErrors, []);
      }
    });
  },
);

test(
  "html browser: a server that thinks 2 s: one stall, the server's application, and hostile text stays text",
  { skip, timeout: 2 * T },
  async () => {
    const { report } = fixtureReport("server-think");
    const conn = report.connections[0];
    const facts = conn as unknown as SlowFacts;
    assert.equal(facts.slow?.cause, "server-app");
    const file = cliReport("server-think");
    await withBrowser({}, async (open) => {
      const { page, log } = await open(file);
      const id = `#conn-${conn.id}`;
      assert.deepEqual(
        await page.locator(`${id} svg.ladder g.stall`).evaluateAll((es) =>
          es.map((e) => e.dataset.cause)
        ),
        facts.timing.stalls.map((s) => s.cause),
      );
      assert.ok(facts.timing.stalls.some((s) => s.cause === "server-app"));
      const share = await page.locator(`${id} .timebox .tseg[data-cause=server-app]`).getAttribute(
        "data-share",
      );
      assert.ok(Number(share) > 0.95, `server-app share ${share}`);
      await page.screenshot({ path: join(SHOTS, "server-think.png"), fullPage: true });
      assert.deepEqual(log.pageErrors, []);
      // Hostile strings in the slowness fields: shown as text, never markup.
      const evil = '<img src=x onerror="window.__pwned=1">';
      const t = facts.timing;
      const hostile = {
        ...conn,
        slow: { ...facts.slow!, sentence: evil },
        timing: { ...t, stalls: t.stalls.map((s) => ({ ...s, kind: evil })) },
      };
      const bad = write("slow-hostile", { ...report, connections: [hostile] });
      const { page: p2, log: log2 } = await open(bad);
      assert.equal(await p2.locator("img").count(), 0);
      assert.equal(
        await p2.evaluate(() => (globalThis as { __pwned?: number }).__pwned),
        undefined,
      );
      assert.equal(await p2.locator(".slowline").innerText(), evil);
      assert.equal(await p2.locator("g.stall").count(), t.stalls.length);
      assert.deepEqual(log2.pageErrors, []);
    });
  },
);

test("html browser: dark mode follows prefers-color-scheme", { skip, timeout: T }, async () => {
  const { report } = fixtureReport("server-host-crash");
  await withPage(write("dark", report), { dark: true }, async (page, log) => {
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const m = /(\d+), (\d+), (\d+)/.exec(bg)!;
    assert.ok(Number(m[1]) + Number(m[2]) + Number(m[3]) < 120, `dark background, got ${bg}`);
    await page.screenshot({ path: join(SHOTS, "dark.png"), fullPage: true });
    assert.deepEqual(log.pageErrors, []);
  });
});

test(
  "html browser: zooming the graph by dragging narrows the time axis",
  { skip, timeout: T },
  async () => {
    const { report } = fixtureReport("lossy-bulk");
    await withPage(write("zoom", report), {}, async (page) => {
      const over = page.locator(".graph[data-sender=client] .u-over");
      const box = (await over.boundingBox())!;
      const plot = page.locator(".graph[data-sender=client] .plot");
      const before = await plot.getAttribute("data-xrange");
      await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.8, { steps: 5 });
      await page.mouse.up();
      const [a0, a1] = (await plot.getAttribute("data-xrange"))!.split(",").map(Number);
      const [b0, b1] = before!.split(",").map(Number);
      assert.ok(a0 > b0 && a1 < b1, `zoomed from ${before} to ${a0},${a1}`);
    });
  },
);

test(
  "html browser: 450 connections: table pages and sorts, a row opens its section",
  { skip, timeout: T },
  async () => {
    const base = [
      fixtureReport("server-process-terminated").report,
      fixtureReport("server-host-crash").report,
    ];
    const connections = Array.from({ length: 450 }, (_, i) => {
      const c = base[i % 2].connections[0];
      return { ...c, id: i + 1, client: { ...c.client, port: 20000 + i } };
    });
    const report: ExplainReport = { capture: base[0].capture, connections };
    await withPage(write("many", report), {}, async (page, log) => {
      assert.equal(await page.locator("table.conns tbody tr").count(), 100);
      assert.equal(await page.locator("details.conn").count(), 0, "sections made on demand");
      await page.locator("table.conns th", { hasText: "retrans" }).click();
      await page.locator("table.conns th", { hasText: "retrans" }).click();
      const first = await page.locator("table.conns tbody tr").first().locator("td").nth(7)
        .innerText();
      assert.equal(first, "5");
      await page.locator("button", { hasText: "next" }).click();
      assert.match(await page.locator(".pageinfo").innerText(), /page 2 of 5/);
      await page.locator("input[type=search]").fill("20007");
      assert.equal(await page.locator("table.conns tbody tr").count(), 1);
      await page.locator("table.conns tbody tr a").first().click();
      await page.waitForSelector("#conn-8[open] svg.ladder");
      assert.equal(await page.locator("#conn-8 g.seg").count(), connections[7].segments.length);
      await page.screenshot({ path: join(SHOTS, "many.png") });
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
    });
  },
);

test(
  "html browser: a --summary report is the table, verdicts and time bars, without drawings",
  { skip, timeout: T },
  async () => {
    const file = join(SHOTS, "summary.html");
    const pcap = join(FIXTURES, "server-host-crash.pcap");
    const r = runCli(["explain", pcap, "--format", "html", "--summary", "-o", file]);
    assert.equal(r.code, 0, r.stderr);
    await withPage(file, {}, async (page, log) => {
      assert.equal(await page.locator("table.conns tbody tr").count(), 1);
      assert.match(await page.locator("p.verdict").innerText(), /§5\.14/);
      assert.match(await page.locator(".body .note").innerText(), /--summary/);
      assert.equal(await page.locator("svg.ladder").count(), 0);
      // The time attribution needs no segments: its bar is there, stall bands are not.
      assert.ok(await page.locator(".body .timebox .tseg[data-cause=loss]").count() === 1);
      assert.equal(await page.locator("g.stall").count(), 0);
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
    });
  },
);

test("html browser: the report of every scenario capture in tests/fixtures/explain opens clean", {
  skip,
  timeout: 4 * T,
}, async () => {
  const dir = join(ROOT, "tests", "fixtures", "explain");
  const captures = existsSync(dir) ? readdirSync(dir).filter((f) => /\.pcap(ng)?$/.test(f)) : [];
  if (captures.length === 0) return void console.log("  no captures in tests/fixtures/explain yet");
  await withBrowser({}, async (open) => {
    for (const name of captures.sort()) {
      const file = join(SHOTS, `scenario-${name}.html`);
      const r = runCli(["explain", join(dir, name), "--format", "html", "-o", file]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      const data = embedded(readFileSync(file, "utf8"));
      const conns = data.rows.slice(0, 5).map((row) =>
        unpackConnection(data, row, data.details[String(row[0])])
      );
      const { page, log } = await open(file);
      const few = data.rows.length <= 5;
      for (const c of conns) {
        if (!few) await page.evaluate((id) => location.hash = `#conn-${id}`, c.id);
        const arrows = page.locator(`#conn-${c.id} svg.ladder g.seg`);
        if (c.segments.length) await arrows.first().waitFor();
        assert.equal(await arrows.count(), Math.min(c.segments.length, 2000), `${name} #${c.id}`);
      }
      // A ladder of 2,000 arrows makes a page ~50,000 px tall: its full-page screenshot took
      // 35-60 s on a loaded machine (load 26), so those get the first screen only.
      const tall = conns.some((c) => c.segments.length > 500);
      await page.screenshot({ path: join(SHOTS, `scenario-${name}.png`), fullPage: !tall });
      assert.deepEqual(log.pageErrors, [], name);
      assert.deepEqual(log.consoleErrors, [], name);
      assert.deepEqual(log.requests, [], name);
      await page.close();
    }
  });
  console.log(`  ${captures.length} scenario reports opened`);
});
