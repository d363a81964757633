// The panel's first view (issue 17): the first training step's first backward(), top-level modules
// open and the rest collapsed, a readable zoom, a collapsible legend, a minimap, a neutral note on how
// the run ended; a cut's lens focuses the cut and what it blocked.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Report } from "../../src/protocol/report";
import { READABLE_ZOOM } from "../../media/src/model";
import { openReport, renders, SHOTS, startEnv, waitRendered, type Env } from "./browser";
import { ganLoop } from "./reportBuilder";

vi.setConfig({ testTimeout: 180000, hookTimeout: 180000 });

let env: Env;
beforeAll(async () => {
  env = await startEnv();
}, 120000);
afterAll(async () => {
  await env?.close();
});

/** two iterations of a GAN loop, stopped by the check's step budget */
function twoSteps(): { report: Report; opsOf: string[][] } {
  const { report, opsOf } = ganLoop(2);
  report.stopped = { reason: "step-budget", message: "stopped before the 3rd optimizer step: all 2 optimizers had stepped 2 times (--steps 2)", file: report.file, line: 28, column: 5 };
  return { report, opsOf };
}

const drawnOps = (page: Page) => page.$$eval(".gl-node.kind-op", (els) => els.map((e) => e.getAttribute("data-node-id")!).sort());
const value = (page: Page, sel: string) => page.$eval(sel, (e) => (e as HTMLSelectElement).value);
const options = (page: Page, sel: string) => page.$$eval(`${sel} option`, (els) => els.map((e) => e.textContent));

async function post(page: Page, message: unknown) {
  const n = await renders(page);
  await page.evaluate((m) => window.postMessage(m, "*"), message);
  await waitRendered(page, n + 1);
}

describe("default view", () => {
  it("opens on step 1 and its first backward(), top-level modules open, the rest collapsed, readable", async () => {
    const { report, opsOf } = twoSteps();
    const { page, errors } = await openReport(env, report);
    expect(await options(page, ".gl-step")).toEqual(["Step 1 of 2", "Step 2 of 2", "All 2 steps"]);
    expect(await value(page, ".gl-step")).toBe("0");
    expect(await options(page, ".gl-backward")).toEqual(["All 2 backward() calls", "backward #0 (line 29) → 2 params", "backward #1 (line 32) → 4 params"]);
    expect(await value(page, ".gl-backward")).toBe("0");
    // only the first iteration's ops; the modules G and D open, their layers collapsed
    const step1 = new Set(opsOf[0]);
    const ops = await drawnOps(page);
    expect(ops.length).toBeGreaterThan(0);
    for (const id of ops) expect(step1.has(id), id).toBe(true);
    expect((await page.$$eval(".gl-cluster", (els) => els.map((e) => e.getAttribute("data-module")))).sort()).toEqual(["D", "G"]);
    expect((await page.$$eval(".gl-node.kind-module", (els) => els.map((e) => e.getAttribute("data-module")))).sort()).toEqual(["D.fc", "G.fc"]);
    // backward #0 (lossD) reaches D's layer, not G's
    expect(await page.$eval('.gl-node[data-module="D.fc"]', (e) => e.classList.contains("reached"))).toBe(true);
    expect(await page.$eval('.gl-node[data-module="G.fc"]', (e) => e.classList.contains("reached"))).toBe(false);
    expect(Number(await page.getAttribute(".gl-svg", "data-zoom"))).toBeGreaterThanOrEqual(READABLE_ZOOM);
    // the budget is a neutral note, not a warning
    expect(await page.$$eval(".gl-banner .gl-note", (els) => els.map((e) => e.textContent))).toEqual(["Stopped after 2 training steps (the check's step budget)."]);
    expect(await page.$$eval(".gl-banner .gl-warning", (e) => e.length)).toBe(0);
    expect(await page.$eval(".gl-banner", (e) => e.classList.contains("gl-banner-warning"))).toBe(false);
    await page.screenshot({ path: join(SHOTS, "default-view-gan-loop.png") });

    // the other iteration on demand
    const n = await renders(page);
    await page.selectOption(".gl-step", "1");
    await waitRendered(page, n + 1);
    const step2 = new Set(opsOf[1]);
    for (const id of await drawnOps(page)) expect(step2.has(id), id).toBe(true);
    expect(await options(page, ".gl-backward")).toEqual(["All 2 backward() calls", "backward #2 (line 29) → 2 params", "backward #3 (line 32) → 4 params"]);
    expect(await value(page, ".gl-backward")).toBe("2");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("names each backward() by its loss when the host sends the names", async () => {
    const { report } = twoSteps();
    const { page } = await openReport(env, report);
    await post(page, { type: "report", report, lossNames: ["lossD", "lossG", "lossD", "lossG"] });
    expect(await options(page, ".gl-backward")).toEqual(["All 2 backward() calls", "backward #0 · lossD (line 29) → 2 params", "backward #1 · lossG (line 32) → 4 params"]);
    await page.close();
  });

  it("the legend folds to its title; the minimap mirrors the nodes and moves the view", async () => {
    const { report } = twoSteps();
    const { page } = await openReport(env, report);
    expect(await page.isVisible(".gl-legend-body")).toBe(true);
    await page.click(".gl-legend-toggle");
    expect(await page.isVisible(".gl-legend-body")).toBe(false);
    expect(await page.getAttribute(".gl-legend-toggle", "aria-expanded")).toBe("false");
    await page.click(".gl-legend-toggle");
    expect(await page.isVisible(".gl-legend-body")).toBe(true);

    expect(await page.$$eval(".gl-minimap .gl-minimap-node", (e) => e.length)).toBe(await page.$$eval(".gl-node", (e) => e.length));
    expect(await page.$$eval(".gl-minimap .gl-minimap-cluster", (e) => e.length)).toBe(2);
    const t0 = await page.getAttribute(".gl-viewport", "transform");
    const box = (await page.$(".gl-minimap svg"))!;
    const b = (await box.boundingBox())!;
    await page.mouse.click(b.x + 3, b.y + 3);
    const t1 = await page.getAttribute(".gl-viewport", "transform");
    expect(t1).not.toBe(t0);
    // the frame follows the view
    const frame = await page.$eval(".gl-minimap-frame", (e) => [Number(e.getAttribute("x")), Number(e.getAttribute("y"))]);
    const k = Number(await page.getAttribute(".gl-svg", "data-zoom"));
    const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(t1!)!;
    expect(frame[0]).toBeCloseTo(-Number(m[1]) / k, 0);
    expect(frame[1]).toBeCloseTo(-Number(m[2]) / k, 0);
    await page.close();
  });

  it("a cut's lens focuses the cut edge and the parameters it blocked", async () => {
    const { report } = twoSteps();
    const { page } = await openReport(env, report);
    const detach = report.graph.edges.filter((e) => e.kind === "detach");
    expect(detach.length).toBe(2);
    const [first] = detach; // the first iteration's
    await post(page, { type: "focus", focus: { line: 27, file: "/home/user/proj/gan_loop.ts" } });
    const focused = await page.$$eval(".gl-node.focused", (els) => els.map((e) => e.getAttribute("data-node-id")!).sort());
    expect(focused).toEqual([first.from, first.to, "param:G.fc.bias", "param:G.fc.weight"].sort());
    expect(await page.$$eval(".gl-edge.kind-detach.focused", (e) => e.length)).toBe(1);
    await page.screenshot({ path: join(SHOTS, "cut-focus-gan-loop.png") });
    await page.close();
  });

  it("is interactive before ELK has started: a provisional layout, replaced by ELK's", async () => {
    const page = await env.browser.newPage({ viewport: { width: 1200, height: 800 } });
    // hold ELK back until the first view is checked
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/elk-worker\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    const { report } = twoSteps();
    await page.addInitScript((r) => ((window as unknown as { __GRADLENS_REPORT__: unknown }).__GRADLENS_REPORT__ = r), report);
    await page.goto(`${env.base}/standalone.html`);
    await page.waitForFunction(() => document.documentElement.dataset.glInteractive === "1");
    expect(await page.evaluate(() => document.documentElement.dataset.glRenders)).toBeUndefined();
    expect(await page.$$eval(".gl-node.kind-module", (els) => els.map((e) => e.getAttribute("data-module")).sort())).toEqual(["D.fc", "G.fc"]);
    expect(await value(page, ".gl-backward")).toBe("0");
    release();
    await waitRendered(page, 1);
    expect(await page.evaluate(() => window.__GRADLENS_TIMING__!.engine)).toMatch(/^worker/);
    expect(await page.$$eval(".gl-node.kind-module", (els) => els.length)).toBe(2);
    await page.close();
  });
});
