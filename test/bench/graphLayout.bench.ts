// Benchmark of the computation-graph panel in Chromium (Debian's /usr/bin/chromium, or
// GRADLENS_CHROMIUM): time to interactive for a generated 2,000-node report, and a
// 20,000-op-node report that stays usable because modules start collapsed ("Block × 100").
// "Interactive" = laid out by ELK and drawn, measured in the page from navigation start.
import type { Page } from "playwright-core";
import type { Report } from "../../src/protocol/report";
import { startEnv, waitRendered, type Env } from "../webview/browser";
import { syntheticOfSize } from "../webview/reportBuilder";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
}

interface Timing {
  layoutMs: number;
  renderMs: number;
  engine: string;
  nodes: number;
  edges: number;
  sinceReportMs: number;
  at: number;
  interactiveAt: number;
}

async function open(env: Env, report: Report): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript((r) => ((window as unknown as { __GRADLENS_REPORT__: unknown }).__GRADLENS_REPORT__ = r), report);
  await page.goto(`${env.base}/standalone.html`);
  await waitRendered(page, 1, 300000);
  return page;
}

const timing = (page: Page) => page.evaluate(() => window.__GRADLENS_TIMING__ as Timing);
const rendersOf = (page: Page) => page.evaluate(() => Number(document.documentElement.dataset.glRenders ?? 0));

/** wall time of an action until the page has rendered once more */
async function timed(page: Page, action: () => Promise<unknown>): Promise<number> {
  const n = await rendersOf(page);
  const t0 = Date.now();
  await action();
  await waitRendered(page, n + 1, 300000);
  return Date.now() - t0;
}

export async function benchGraphLayout(): Promise<BenchResult[]> {
  const env = await startEnv();
  const out: BenchResult[] = [];
  try {
    // 2,000 nodes
    const r2k = syntheticOfSize(2000);
    const p = await open(env, r2k);
    const t = await timing(p);
    // interactive: the first view drawn (a provisional layout while ELK starts); then ELK's layout replaces it
    out.push({ name: `webview: ${r2k.graph.nodes.length}-node report, time to interactive (cold, from navigation)`, value: Math.round(t.interactiveAt), unit: "ms", target: "< 1000 ms" });
    out.push({ name: `webview: ${r2k.graph.nodes.length}-node report, time to ELK's layout (cold, incl. ELK start)`, value: Math.round(t.at), unit: "ms", target: "informational" });
    out.push({ name: `webview: ${r2k.graph.nodes.length}-node report, layout+render (${t.nodes} shown, ${t.engine})`, value: Math.round(t.layoutMs + t.renderMs), unit: "ms", target: "< 1000 ms" });
    // the same report again into the open page (ELK warm), as when the user re-runs a check
    await timed(p, () => p.evaluate((r) => window.postMessage({ type: "report", report: r }, "*"), r2k));
    const tw = await timing(p);
    out.push({ name: `webview: ${r2k.graph.nodes.length}-node report, report message to interactive with ELK warm`, value: Math.round(tw.sinceReportMs), unit: "ms", target: "< 1000 ms" });
    await timed(p, () => p.click(".gl-expand-all"));
    const te = await timing(p);
    out.push({ name: `webview: ${r2k.graph.nodes.length}-node report, fully expanded (${te.nodes} nodes drawn), layout+render`, value: Math.round(te.layoutMs + te.renderMs), unit: "ms", target: "informational" });
    await p.close();

    // 20,000 op nodes
    const r20k = syntheticOfSize(20000);
    const ops = r20k.graph.nodes.filter((n) => n.kind === "op").length;
    const q = await open(env, r20k);
    const t2 = await timing(q);
    out.push({ name: `webview: ${ops}-op-node report, time to interactive collapsed (${t2.nodes} shown)`, value: Math.round(t2.at), unit: "ms", target: "< 3000 ms" });
    const unfold = await timed(q, () => q.click(".gl-node.kind-fold .gl-toggle"));
    out.push({ name: `webview: ${ops}-op-node report, unfold "Block × 100"`, value: unfold, unit: "ms", target: "< 3000 ms" });
    const expand = await timed(q, () => q.dblclick('.gl-node[data-vid="m:blocks.0"]'));
    out.push({ name: `webview: ${ops}-op-node report, expand one block`, value: expand, unit: "ms", target: "< 3000 ms" });
    await q.close();
  } finally {
    await env.close();
  }
  return out;
}
