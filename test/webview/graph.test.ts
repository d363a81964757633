// The computation-graph panel in Chromium: the standalone page renders each fixture report.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParamStatus, Report } from "../../src/protocol/report";
import { webviewHtml } from "../../media/src/html";
import { fixture, openReport, renders, SHOTS, startEnv, waitRendered, type Env } from "./browser";
import { syntheticOfSize, XSS_NAME } from "./reportBuilder";

// the fallback colours of media/graph.css (no VS Code theme variables outside VS Code)
const STROKE: Record<ParamStatus, string> = {
  updated: "rgb(46, 158, 79)",
  "grad-not-applied": "rgb(201, 154, 6)",
  frozen: "rgb(58, 123, 213)",
  cut: "rgb(209, 53, 43)",
  unused: "rgb(138, 138, 138)",
};

// the machine may be shared and busy: ELK's cold start alone can take seconds
vi.setConfig({ testTimeout: 180000, hookTimeout: 180000 });

let env: Env;
beforeAll(async () => {
  env = await startEnv();
}, 120000);
afterAll(async () => {
  await env?.close();
});

const FIXTURE_NAMES = ["branch.json", "branch-detach.json", "chain-detach.json", "chain-nograd.json", "chain-frozen.json", "gan.json", "gan-no-detach.json"];

describe("fixtures render", () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: every parameter node carries its status class and colour`, async () => {
      const report = fixture(name);
      const { page, errors, dialogs } = await openReport(env, name, { whole: true });
      const nodes = await page.$$eval(".gl-node[data-node-id]", (els) =>
        els.map((e) => ({
          id: e.getAttribute("data-node-id"),
          cls: e.getAttribute("class"),
          stroke: getComputedStyle(e.querySelector(".gl-node-box")!).stroke,
          label: e.querySelector(".gl-node-label")!.textContent,
        })),
      );
      // expanded: every node drawn
      expect(nodes.length).toBe(report.graph.nodes.length);
      for (const p of report.parameters) {
        const gn = report.graph.nodes.find((n) => n.kind !== "op" && n.label === p.name)!;
        const drawn = nodes.find((n) => n.id === gn.id)!;
        expect(drawn, p.name).toBeTruthy();
        expect(drawn.cls).toContain(`status-${p.status}`);
        expect(drawn.stroke, `${p.name} ${p.status}`).toBe(STROKE[p.status]);
        expect(drawn.label).toBe(p.name);
      }
      // ops are labelled with their grad_fn names
      for (const n of report.graph.nodes.filter((x) => x.kind === "op")) expect(nodes.find((d) => d.id === n.id)!.label).toBe(n.label);
      // module clusters
      const clusters = await page.$$eval(".gl-cluster", (els) => els.map((e) => e.getAttribute("data-module")));
      expect(clusters.sort()).toEqual(report.graph.modules.map((m) => m.path).sort());
      // legend lists every status
      const legend = await page.$$eval(".gl-legend-item span:last-child", (els) => els.map((e) => e.textContent));
      expect(legend).toEqual(expect.arrayContaining(["updated", "grad not applied", "frozen", "cut", "unused"]));
      await page.screenshot({ path: join(SHOTS, name.replace(".json", ".png")) });
      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      await page.close();
    });
  }

  it("detach edges are drawn broken with a ✂ marker", async () => {
    for (const [name, n] of [["branch.json", 0], ["branch-detach.json", 1], ["chain-detach.json", 1], ["gan.json", 1], ["gan-no-detach.json", 0]] as const) {
      const { page } = await openReport(env, name);
      const cuts = await page.$$eval(".gl-edge.kind-detach", (els) =>
        els.map((e) => ({
          dash: getComputedStyle(e.querySelector("path")!).strokeDasharray,
          marker: e.querySelector(".gl-cut-marker text")?.textContent,
          from: e.getAttribute("data-from"),
        })),
      );
      expect(cuts.length, name).toBe(n);
      for (const c of cuts) {
        expect(c.marker).toBe("✂");
        expect(c.dash).not.toBe("none");
      }
      await page.close();
    }
  });

  it("noGrad ops are shaded and enclosed in a noGrad region", async () => {
    const { page } = await openReport(env, "chain-nograd.json", { whole: true });
    const r = fixture("chain-nograd.json");
    const ngIds = r.graph.nodes.filter((n) => n.kind === "op" && !n.gradEnabled).map((n) => n.id);
    expect(ngIds.length).toBe(3);
    const info = await page.evaluate((ids) => {
      const out: Array<{ id: string; nograd: boolean; fill: string; box: DOMRect }> = [];
      for (const id of ids) {
        const g = document.querySelector(`.gl-node[data-node-id="${CSS.escape(id)}"]`)!;
        out.push({ id, nograd: g.classList.contains("nograd"), fill: getComputedStyle(g.querySelector(".gl-node-box")!).fill, box: g.getBoundingClientRect().toJSON() });
      }
      const regions = Array.from(document.querySelectorAll(".gl-nograd-region rect")).map((e) => e.getBoundingClientRect().toJSON() as DOMRect);
      const others = Array.from(document.querySelectorAll(".gl-node.nograd")).length;
      return { out, regions, others };
    }, ngIds);
    expect(info.others).toBe(3);
    expect(info.regions.length).toBe(1);
    const reg = info.regions[0];
    for (const n of info.out) {
      expect(n.nograd).toBe(true);
      expect(n.fill).toContain("url(");
      expect(n.box.left).toBeGreaterThanOrEqual(reg.left - 1);
      expect(n.box.right).toBeLessThanOrEqual(reg.right + 1);
      expect(n.box.top).toBeGreaterThanOrEqual(reg.top - 1);
      expect(n.box.bottom).toBeLessThanOrEqual(reg.bottom + 1);
    }
    // gradient-enabled ops are not shaded
    const branch = await openReport(env, "branch.json", { whole: true });
    expect(await branch.page.$$eval(".gl-node.nograd, .gl-nograd-region", (e) => e.length)).toBe(0);
    await page.close();
    await branch.page.close();
  });
});

describe("interaction", () => {
  const reachedParams = (page: import("playwright-core").Page) =>
    page.$$eval(".gl-node.kind-param.reached", (els) => els.map((e) => e.querySelector(".gl-node-label")!.textContent!).sort());

  it("GAN: the backward selector highlights what each loss reaches", async () => {
    const { page } = await openReport(env, "gan.json", { whole: true });
    const options = await page.$$eval(".gl-backward option", (els) => els.map((e) => ({ text: e.textContent, title: e.getAttribute("title") })));
    expect(options.map((o) => o.text)).toEqual(["All 2 backward() calls", "backward #0 (line 37) → 4 params", "backward #1 (line 43) → 8 params"]);
    expect(options[1].title).toBe("gan.ts:37:1 · G: 0, D: 4");
    const D = ["D.fc1.bias", "D.fc1.weight", "D.fc2.bias", "D.fc2.weight"];
    const G = ["G.fc1.bias", "G.fc1.weight", "G.fc2.bias", "G.fc2.weight"];
    // the panel opens on the first backward()
    expect(await page.$eval(".gl-backward", (e) => (e as HTMLSelectElement).value)).toBe("0");
    expect(await reachedParams(page)).toEqual(D);
    // unreached params are dimmed
    const op = await page.$eval('.gl-node.kind-param:not(.reached)', (e) => getComputedStyle(e).opacity);
    expect(Number(op)).toBeLessThan(0.5);
    // the detach edge is never on a highlighted path
    expect(await page.$$eval(".gl-edge.kind-detach.reached", (e) => e.length)).toBe(0);
    expect(await page.$$eval(".gl-edge.reached", (e) => e.length)).toBeGreaterThan(5);
    await page.screenshot({ path: join(SHOTS, "gan-backward0.png") });
    await page.selectOption(".gl-backward", "1");
    expect(await reachedParams(page)).toEqual([...D, ...G].sort());
    await page.selectOption(".gl-backward", "");
    expect(await page.$$eval(".gl-node.reached", (e) => e.length)).toBe(0);
    await page.close();

    const bad = await openReport(env, "gan-no-detach.json", { whole: true });
    await bad.page.selectOption(".gl-backward", "0");
    expect(await reachedParams(bad.page)).toEqual([...D, ...G].sort());
    await bad.page.close();
  });

  it("search marks matches, Enter selects and shows details", async () => {
    const { page } = await openReport(env, "chain-frozen.json", { whole: true });
    await page.fill(".gl-search", "lin1");
    expect(await page.textContent(".gl-search-count")).toBe("2 matches");
    const matched = await page.$$eval(".gl-node.match .gl-node-label", (els) => els.map((e) => e.textContent).sort());
    expect(matched).toEqual(["lin1.bias", "lin1.weight"]);
    await page.press(".gl-search", "Enter");
    await page.waitForSelector(".gl-details:not([hidden])");
    const dd = await page.$$eval(".gl-details dt, .gl-details dd", (els) => els.map((e) => e.textContent));
    const row = (k: string) => dd[dd.indexOf(k) + 1];
    expect(row("status")).toBe("frozen");
    expect(row("cause")).toContain("requires-grad-false");
    expect(row("shape")).toMatch(/^\[8(, 8)?\]$/);
    await page.fill(".gl-search", "");
    expect(await page.$$eval(".gl-node.match", (e) => e.length)).toBe(0);
    await page.close();
  });

  it("a parameter's details show its lr as written (0.1 * 0.1 → 0.01)", async () => {
    const report = fixture("chain-frozen.json");
    for (const p of report.parameters) p.groups = p.groups.map((g) => ({ ...g, lr: 0.1 * 0.1 }));
    const { page } = await openReport(env, report, { whole: true });
    await page.fill(".gl-search", "lin0.weight");
    await page.press(".gl-search", "Enter");
    await page.waitForSelector(".gl-details:not([hidden])");
    const dd = await page.$$eval(".gl-details dt, .gl-details dd", (els) => els.map((e) => e.textContent));
    expect(dd[dd.indexOf("optimizers") + 1]).toBe("opt[0] lr=0.01");
    await page.close();
  });

  it("hover shows a tooltip; click shows details; double-click posts reveal", async () => {
    const { page } = await openReport(env, "branch-detach.json");
    const x = page.locator('.gl-node[data-node-id="leaf:x"]');
    await x.hover();
    await page.waitForSelector(".gl-tooltip:not([hidden])");
    const tip = await page.textContent(".gl-tooltip");
    expect(tip).toContain("status: cut");
    expect(tip).toContain("y.detach()");
    const pow = page.locator('.gl-node[data-node-id="op:1"]');
    await pow.click();
    const dd = await page.$$eval(".gl-details dd", (els) => els.map((e) => e.textContent));
    expect(dd).toEqual(expect.arrayContaining(["12 B", "float32", "[3]", "branch-detach.ts:6:13"]));
    await pow.dblclick();
    const msgs = await page.evaluate(() => window.__GRADLENS_MESSAGES__);
    expect(msgs![0]).toEqual({ type: "ready" });
    expect(msgs).toContainEqual({ type: "reveal", site: { file: "examples/branch-detach.ts", line: 6, column: 13 } });
    await page.close();
  });

  it("modules collapse and expand; zoom and fit", async () => {
    const { page } = await openReport(env, "gan.json", { whole: true });
    const n0 = await renders(page);
    await page.click('.gl-cluster-title[data-module="G"]');
    await waitRendered(page, n0 + 1);
    expect(await page.$$eval('.gl-node[data-vid="m:G"]', (e) => e.length)).toBe(1);
    expect(await page.$$eval('.gl-node[data-node-id="param:G.fc1.weight"]', (e) => e.length)).toBe(0);
    const sub = await page.textContent('.gl-node[data-vid="m:G"] .gl-node-sub');
    expect(sub).toContain("Generator");
    expect(sub).toContain("4 params");
    await page.selectOption(".gl-backward", "0");
    expect(await page.$eval('.gl-node[data-vid="m:G"]', (e) => e.classList.contains("reached"))).toBe(false);
    await page.selectOption(".gl-backward", "1");
    expect(await page.$eval('.gl-node[data-vid="m:G"]', (e) => e.classList.contains("reached"))).toBe(true);
    await page.screenshot({ path: join(SHOTS, "gan-collapsed.png") });
    await page.dblclick('.gl-node[data-vid="m:G"]');
    await waitRendered(page, n0 + 2);
    expect(await page.$$eval('.gl-node[data-node-id="param:G.fc1.weight"]', (e) => e.length)).toBe(1);
    // keyboard: Enter on a cluster title collapses, Enter on the module node expands
    await page.focus('.gl-cluster-title[data-module="D"]');
    await page.keyboard.press("Enter");
    await waitRendered(page, n0 + 3);
    expect(await page.$$eval('.gl-node[data-vid="m:D"]', (e) => e.length)).toBe(1);
    await page.focus('.gl-node[data-vid="m:D"]');
    await page.keyboard.press("Enter");
    await waitRendered(page, n0 + 4);
    expect(await page.$$eval('.gl-node[data-vid="m:D"]', (e) => e.length)).toBe(0);
    // zoom with the wheel, then fit
    const z0 = Number(await page.getAttribute(".gl-svg", "data-zoom"));
    await page.mouse.move(600, 400);
    await page.mouse.wheel(0, -400);
    const z1 = Number(await page.getAttribute(".gl-svg", "data-zoom"));
    expect(z1).toBeGreaterThan(z0);
    // pan by dragging the background
    const t0 = await page.getAttribute(".gl-viewport", "transform");
    await page.mouse.move(20, 200);
    await page.mouse.down();
    await page.mouse.move(120, 260, { steps: 5 });
    await page.mouse.up();
    expect(await page.getAttribute(".gl-viewport", "transform")).not.toBe(t0);
    await page.click(".gl-fit");
    expect(Number(await page.getAttribute(".gl-svg", "data-zoom"))).toBeCloseTo(z0, 2);
    await page.close();
  });

  it("large graphs start collapsed, with repeated blocks folded", async () => {
    const report = syntheticOfSize(2000);
    const { page } = await openReport(env, report);
    const drawn = await page.$$eval(".gl-node", (e) => e.length);
    expect(drawn).toBeLessThanOrEqual(300);
    const fold = await page.$$eval(".gl-node.kind-fold .gl-node-label", (els) => els.map((e) => e.textContent));
    expect(fold).toEqual(["Block × 12"]);
    await page.screenshot({ path: join(SHOTS, "synthetic-2000.png") });
    const n0 = await renders(page);
    await page.click(".gl-node.kind-fold .gl-toggle");
    await waitRendered(page, n0 + 1);
    expect(await page.$$eval('.gl-node.kind-module[data-module^="blocks."]', (e) => e.length)).toBe(12);
    // search finds a node inside a collapsed block and expands its way to it
    await page.fill(".gl-search", "blocks.7.mlp.fc2.weight");
    await page.press(".gl-search", "Enter");
    await waitRendered(page, n0 + 2);
    expect(await page.$$eval('.gl-node.current-match[data-node-id="param:blocks.7.mlp.fc2.weight"]', (e) => e.length)).toBe(1);
    await page.close();
  });

  it("exports SVG and DOT", async () => {
    const { page } = await openReport(env, "branch-detach.json");
    await page.click(".gl-export-dot");
    await page.click(".gl-export-svg");
    const msgs = (await page.evaluate(() => window.__GRADLENS_MESSAGES__))!;
    const dot = msgs.find((m) => m.type === "exportDot");
    const svg = msgs.find((m) => m.type === "exportSvg");
    expect(dot && "dot" in dot && dot.dot).toMatch(/^digraph "gradlens" \{/);
    expect(dot && "dot" in dot && dot.dot).toContain('label="✂"');
    const text = svg && "svg" in svg ? svg.svg : "";
    expect(text.startsWith("<?xml")).toBe(true);
    expect(text).toContain("PowBackward0");
    expect(text).not.toContain("var(--");
    expect(text).not.toContain('class="');
    // the exported SVG renders on its own
    const p2 = await env.browser.newPage();
    await p2.setContent(text.replace(/^<\?xml[^>]*>/, ""));
    expect(await p2.$$eval("svg text", (e) => e.length)).toBeGreaterThan(5);
    await p2.screenshot({ path: join(SHOTS, "export-svg.png") });
    await p2.close();
    await page.close();
  });
});

describe("security", () => {
  it("names from user code are rendered as text, never markup", async () => {
    const r = fixture("xss.json");
    const { page, dialogs, errors } = await openReport(env, r);
    const labels = await page.$$eval(".gl-node-label", (els) => els.map((e) => e.textContent));
    expect(labels).toContain(XSS_NAME);
    expect(await page.$$eval("img, script:not([src]), svg svg, b, i", (e) => e.length)).toBe(0);
    await page.click(`.gl-node[data-node-id="${"param:" + XSS_NAME}"]`);
    expect(await page.textContent(".gl-details h2")).toBe(XSS_NAME);
    const cluster = await page.textContent(".gl-cluster-title");
    expect(cluster).toContain("<script>alert(3)</script>");
    await page.hover(`.gl-node[data-node-id="${"param:" + XSS_NAME}"]`);
    expect(await page.textContent(".gl-tooltip")).toContain(XSS_NAME);
    await page.fill(".gl-search", "<img");
    await page.press(".gl-search", "Enter");
    await page.click(".gl-export-svg");
    await page.waitForTimeout(200);
    expect(await page.$$eval("img", (e) => e.length)).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "xss.png") });
    await page.close();
  });

  it("runs under the webview's Content-Security-Policy, with ELK in a blob: worker, as in VS Code", async () => {
    const nonce = "dGVzdG5vbmNlMTIzNDU2Nzg5MA";
    env.pages.set(
      "/webview.html",
      webviewHtml({ cspSource: env.base, nonce, scriptUri: `${env.base}/dist/graph.js`, styleUri: `${env.base}/graph.css` }),
    );
    const page = await env.browser.newPage({ viewport: { width: 1000, height: 700 } });
    const violations: string[] = [];
    const errors: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused/.test(m.text())) violations.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    // VS Code injects acquireVsCodeApi; a stand-in records what the page posts and keeps its state
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      const posted: unknown[] = [];
      let state: unknown;
      w.__posted = posted;
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => posted.push(m), getState: () => state, setState: (s: unknown) => (state = s) });
      document.addEventListener("securitypolicyviolation", (e) => posted.push({ violation: e.violatedDirective, uri: e.blockedURI }));
    });
    await page.goto(`${env.base}/webview.html`);
    await page.waitForFunction(() => ((window as unknown as { __posted: unknown[] }).__posted ?? []).length > 0);
    expect(await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted[0])).toEqual({ type: "ready" });
    const report: Report = fixture("gan.json");
    await page.evaluate((r) => window.postMessage({ type: "report", report: r, focus: { node: "param:D.fc2.weight" } }, "*"), report);
    await waitRendered(page, 1);
    expect(await page.evaluate(() => document.documentElement.dataset.glEngine)).toBe("worker(blob)");
    await page.waitForSelector('.gl-node.focused[data-node-id="param:D.fc2.weight"]');
    await page.selectOption(".gl-backward", "1");
    await page.dblclick('.gl-node[data-node-id="param:D.fc2.weight"]');
    const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    expect(posted).toContainEqual({ type: "reveal", site: { file: "examples/gan.ts", line: 15, column: 17 } });
    const state = (await page.evaluate(() => (window as unknown as { acquireVsCodeApi: () => { getState(): unknown } }).acquireVsCodeApi().getState())) as Record<string, unknown>;
    expect(state).toMatchObject({ file: "examples/gan.ts", backward: 1 });
    // focus by source line
    await page.evaluate(() => window.postMessage({ type: "focus", focus: { line: 41 } }, "*"));
    await page.waitForSelector(".gl-node.focused");
    expect(violations).toEqual([]);
    expect(posted.filter((m) => (m as { violation?: string }).violation)).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "webview-csp.png") });
    await page.close();
  });

  it("falls back to ELK on the main thread when no worker can start", async () => {
    const { page } = await openReport(env, "branch.json", { query: "noWorker" });
    expect(await page.evaluate(() => document.documentElement.dataset.glEngine)).toBe("main-thread");
    expect(await page.$$eval(".gl-node", (e) => e.length)).toBe(5);
    await page.close();
  });
});
