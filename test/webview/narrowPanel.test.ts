// The panel in a narrow editor group (issue 17): the legend folds to its button and the minimap
// shrinks, then hides (media/src/overlays.ts), as the panel is resized; a fitted graph is never drawn
// under either.
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { legendOpenByDefault, minimapWidth } from "../../media/src/overlays";
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

/** the drawn nodes whose boxes overlap the element's box */
function nodesUnder(page: Page, selector: string): Promise<string[]> {
  return page.$eval(selector, (overlay) => {
    const o = overlay.getBoundingClientRect();
    return Array.from(document.querySelectorAll(".gl-node"))
      .filter((n) => {
        const b = n.getBoundingClientRect();
        return b.left < o.right && b.right > o.left && b.top < o.bottom && b.bottom > o.top;
      })
      .map((n) => n.getAttribute("data-node-id") ?? "");
  });
}

const minimapShown = (page: Page) => page.isVisible(".gl-minimap");
const minimapSvgWidth = (page: Page) => page.$eval(".gl-minimap svg", (e) => Number(e.getAttribute("width")));

async function clickFit(page: Page) {
  await page.click(".gl-fit");
  await page.waitForFunction(() => true);
}

/** waits until the ResizeObserver has applied the new size */
async function resize(page: Page, width: number, height = 800) {
  await page.setViewportSize({ width, height });
  await page.waitForFunction((w) => Math.round(document.querySelector(".gl-stage")!.getBoundingClientRect().right) <= w, width);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe("overlay sizes", () => {
  it("the minimap is a fifth of the stage up to 180 px, and none below 520 × 320", () => {
    expect(minimapWidth(1200, 800)).toBe(180);
    expect(minimapWidth(900, 800)).toBe(180);
    expect(minimapWidth(700, 800)).toBe(140);
    expect(minimapWidth(520, 800)).toBe(104);
    expect(minimapWidth(519, 800)).toBe(0);
    expect(minimapWidth(1200, 319)).toBe(0);
  });
  it("the legend starts open from 900 px", () => {
    expect(legendOpenByDefault(899)).toBe(false);
    expect(legendOpenByDefault(900)).toBe(true);
  });
});

describe("a narrow panel", () => {
  it("400 px wide: the legend is a button, no minimap, and the fitted graph is clear of the button", async () => {
    const { report } = ganLoop(2);
    const { page, errors } = await openReport(env, report, { width: 400, height: 800 });
    expect(await page.isVisible(".gl-legend-toggle")).toBe(true);
    expect(await page.isVisible(".gl-legend-body")).toBe(false);
    expect(await minimapShown(page)).toBe(false);
    const legend = (await (await page.$(".gl-legend"))!.boundingBox())!;
    expect(legend.width).toBeLessThan(100);
    await clickFit(page);
    expect(await page.$$eval(".gl-node", (e) => e.length)).toBeGreaterThan(0);
    expect(await nodesUnder(page, ".gl-legend")).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "narrow-panel-gan-loop.png") });
    // opened on request, it stays open
    await page.click(".gl-legend-toggle");
    expect(await page.isVisible(".gl-legend-body")).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("follows the panel's width: folds and hides when narrowed, opens again when widened", async () => {
    const { report } = ganLoop(2);
    const { page } = await openReport(env, report, { width: 1200, height: 800 });
    expect(await page.isVisible(".gl-legend-body")).toBe(true);
    expect(await minimapSvgWidth(page)).toBe(180);
    await resize(page, 700);
    expect(await page.isVisible(".gl-legend-body")).toBe(false);
    expect(await minimapShown(page)).toBe(true);
    expect(await minimapSvgWidth(page)).toBe(minimapWidth(700, await page.$eval(".gl-stage", (e) => e.getBoundingClientRect().height)));
    await resize(page, 400);
    expect(await minimapShown(page)).toBe(false);
    await resize(page, 1200);
    expect(await page.isVisible(".gl-legend-body")).toBe(true);
    expect(await minimapSvgWidth(page)).toBe(180);
    // the user's choice outlasts a resize
    await page.click(".gl-legend-toggle");
    await resize(page, 400);
    await resize(page, 1200);
    expect(await page.isVisible(".gl-legend-body")).toBe(false);
    await page.close();
  });

  it("a wide panel's fitted graph is clear of the legend and the minimap", async () => {
    const { report } = ganLoop(2);
    const { page } = await openReport(env, report, { width: 1200, height: 500 });
    const n = await renders(page);
    await page.selectOption(".gl-step", "");
    await waitRendered(page, n + 1);
    await clickFit(page);
    expect(await nodesUnder(page, ".gl-legend")).toEqual([]);
    expect(await nodesUnder(page, ".gl-minimap")).toEqual([]);
    await page.close();
  });
});
