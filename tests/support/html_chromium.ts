/**
 * Test helper for the HTML report: open HTML in Debian's headless Chromium
 * through playwright-core (never a downloaded browser).
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "./path.ts";
import { chromium, type Page } from "playwright-core";

/** The system Chromium (Debian package `chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or "" when they can. */
export function browserMissing(): string {
  return existsSync(CHROMIUM)
    ? ""
    : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`;
}

/** What happened while a page was open. */
export interface PageLog {
  consoleErrors: string[];
  pageErrors: string[];
  /** Every request other than the report file itself. */
  requests: string[];
}

/**
 * Launch flags: no network services, no first-run, no GPU (bench/html_report.ts
 * uses them too).
 *
 * @example
 * ```ts
 * await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
 * ```
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Opens a file in a new page of the browser; see {@link withBrowser}. */
export type OpenPage = (file: string) => Promise<{ page: Page; log: PageLog }>;

/**
 * Starts a fresh headless Chromium (empty profile folder, offline), gives `fn`
 * a function that opens files in new pages (each waits until the report says
 * it is ready), and closes everything afterwards.
 */
export async function withBrowser<T>(
  opts: { dark?: boolean; width?: number },
  fn: (open: OpenPage) => Promise<T>,
): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), "tcpecho-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: opts.width ?? 1200, height: 900 },
    colorScheme: opts.dark ? "dark" : "light",
    offline: true,
  });
  try {
    return await fn(async (file) => {
      const page = await ctx.newPage();
      const url = "file://" + file;
      const log: PageLog = { consoleErrors: [], pageErrors: [], requests: [] };
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") log.consoleErrors.push(m.text());
      });
      page.on("pageerror", (e) => log.pageErrors.push(e.message));
      page.on("request", (r) => {
        if (r.url() !== url) log.requests.push(r.url());
      });
      await page.goto(url);
      await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
      return { page, log };
    });
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Opens one file in a fresh browser, runs `fn`, and closes everything. */
export function withPage<T>(
  file: string,
  opts: { dark?: boolean; width?: number },
  fn: (page: Page, log: PageLog) => Promise<T>,
): Promise<T> {
  return withBrowser(opts, async (open) => {
    const { page, log } = await open(file);
    return await fn(page, log);
  });
}

/**
 * Counts canvas pixels close to a CSS colour inside `selector`'s canvas (how a
 * test sees that the graph really draws retransmission marks).
 */
export function countColorPixels(page: Page, selector: string, cssVar: string): Promise<number> {
  return page.evaluate(([sel, v]) => {
    const canvas = document.querySelector(`${sel} canvas`) as HTMLCanvasElement | null;
    if (!canvas) return -1;
    const probe = document.createElement("div");
    probe.style.color = `var(${v})`;
    document.body.append(probe);
    const m = /(\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color);
    probe.remove();
    if (!m) return -2;
    const [r, g, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const px = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 30) n++;
    }
    return n;
  }, [selector, cssVar] as const);
}
