// The graph panel on the Reports the real check produces (issue 7's acceptance): the article's
// examples and both GANs are run through the real runner (bundle + worker + tracer) and analysis,
// then each Report is rendered in the standalone page in Debian's Chromium. The DOM must show what
// the Report says: each parameter's status, a ✂ on every detach edge, the noGrad shading, and, per
// backward() call, exactly the parameters it reached.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParamStatus, Report } from "../../src/protocol/report";
import { runCheck } from "../../src/runner/check";
import { openReport, ROOT, SHOTS, startEnv, type Env } from "./browser";

// the fallback colours of media/graph.css (no VS Code theme variables outside VS Code)
const STROKE: Record<ParamStatus, string> = {
  updated: "rgb(46, 158, 79)",
  "grad-not-applied": "rgb(201, 154, 6)",
  frozen: "rgb(58, 123, 213)",
  cut: "rgb(209, 53, 43)",
  unused: "rgb(138, 138, 138)",
};

// the machine may be shared and busy: a worker run plus ELK's cold start can take seconds
vi.setConfig({ testTimeout: 180000, hookTimeout: 180000 });

const workerPath = join(ROOT, "node_modules/.cache/gradlens-webview-real-tests/worker.js");
let env: Env;
let workerBuilt: Promise<void>;

beforeAll(async () => {
  const config = (await import(join(ROOT, "esbuild.config.mjs"))) as {
    buildEntries(names: string[], options: { outdir: string; quiet: boolean }): Promise<void>;
  };
  workerBuilt = config.buildEntries(["worker"], { outdir: join(workerPath, ".."), quiet: true });
  [env] = await Promise.all([startEnv(), workerBuilt]);
});
afterAll(async () => {
  await env?.close();
});

/** one real check per example, shared by the tests that need it */
const reports = new Map<string, Promise<Report>>();
function reportOf(name: string): Promise<Report> {
  if (!reports.has(name)) reports.set(name, workerBuilt.then(() => runCheck(`examples/${name}.ts`, { workerPath, cwd: ROOT, timeoutMs: 60000 })));
  return reports.get(name)!;
}

/** graph node id of each parameter (parameters are the non-op nodes labelled with their name) */
function paramNodeIds(r: Report): Map<string, string> {
  const ids = new Map<string, string>();
  for (const p of r.parameters) {
    const n = r.graph.nodes.find((x) => x.kind !== "op" && x.label === p.name);
    if (n) ids.set(p.name, n.id);
  }
  return ids;
}

/** names of the parameters whose drawn node is highlighted as reached */
async function reachedParams(page: Page, r: Report): Promise<string[]> {
  const byId = new Map([...paramNodeIds(r)].map(([name, id]) => [id, name]));
  const ids = await page.$$eval(".gl-node.reached[data-node-id]", (els) => els.map((e) => e.getAttribute("data-node-id")!));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])).sort();
}

interface Expect {
  /** statuses the check must find, so that the panel is tested on more than one colour */
  statuses: Partial<Record<string, ParamStatus>>;
  /** the example cuts with detach() (one detach edge per traced iteration) */
  detach: boolean;
  noGradOps: boolean;
}

const lin = (i: number, st: ParamStatus) => ({ [`lin${i}.weight`]: st, [`lin${i}.bias`]: st });
const EXAMPLES: Record<string, Expect> = {
  // no optimizer: the gradients arrive but nothing applies them
  "branch-detach": { statuses: { x: "grad-not-applied", q: "grad-not-applied", x2: "grad-not-applied", q2: "grad-not-applied" }, detach: true, noGradOps: false },
  "chain-detach": { statuses: { ...lin(0, "cut"), ...lin(1, "cut"), ...lin(2, "updated"), ...lin(3, "updated") }, detach: true, noGradOps: false },
  "frozen-middle": { statuses: { ...lin(1, "updated"), ...lin(2, "frozen"), ...lin(3, "updated") }, detach: false, noGradOps: false },
  "no-grad-middle": { statuses: { ...lin(0, "cut"), ...lin(1, "cut"), ...lin(2, "updated") }, detach: false, noGradOps: true },
  gan: { statuses: { "G.0.weight": "updated", "D.2.bias": "updated" }, detach: true, noGradOps: false },
  "gan-no-detach": { statuses: { "G.0.weight": "updated", "D.2.bias": "updated" }, detach: false, noGradOps: false },
};

describe("real reports render", () => {
  for (const [name, want] of Object.entries(EXAMPLES)) {
    it(`${name}: statuses, cut markers, noGrad shading and every backward() highlight match the report`, async () => {
      const r = await reportOf(name);
      expect(r.error).toBeNull();
      expect(Object.fromEntries(r.parameters.map((p) => [p.name, p.status]))).toMatchObject(want.statuses);
      const { page, errors, dialogs } = await openReport(env, r, { whole: true });

      // every parameter node drawn, with its status as attribute, class and colour
      const drawn = await page.$$eval(".gl-node[data-node-id]", (els) =>
        els.map((e) => ({
          id: e.getAttribute("data-node-id")!,
          status: e.getAttribute("data-status"),
          cls: e.getAttribute("class")!.split(/\s+/),
          stroke: getComputedStyle(e.querySelector(".gl-node-box")!).stroke,
          label: e.querySelector(".gl-node-label")!.textContent,
        })),
      );
      // all steps, expanded: every node is drawn
      expect(drawn.length).toBe(r.graph.nodes.length);
      const ids = paramNodeIds(r);
      expect([...ids.keys()].sort()).toEqual(r.parameters.map((p) => p.name).sort());
      for (const p of r.parameters) {
        const d = drawn.find((x) => x.id === ids.get(p.name));
        expect(d, p.name).toBeTruthy();
        expect(d!.status, p.name).toBe(p.status);
        expect(d!.cls, p.name).toContain(`status-${p.status}`);
        expect(d!.stroke, `${p.name} ${p.status}`).toBe(STROKE[p.status]);
        expect(d!.label).toBe(p.name);
      }

      // a ✂ on every detach edge, drawn between the edge's own nodes
      const detach = r.graph.edges.filter((e) => e.kind === "detach");
      expect(detach.length > 0).toBe(want.detach);
      const cuts = await page.$$eval(".gl-edge.kind-detach", (els) =>
        els.map((e) => ({
          from: e.getAttribute("data-from"),
          to: e.getAttribute("data-to"),
          marker: e.querySelector(".gl-cut-marker text")?.textContent,
          dash: getComputedStyle(e.querySelector("path")!).strokeDasharray,
        })),
      );
      expect(cuts.map((c) => `${c.from}→${c.to}`).sort()).toEqual(detach.map((e) => `n:${e.from}→n:${e.to}`).sort());
      for (const c of cuts) {
        expect(c.marker).toBe("✂");
        expect(c.dash).not.toBe("none");
      }

      // ops computed under noGrad are shaded and enclosed in a region; no other op is
      const noGrad = r.graph.nodes.filter((n) => n.kind === "op" && !n.gradEnabled).map((n) => n.id);
      expect(noGrad.length > 0).toBe(want.noGradOps);
      const shaded = await page.$$eval(".gl-node.nograd", (els) => els.map((e) => e.getAttribute("data-node-id")!));
      expect(shaded.sort()).toEqual(noGrad.sort());
      const outside = await page.evaluate(() => {
        const regions = Array.from(document.querySelectorAll(".gl-nograd-region rect")).map((e) => e.getBoundingClientRect());
        return Array.from(document.querySelectorAll(".gl-node.nograd")).flatMap((g) => {
          const b = g.getBoundingClientRect();
          const inside = regions.some((r) => b.left >= r.left - 1 && b.right <= r.right + 1 && b.top >= r.top - 1 && b.bottom <= r.bottom + 1);
          return inside ? [] : [g.getAttribute("data-node-id")];
        });
      });
      expect(outside).toEqual([]);
      expect((await page.$$eval(".gl-nograd-region", (e) => e.length)) > 0).toBe(want.noGradOps);
      await page.screenshot({ path: join(SHOTS, `real-${name}.png`) });

      // each backward() highlights exactly the parameters it reached (the first one from the start); "all" highlights none
      expect(r.backwards.length).toBeGreaterThan(0);
      expect(await reachedParams(page, r)).toEqual([...r.backwards[0].reached].sort());
      for (const b of r.backwards) {
        await page.selectOption(".gl-backward", String(b.index));
        expect(await reachedParams(page, r), `${name} backward #${b.index}`).toEqual([...b.reached].sort());
        // the gradient never flows along a cut edge
        expect(await page.$$eval(".gl-edge.kind-detach.reached", (e) => e.length)).toBe(0);
      }
      await page.selectOption(".gl-backward", "");
      expect(await page.$$eval(".gl-node.reached", (e) => e.length)).toBe(0);

      expect(errors).toEqual([]);
      expect(dialogs).toEqual([]);
      await page.close();
    });
  }
});

describe("real GAN reports: what D's loss reaches", () => {
  const D = ["D.0.bias", "D.0.weight", "D.2.bias", "D.2.weight"];
  const G = ["G.0.bias", "G.0.weight", "G.2.bias", "G.2.weight"];
  /** the first lossD.backward() call, found by what is written on its line */
  const lossD = (r: Report) => {
    const lines = readFileSync(join(ROOT, r.file), "utf8").split("\n");
    return r.backwards.find((b) => /lossD\.backward\(/.test(lines[b.line - 1]));
  };

  for (const [name, reached, shot] of [
    ["gan", D, "real-gan-lossD.png"],
    ["gan-no-detach", [...D, ...G].sort(), "real-gan-no-detach-lossD.png"],
  ] as const) {
    it(`${name}: selecting D's backward() highlights ${name === "gan" ? "D only" : "D and G"}`, async () => {
      const r = await reportOf(name);
      expect(r.parameters.map((p) => p.name).sort()).toEqual([...D, ...G].sort());
      const b = lossD(r);
      if (!b) throw new Error(`${name}: no lossD.backward() in the report`);
      const { page } = await openReport(env, r, { whole: true });
      await page.selectOption(".gl-backward", String(b.index));
      // the option names the call by its line (the loss name comes from the extension host, which reads the source)
      expect(await page.$eval(".gl-backward", (e) => (e as HTMLSelectElement).selectedOptions[0].textContent)).toContain(`backward #${b.index} (line ${b.line})`);
      expect(await page.$eval(".gl-backward", (e) => (e as HTMLSelectElement).selectedOptions[0].title)).toContain(`${name}.ts:${b.line}`);
      expect(await reachedParams(page, r)).toEqual(reached);
      // the parameters it did not reach are dimmed
      const dim = await page.$$eval(".gl-node.kind-param:not(.reached)", (els) => els.map((e) => Number(getComputedStyle(e).opacity)));
      expect(dim.length).toBe(8 - reached.length);
      for (const o of dim) expect(o).toBeLessThan(0.5);
      await page.screenshot({ path: join(SHOTS, shot) });
      await page.close();
    });
  }
});
