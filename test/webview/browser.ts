// Test helpers: build media/ into a temp dir, serve it on 127.0.0.1, drive Debian's Chromium.
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, extname } from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildMedia } from "../../media/build.mjs";
import type { Report } from "../../src/protocol/report";

export const ROOT = join(__dirname, "../..");
export const SHOTS = join(__dirname, "shots");
export const CHROMIUM = process.env.GRADLENS_CHROMIUM ?? "/usr/bin/chromium";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

export interface Env {
  browser: Browser;
  server: Server;
  base: string;
  dist: string;
  /** extra pages served from memory: path → html */
  pages: Map<string, string>;
  close(): Promise<void>;
}

export async function startEnv(): Promise<Env> {
  const dist = await buildMedia({ outdir: mkdtempSync(join(tmpdir(), "gradlens-media-")) });
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let file: string | null = null;
    const p = decodeURIComponent(url.pathname);
    if (pages.has(p)) {
      res.writeHead(200, { "content-type": TYPES[".html"] });
      res.end(pages.get(p));
      return;
    }
    if (p === "/standalone.html" || p === "/graph.css") file = join(ROOT, "media", p);
    else if (p.startsWith("/dist/")) file = join(dist, normalize(p.slice(6)).replace(/^(\.\.[/\\])+/, ""));
    else if (p.startsWith("/reports/")) file = join(ROOT, "test/fixtures/reports", normalize(p.slice(9)).replace(/^(\.\.[/\\])+/, ""));
    if (!file || !existsSync(file)) {
      res.writeHead(404);
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    browser,
    server,
    base,
    dist,
    pages,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface Opened {
  page: Page;
  dialogs: string[];
  errors: string[];
}

/** open the standalone page with a fixture name ("gan.json") or a Report object */
export async function openReport(env: Env, report: string | Report, opts: { width?: number; height?: number; query?: string; whole?: boolean } = {}): Promise<Opened> {
  const page = await env.browser.newPage({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 800 } });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  let url = `${env.base}/standalone.html`;
  if (typeof report === "string") url += `?report=${encodeURIComponent(`/reports/${report}`)}`;
  else await page.addInitScript((r) => ((window as unknown as { __GRADLENS_REPORT__: unknown }).__GRADLENS_REPORT__ = r), report);
  if (opts.query) url += (url.includes("?") ? "&" : "?") + opts.query;
  await page.goto(url);
  await waitRendered(page, 1);
  if (opts.whole) await showWhole(page);
  return { page, dialogs, errors };
}

/** from the default view (first step, modules collapsed) to the whole graph, by the toolbar: all steps, Expand all */
export async function showWhole(page: Page): Promise<void> {
  let n = await renders(page);
  if (await page.$eval(".gl-step", (e) => !(e as HTMLSelectElement).hidden)) {
    await page.selectOption(".gl-step", "");
    await waitRendered(page, ++n);
  }
  await page.click(".gl-expand-all");
  await waitRendered(page, ++n);
}

/** wait until the page has rendered at least `n` times and is not busy */
export async function waitRendered(page: Page, n: number, timeout = 30000) {
  await page.waitForFunction(
    (k) => Number(document.documentElement.dataset.glRenders ?? 0) >= k && !document.documentElement.dataset.glBusy,
    n,
    { timeout },
  );
}

export async function renders(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.documentElement.dataset.glRenders ?? 0));
}

export function fixture(name: string): Report {
  return JSON.parse(readFileSync(join(ROOT, "test/fixtures/reports", name), "utf8")) as Report;
}
