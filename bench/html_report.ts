/**
 * Benchmark (a figure, not a timed test): the HTML report of a capture with
 * 100,000 connections. Writes the capture (bench/html_bigcapture.ts), times
 * `tcpecho explain CAPTURE --format html -o FILE` under this runtime, then
 * opens the page in Debian's headless Chromium (playwright-core) and times:
 * load until the table is ready, sorting 100,000 rows, opening one connection
 * (ladder + graph). Prints the figures and the file size.
 *   node_modules/.bin/bun bench/html_report.ts [N=100000]
 *   node_modules/.bin/deno run -A bench/html_report.ts [N]
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import process from "node:process";
import { chromium } from "playwright-core";
import { runtimeName } from "../lib/runtime/mod.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../tests/support/html_chromium.ts";
import { writeBigCapture } from "./html_bigcapture.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  if (!existsSync(CHROMIUM)) {
    console.log(`skip: needs ${CHROMIUM} (apt-get install chromium)`);
    return;
  }
  const dir = mkdtempSync(`${tmpdir()}/tcpecho-html-bench-`);
  try {
    const pcap = `${dir}/big.pcap`;
    const html = `${dir}/big.html`;
    let t = performance.now();
    const packets = writeBigCapture(pcap, n);
    console.log(`capture: ${n} connections, ${packets} packets, ${mib(statSync(pcap).size)}`);
    const rt = runtimeName();
    const main = `${ROOT}cmd/main.ts`;
    const argv = rt === "deno" ? ["run", "-A", main] : [main];
    t = performance.now();
    const r = spawnSync(process.execPath, [
      ...argv,
      "explain",
      pcap,
      "--format",
      "html",
      "-o",
      html,
    ], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 300_000,
    });
    const explainMs = performance.now() - t;
    if (r.status !== 0) {
      throw new Error(`Cannot make the report: explain exited ${r.status}: ${r.stderr}`);
    }
    console.log(
      `explain --format html (${rt}): ${(explainMs / 1000).toFixed(2)} s, ` +
        `report ${mib(statSync(html).size)}`,
    );
    const profile = mkdtempSync(`${tmpdir()}/tcpecho-chromium-`);
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1200, height: 900 },
    });
    try {
      const page = ctx.pages()[0] ?? await ctx.newPage();
      t = performance.now();
      await page.goto("file://" + html, { timeout: 120_000 });
      await page.waitForSelector("body[data-ready]", { timeout: 120_000 });
      const loadMs = performance.now() - t;
      t = performance.now();
      await page.locator("table.conns th", { hasText: "retrans" }).click();
      await page.waitForFunction(() =>
        document.querySelector("table.conns th[aria-sort=ascending]")?.textContent === "retrans"
      );
      const sortMs = performance.now() - t;
      // A connection whose segments are embedded (the default budget keeps 200,000 segments).
      const id = Math.min(n, 20_000);
      t = performance.now();
      await page.evaluate((k) => location.hash = `#conn-${k}`, id);
      await page.waitForSelector(`#conn-${id}[open] svg.ladder`, { timeout: 60_000 });
      await page.waitForSelector(`#conn-${id} .graph canvas`, { timeout: 60_000 });
      const openMs = performance.now() - t;
      const heap = await page.evaluate(() =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? 0
      );
      console.log(
        `chromium: load to ready table ${(loadMs / 1000).toFixed(2)} s, sort ${n} rows ` +
          `${sortMs.toFixed(0)} ms, open connection ${id} ${openMs.toFixed(0)} ms, JS heap ${
            mib(heap)
          }`,
      );
    } finally {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await main();
