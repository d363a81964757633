// GradLens computation-graph panel. Entry of media/dist/graph.js (esbuild, iife, browser).
// Consumes only a Report (src/protocol/report.ts) delivered by a `report` message (VS Code), by
// window.__GRADLENS_REPORT__ or by ?report=<url> (standalone page). All user strings (parameter,
// module and file names) go into the DOM as text nodes, never as markup.

import type { GraphNode, ParamStatus, Report } from "../../src/protocol/report";
import { formatLr } from "../../src/protocol/formatLr";
import {
  isExtensionToWebviewMessage,
  type WebviewFocus,
} from "../../src/protocol/webviewMessages";
import { modelToDot } from "./dot";
import { createHost, type Host } from "./host";
import { backwardLabel, stoppedNote } from "./labels";
import { cutFocus, nodesAtLine } from "./focus";
import { Minimap } from "./minimap";
import { legendOpenByDefault, minimapWidth } from "./overlays";
import { reportOfStep, trainingSteps } from "./steps";
import { engineReady, layoutView, warmUp, CLUSTER_PAD_TOP, type LayoutResult, type Point } from "./layout";
import { quickLayout } from "./quickLayout";
import {
  READABLE_ZOOM,
  STATUSES,
  ancestorsOf,
  allCollapsible,
  buildModel,
  computeView,
  defaultCollapsed,
  foldKey,
  formatBytes,
  paramOf,
  searchNodes,
  siteText,
  statusOf,
  type Model,
  type VNode,
  type View,
} from "./model";

declare global {
  interface Window {
    __GRADLENS_REPORT__?: Report;
    /** the last render: ELK time (incl. waiting for ELK to start), SVG build time, time since the report arrived, time since navigation */
    __GRADLENS_TIMING__?: { layoutMs: number; renderMs: number; engine: string; nodes: number; edges: number; sinceReportMs: number; at: number; interactiveAt: number };
    __GRADLENS__?: App;
  }
}

const SVG_NS = "http://www.w3.org/2000/svg";
export const COLLAPSE_THRESHOLD = 300;

const STATUS_LABEL: Record<ParamStatus, string> = {
  updated: "updated",
  "grad-not-applied": "grad not applied",
  frozen: "frozen",
  cut: "cut",
  unused: "unused",
};

interface Persisted {
  file?: string;
  /** the training step shown (null: all of them) */
  step?: number | null;
  backward?: number | null;
  /** the user's choice (the toggle); absent: folded or open by the panel's width */
  legendOpen?: boolean;
  transform?: Transform;
  collapsed?: string[];
  unfolded?: string[];
}
interface Transform {
  k: number;
  x: number;
  y: number;
}

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.text !== undefined) e.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.appendChild(c);
  return e;
}

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export class App {
  host: Host;
  model: Model | null = null;
  view: View | null = null;
  layout: LayoutResult | null = null;
  collapsed = new Set<string>();
  unfolded = new Set<string>();
  backward: number | null = null;
  /** the report as received; `model` is built from its graph restricted to `step` */
  fullReport: Report | null = null;
  steps: number[][] = [];
  step: number | null = null;
  /** per backward index, the loss it was called on (from the host), or null */
  lossNames: Array<string | null> = [];
  legendOpen = true;
  /** the user opened or folded the legend: its width no longer decides */
  legendChosen = false;
  minimap!: Minimap;
  transform: Transform = { k: 1, x: 0, y: 0 };
  selected: string | null = null;
  focused = new Set<string>();
  matches: string[] = [];
  matchIndex = -1;
  renders = 0;
  private generation = 0;
  private urls: { worker: string; bundled: string; nonce: string; noWorker: boolean };

  // DOM
  root: HTMLElement;
  toolbar!: HTMLElement;
  backwardSelect!: HTMLSelectElement;
  stepSelect!: HTMLSelectElement;
  searchInput!: HTMLInputElement;
  searchCount!: HTMLElement;
  banner!: HTMLElement;
  stage!: HTMLElement;
  svg!: SVGSVGElement;
  viewport!: SVGGElement;
  details!: HTMLElement;
  tooltip!: HTMLElement;
  legend!: HTMLElement;
  status!: HTMLElement;

  constructor(root: HTMLElement, host: Host, scriptSrc: string, nonce: string) {
    this.root = root;
    this.host = host;
    const noWorker = /[?&]noWorker\b/.test(location.search);
    this.urls = {
      worker: new URL("elk-worker.js", scriptSrc).href,
      bundled: new URL("elk.bundled.js", scriptSrc).href,
      nonce,
      noWorker,
    };
    this.buildChrome();
    warmUp(this.urls);
  }

  // ----------------------------------------------------------------------------------------------
  // chrome

  private buildChrome() {
    const r = this.root;
    r.classList.add("gl-app");
    r.textContent = "";
    this.backwardSelect = h("select", { class: "gl-backward", attrs: { title: "Highlight what one backward() call reaches", "aria-label": "backward() call" } });
    this.backwardSelect.addEventListener("change", () => {
      const v = this.backwardSelect.value;
      this.setBackward(v === "" ? null : Number(v));
    });
    this.stepSelect = h("select", { class: "gl-step", attrs: { title: "The training step whose graph is drawn", "aria-label": "training step" } });
    this.stepSelect.addEventListener("change", () => {
      const v = this.stepSelect.value;
      void this.setStep(v === "" ? null : Number(v));
    });
    this.searchInput = h("input", { class: "gl-search", attrs: { type: "search", placeholder: "Search nodes…", "aria-label": "Search nodes by name" } });
    this.searchInput.addEventListener("input", () => this.search(this.searchInput.value));
    this.searchInput.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        void this.nextMatch(ev.shiftKey ? -1 : 1);
      } else if (ev.key === "Escape") {
        this.searchInput.value = "";
        this.search("");
      }
    });
    this.searchCount = h("span", { class: "gl-search-count" });
    const btn = (label: string, title: string, cls: string, fn: () => void) => {
      const b = h("button", { class: `gl-btn ${cls}`, text: label, attrs: { type: "button", title } });
      b.addEventListener("click", fn);
      return b;
    };
    this.toolbar = h(
      "div",
      { class: "gl-toolbar", attrs: { role: "toolbar" } },
      this.stepSelect,
      h("label", { class: "gl-label", text: "Loss:" }),
      this.backwardSelect,
      this.searchInput,
      this.searchCount,
      h("span", { class: "gl-spacer" }),
      btn("Fit", "Fit the graph to the view", "gl-fit", () => this.fit()),
      btn("+", "Zoom in", "gl-zoom-in", () => this.zoomBy(1.25)),
      btn("−", "Zoom out", "gl-zoom-out", () => this.zoomBy(0.8)),
      btn("Collapse all", "Collapse every module", "gl-collapse-all", () => void this.collapseAll()),
      btn("Expand all", "Expand every module", "gl-expand-all", () => void this.expandAll()),
      btn("SVG", "Export the view as SVG", "gl-export-svg", () => this.exportSvg()),
      btn("DOT", "Export the graph as Graphviz DOT", "gl-export-dot", () => this.exportDot()),
    );
    this.banner = h("div", { class: "gl-banner", attrs: { role: "status" } });
    this.banner.hidden = true;

    this.svg = s("svg", { class: "gl-svg", role: "img", "aria-label": "Computation graph" }) as SVGSVGElement;
    const defs = s("defs");
    const marker = (id: string, cls: string) => {
      const m = s("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse", markerUnits: "userSpaceOnUse" });
      m.appendChild(s("path", { d: "M0,0 L10,5 L0,10 z", class: cls }));
      return m;
    };
    defs.appendChild(marker("gl-arrow", "gl-arrowhead"));
    defs.appendChild(marker("gl-arrow-hl", "gl-arrowhead gl-arrowhead-hl"));
    defs.appendChild(marker("gl-arrow-cut", "gl-arrowhead gl-arrowhead-cut"));
    const pat = s("pattern", { id: "gl-nograd-hatch", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pat.appendChild(s("rect", { width: 8, height: 8, class: "gl-hatch-bg" }));
    pat.appendChild(s("line", { x1: 0, y1: 0, x2: 0, y2: 8, class: "gl-hatch-line" }));
    defs.appendChild(pat);
    this.svg.appendChild(defs);
    this.viewport = s("g", { class: "gl-viewport" });
    this.svg.appendChild(this.viewport);

    this.tooltip = h("div", { class: "gl-tooltip", attrs: { role: "tooltip" } });
    this.tooltip.hidden = true;
    this.details = h("aside", { class: "gl-details", attrs: { "aria-label": "Node details" } });
    this.details.hidden = true;
    this.legend = this.buildLegend();
    this.status = h("div", { class: "gl-statusline" });
    this.minimap = new Minimap((x, y) => this.centerAt(x, y));
    this.stage = h("div", { class: "gl-stage" }, this.svg, this.legend, this.minimap.root, this.status, this.tooltip);
    r.append(this.toolbar, this.banner, h("div", { class: "gl-main" }, this.stage, this.details));
    new ResizeObserver(() => this.fitOverlays()).observe(this.stage);
    this.installPanZoom();
    this.installNodeEvents();
    window.addEventListener("keydown", (ev) => {
      if (ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement) return;
      if (ev.key === "/") {
        ev.preventDefault();
        this.searchInput.focus();
      } else if (ev.key === "Escape") this.select(null);
    });
  }

  private buildLegend(): HTMLElement {
    const box = h("div", { class: "gl-legend", attrs: { "aria-label": "Legend" } });
    const toggle = h("button", { class: "gl-legend-toggle", text: "Legend", attrs: { type: "button", "aria-expanded": "true", title: "Show or hide the legend" } });
    toggle.addEventListener("click", () => {
      this.legendChosen = true;
      this.setLegendOpen(!this.legendOpen);
    });
    const body = h("div", { class: "gl-legend-body" });
    box.append(toggle, body);
    const item = (sw: HTMLElement, label: string) => body.appendChild(h("div", { class: "gl-legend-item" }, sw, h("span", { text: label })));
    body.appendChild(h("div", { class: "gl-legend-title", text: "Parameters" }));
    for (const st of STATUSES) item(h("span", { class: `gl-swatch status-${st}` }), STATUS_LABEL[st]);
    body.appendChild(h("div", { class: "gl-legend-title", text: "Graph" }));
    item(h("span", { class: "gl-swatch gl-swatch-op" }), "op (grad_fn)");
    item(h("span", { class: "gl-swatch gl-swatch-leaf" }), "leaf tensor");
    item(h("span", { class: "gl-swatch gl-swatch-nograd" }), "noGrad region");
    item(h("span", { class: "gl-swatch gl-swatch-cut", text: "✂" }), "detach: gradient cut");
    item(h("span", { class: "gl-swatch gl-swatch-module" }), "module (collapsed)");
    return box;
  }

  setLegendOpen(open: boolean) {
    this.legendOpen = open;
    this.legend.classList.toggle("collapsed", !open);
    this.legend.querySelector(".gl-legend-toggle")!.setAttribute("aria-expanded", String(open));
    this.persist();
  }

  /** Sizes the overlays to the stage (overlays.ts); runs whenever the panel is resized. */
  private fitOverlays() {
    const r = this.stage.getBoundingClientRect();
    if (r.width === 0) return; // a hidden panel: keep the last sizes
    this.minimap.setWidth(minimapWidth(r.width, r.height));
    const open = legendOpenByDefault(r.width);
    if (!this.legendChosen && open !== this.legendOpen) this.setLegendOpen(open);
  }

  /** warnings (the run failed, layout failed) and neutral notes (how the run ended, a bounded graph) */
  private showBanner(warnings: string[], notes: string[] = []) {
    this.banner.textContent = "";
    for (const l of warnings) this.banner.appendChild(h("div", { class: "gl-warning", text: l }));
    for (const l of notes) this.banner.appendChild(h("div", { class: "gl-note", text: l }));
    this.banner.hidden = warnings.length + notes.length === 0;
    this.banner.classList.toggle("gl-banner-warning", warnings.length > 0);
  }

  // ----------------------------------------------------------------------------------------------
  // report

  private reportAt = 0;

  async setReport(report: Report, focus?: WebviewFocus, lossNames?: Array<string | null>) {
    this.reportAt = performance.now();
    this.fullReport = report;
    this.lossNames = lossNames ?? [];
    this.steps = trainingSteps(report.backwards ?? []);
    const saved = this.host.getState<Persisted>();
    const same = !!saved && saved.file === report.file;
    // the legend starts folded where it would cover much of the graph (a panel beside the editor)
    this.legendChosen = typeof saved?.legendOpen === "boolean";
    this.legendOpen = this.legendChosen ? saved!.legendOpen! : legendOpenByDefault(this.stage.getBoundingClientRect().width);
    this.legend.classList.toggle("collapsed", !this.legendOpen);
    this.legend.querySelector(".gl-legend-toggle")!.setAttribute("aria-expanded", String(this.legendOpen));
    this.fitOverlays();
    const ns = this.steps.length;
    // the first training step: a loop records the same graph once per iteration
    this.step = ns < 2 ? null : same && saved.step !== undefined && (saved.step === null || saved.step < ns) ? saved.step : 0;
    const model = (this.model = buildModel(reportOfStep(report, this.steps, this.step)));
    const known = new Set(allCollapsible(model));
    this.collapsed = same && saved.collapsed ? new Set(saved.collapsed.filter((p) => known.has(p))) : defaultCollapsed(model, COLLAPSE_THRESHOLD);
    this.unfolded = new Set(same && saved.unfolded ? saved.unfolded : []);
    const nb = report.backwards?.length ?? 0;
    this.backward = same && saved.backward !== undefined && (saved.backward === null || saved.backward < nb) ? saved.backward : this.firstBackward();
    this.selected = null;
    this.focused.clear();
    this.select(null);
    this.fillStepSelect();
    this.fillBackwardSelect();

    const warnings: string[] = [];
    const notes: string[] = [];
    const note = stoppedNote(report);
    if (report.error) warnings.push(`The run stopped with an error at ${siteText(report.error)}: ${report.error.message}`);
    else if (note) notes.push(note);
    else if (report.stopped && report.stopped.reason !== "end-of-file") warnings.push(`The run stopped early (${report.stopped.reason}): ${report.stopped.message}`);
    if (report.graph?.truncated) notes.push(`The graph holds the run's first ${report.graph.nodes.length} nodes.`);
    if (!model.nodes.size) notes.push("No autograd graph was recorded.");
    this.showBanner(warnings, notes);

    await this.relayout(same && saved.transform ? saved.transform : "readable");
    if (this.searchInput.value) this.search(this.searchInput.value);
    if (focus) await this.focus(focus);
  }

  /** the first backward() of the step on show (of the run when all steps are) */
  private firstBackward(): number | null {
    return this.steps[this.step ?? 0]?.[0] ?? null;
  }

  private fillStepSelect() {
    const sel = this.stepSelect;
    sel.textContent = "";
    const ns = this.steps.length;
    this.steps.forEach((bs, i) => sel.appendChild(h("option", { text: `Step ${i + 1} of ${ns}`, attrs: { value: String(i), title: `backward() calls ${bs.map((b) => `#${b}`).join(", ")}` } })));
    sel.appendChild(h("option", { text: `All ${ns} steps`, attrs: { value: "" } }));
    sel.value = this.step === null ? "" : String(this.step);
    sel.hidden = ns < 2;
  }

  private fillBackwardSelect() {
    const report = this.fullReport;
    const sel = this.backwardSelect;
    sel.textContent = "";
    const all = report?.backwards ?? [];
    const mine = this.step === null ? all : all.filter((b) => this.steps[this.step!]?.includes(b.index));
    const n = mine.length;
    sel.appendChild(h("option", { text: n ? `All ${n} backward() call${n === 1 ? "" : "s"}` : "No backward() call", attrs: { value: "" } }));
    for (const b of mine) {
      const mods = Object.entries(b.byModule ?? {}).map(([m, c]) => `${m}: ${c}`).join(", ");
      sel.appendChild(h("option", { text: backwardLabel(b, this.lossNames[b.index]), attrs: { value: String(b.index), title: `${siteText(b)}${mods ? ` · ${mods}` : ""}` } }));
    }
    sel.value = this.backward === null ? "" : String(this.backward);
    sel.disabled = n === 0;
  }

  /** show one training step's graph (null: every step's) */
  async setStep(step: number | null) {
    const report = this.fullReport;
    if (!report) return;
    this.step = step;
    this.model = buildModel(reportOfStep(report, this.steps, step));
    const known = new Set(allCollapsible(this.model));
    this.collapsed = new Set([...this.collapsed].filter((p) => known.has(p)));
    if (this.backward !== null && step !== null && !this.steps[step]?.includes(this.backward)) this.backward = this.firstBackward();
    this.stepSelect.value = step === null ? "" : String(step);
    this.fillBackwardSelect();
    this.focused.clear();
    this.select(null);
    await this.relayout("readable");
    if (this.searchInput.value) this.search(this.searchInput.value);
  }

  private persist() {
    if (!this.model) return;
    this.host.setState<Persisted>({
      file: this.model.report.file,
      step: this.step,
      backward: this.backward,
      legendOpen: this.legendChosen ? this.legendOpen : undefined,
      transform: this.transform,
      collapsed: [...this.collapsed],
      unfolded: [...this.unfolded],
    });
  }

  // ----------------------------------------------------------------------------------------------
  // layout + render

  private measureCtx: CanvasRenderingContext2D | null = null;
  private fonts: { sans: string; mono: string } | null = null;
  private textWidth(t: string, px: number, bold = false, mono = false): number {
    if (!this.measureCtx) {
      this.measureCtx = document.createElement("canvas").getContext("2d");
      const cs = getComputedStyle(document.documentElement);
      this.fonts = {
        sans: getComputedStyle(this.svg).fontFamily || "sans-serif",
        mono: cs.getPropertyValue("--gl-mono").trim() || "monospace",
      };
    }
    const ctx = this.measureCtx;
    if (!ctx) return t.length * px * (mono ? 0.62 : 0.6) * (bold ? 1.08 : 1);
    ctx.font = `${bold ? "600 " : ""}${px}px ${mono ? this.fonts!.mono : this.fonts!.sans}`;
    return ctx.measureText(t).width * 1.04;
  }

  async relayout(transform: Transform | "fit" | "readable" | "keep" = "keep") {
    const model = this.model;
    if (!model) return;
    const gen = ++this.generation;
    document.documentElement.dataset.glBusy = "1";
    const view = computeView(model, { collapsed: this.collapsed, unfolded: this.unfolded });
    const sizes = new Map<string, { width: number; height: number }>();
    for (const v of view.nodes) {
      const big = v.kind === "module" || v.kind === "fold";
      const labelW = v.kind === "op" ? this.textWidth(v.label, 11.5, false, true) : this.textWidth(v.label, 12, big || v.kind === "param");
      const w = Math.max(labelW, this.textWidth(v.sub, 10, false, true)) + (big ? 40 : 20);
      sizes.set(v.vid, { width: Math.ceil(Math.max(w, 56)), height: big ? 42 : 36 });
    }
    // a cold first view: drawn at once with a provisional layout while ELK starts (no render counted, still busy)
    let provisional: Transform | null = null;
    if (this.interactiveAt === null && !engineReady()) {
      this.view = view;
      this.layout = quickLayout(view, (vid) => sizes.get(vid)!);
      this.draw(transform);
      provisional = this.transform;
      this.interactiveAt = performance.now();
      document.documentElement.dataset.glInteractive = "1";
    }
    let layout: LayoutResult;
    try {
      layout = await layoutView(view, (vid) => sizes.get(vid)!, this.urls);
    } catch (e) {
      if (gen !== this.generation) return;
      this.showBanner([`Layout failed: ${e instanceof Error ? e.message : String(e)}`]);
      delete document.documentElement.dataset.glBusy;
      return;
    }
    if (gen !== this.generation) return;
    this.view = view;
    this.layout = layout;
    const t0 = performance.now();
    // the user already panned or zoomed the provisional view: leave the view where they put it
    this.draw(provisional && this.transform !== provisional ? "keep" : transform);
    const renderMs = performance.now() - t0;
    this.interactiveAt ??= performance.now();
    document.documentElement.dataset.glInteractive = "1";
    this.renders++;
    const de = document.documentElement;
    de.dataset.glRenders = String(this.renders);
    de.dataset.glEngine = layout.engine;
    delete de.dataset.glBusy;
    window.__GRADLENS_TIMING__ = { layoutMs: layout.ms, renderMs, engine: layout.engine, nodes: view.nodes.length, edges: view.edges.length, sinceReportMs: performance.now() - this.reportAt, at: performance.now(), interactiveAt: this.interactiveAt };
    this.status.textContent = `${view.nodes.length} shown · ${model.nodes.size} nodes · layout ${Math.round(layout.ms)} ms (${layout.engine})`;
    this.persist();
  }

  /** when the first view was drawn (provisional or final), ms since navigation */
  private interactiveAt: number | null = null;

  private draw(transform: Transform | "fit" | "readable" | "keep") {
    const view = this.view!;
    const layout = this.layout!;
    this.render();
    this.minimap.draw(view, layout); // first: a fit keeps the graph clear of the minimap's new size
    if (transform === "fit") this.fit();
    else if (transform === "readable") this.fit(READABLE_ZOOM);
    else if (transform !== "keep") this.setTransform(transform);
    this.updateMinimap();
    this.applyClasses();
  }

  private render() {
    const view = this.view!;
    const L = this.layout!;
    const vp = this.viewport;
    vp.textContent = "";
    const gClusters = s("g", { class: "gl-clusters" });
    const gRegions = s("g", { class: "gl-regions" });
    const gEdges = s("g", { class: "gl-edges" });
    const gNodes = s("g", { class: "gl-nodes" });
    vp.append(gClusters, gRegions, gEdges, gNodes);

    for (const c of view.clusters) {
      const b = L.clusters.get(c.path);
      if (!b) continue;
      const g = s("g", { class: `gl-cluster depth-${Math.min(c.depth, 5)}`, "data-module": c.path });
      g.appendChild(s("rect", { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }));
      const title = s("g", { class: "gl-cluster-title", "data-module": c.path, role: "button", tabindex: 0 });
      title.appendChild(s("rect", { x: b.x, y: b.y, width: b.width, height: CLUSTER_PAD_TOP - 4, rx: 6, class: "gl-cluster-title-bg" }));
      const t = s("text", { x: b.x + 8, y: b.y + 15 });
      t.appendChild(s("tspan", { class: "gl-toggle" }, "▾ "));
      t.appendChild(s("tspan", { class: "gl-cluster-path" }, c.path));
      t.appendChild(s("tspan", { class: "gl-cluster-type" }, ` · ${c.type}`));
      title.appendChild(t);
      g.appendChild(title);
      gClusters.appendChild(g);
    }

    // noGrad regions: connected groups of visible noGrad nodes
    const ng = view.nodes.filter((v) => v.noGrad && v.members.length);
    if (ng.length) {
      const parent = new Map<string, string>();
      const find = (x: string): string => {
        let r = x;
        while (parent.get(r) !== r) r = parent.get(r)!;
        parent.set(x, r);
        return r;
      };
      for (const v of ng) parent.set(v.vid, v.vid);
      for (const e of view.edges) if (parent.has(e.from) && parent.has(e.to)) parent.set(find(e.from), find(e.to));
      const groups = new Map<string, string[]>();
      for (const v of ng) {
        const r = find(v.vid);
        (groups.get(r) ?? groups.set(r, []).get(r)!).push(v.vid);
      }
      for (const ids of groups.values()) {
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (const id of ids) {
          const b = L.nodes.get(id);
          if (!b) continue;
          x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
          x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
        }
        if (!Number.isFinite(x0)) continue;
        const pad = 7;
        const g = s("g", { class: "gl-nograd-region", "data-nodes": ids.length });
        g.appendChild(s("rect", { x: x0 - pad, y: y0 - pad - 12, width: x1 - x0 + 2 * pad, height: y1 - y0 + 2 * pad + 12, rx: 8 }));
        g.appendChild(s("text", { x: x0 - pad + 6, y: y0 - pad - 2 }, "noGrad"));
        gRegions.appendChild(g);
      }
    }

    for (const e of view.edges) {
      const pts = L.edges.get(e.id);
      if (!pts || pts.length < 2) continue;
      const g = s("g", { class: `gl-edge kind-${e.kind}`, "data-from": e.from, "data-to": e.to });
      const d = "M" + pts.map((p) => `${r1(p.x)},${r1(p.y)}`).join(" L");
      g.appendChild(s("path", { d, class: "gl-edge-line", "marker-end": e.kind === "detach" ? "url(#gl-arrow-cut)" : "url(#gl-arrow)" }));
      if (e.count > 1) {
        const m = midpoint(pts);
        g.appendChild(s("text", { x: m.x + 6, y: m.y - 3, class: "gl-edge-count" }, `×${e.count}`));
      }
      if (e.kind === "detach") {
        const m = midpoint(pts);
        const cut = s("g", { class: "gl-cut-marker", transform: `translate(${r1(m.x)},${r1(m.y)})` });
        cut.appendChild(s("circle", { r: 9 }));
        cut.appendChild(s("text", { y: 4.5, "text-anchor": "middle" }, "✂"));
        g.appendChild(cut);
      }
      gEdges.appendChild(g);
    }

    for (const v of view.nodes) {
      const b = L.nodes.get(v.vid);
      if (!b) continue;
      const cls = ["gl-node", `kind-${v.kind}`];
      if (v.status) cls.push(`status-${v.status}`);
      if (v.noGrad) cls.push("nograd");
      if (v.node && v.node.requiresGrad === false && v.kind === "op") cls.push("no-requires-grad");
      const attrs: Record<string, string | number> = { class: cls.join(" "), "data-vid": v.vid, transform: `translate(${b.x},${b.y})`, tabindex: 0 };
      if (v.node) attrs["data-node-id"] = v.node.id;
      if (v.status) attrs["data-status"] = v.status;
      if (v.kind === "module" || v.kind === "fold") attrs["data-module"] = v.modules[0];
      const g = s("g", attrs);
      const rx = v.kind === "leaf" ? b.height / 2 : v.kind === "op" ? 4 : 7;
      g.appendChild(s("rect", { width: b.width, height: b.height, rx, class: "gl-node-box" }));
      if (v.kind === "fold") {
        g.appendChild(s("rect", { x: 3, y: 3, width: b.width - 6, height: b.height - 6, rx: rx - 2, class: "gl-fold-inner" }));
      }
      const big = v.kind === "module" || v.kind === "fold";
      const tx = big ? 24 : b.width / 2;
      const anchor = big ? "start" : "middle";
      g.appendChild(s("text", { x: tx, y: big ? 17 : 15, "text-anchor": anchor, class: "gl-node-label" }, v.label));
      g.appendChild(s("text", { x: tx, y: big ? 32 : 29, "text-anchor": anchor, class: "gl-node-sub" }, v.sub));
      if (big) {
        g.appendChild(s("text", { x: 8, y: 17, class: "gl-toggle", role: "button" }, "▸"));
        let px = b.width - 8;
        for (const st of STATUSES) {
          const n = v.statusCounts?.[st];
          if (!n) continue;
          g.appendChild(s("circle", { cx: px, cy: 8, r: 4, class: `gl-pip status-${st}`, "data-count": n }));
          px -= 11;
        }
      }
      gNodes.appendChild(g);
    }
  }

  /** classes that change without a new layout: backward highlight, search, selection, focus */
  applyClasses() {
    const view = this.view;
    if (!view) return;
    const b = this.backward;
    this.svg.classList.toggle("gl-has-backward", b !== null);
    this.svg.classList.toggle("gl-searching", this.matches.length > 0 || this.searchInput.value.trim() !== "");
    const matchV = new Set(this.matches.map((id) => view.rep.get(id)).filter((x): x is string => !!x));
    const focusV = new Set([...this.focused].map((id) => view.rep.get(id)).filter((x): x is string => !!x));
    const current = this.matchIndex >= 0 ? view.rep.get(this.matches[this.matchIndex]) : undefined;
    for (const g of Array.from(this.viewport.querySelectorAll<SVGGElement>(".gl-node"))) {
      const v = view.byVid.get(g.dataset.vid!)!;
      g.classList.toggle("reached", b !== null && v.backwards.has(b));
      g.classList.toggle("match", matchV.has(v.vid));
      g.classList.toggle("current-match", current === v.vid);
      g.classList.toggle("selected", this.selected === v.vid);
      g.classList.toggle("focused", focusV.has(v.vid));
    }
    const byId = new Map(view.edges.map((e) => [`${e.from}\u0000${e.to}\u0000${e.kind}`, e]));
    for (const g of Array.from(this.viewport.querySelectorAll<SVGGElement>(".gl-edge"))) {
      const e = byId.get(`${g.dataset.from}\u0000${g.dataset.to}\u0000${g.classList.contains("kind-detach") ? "detach" : "data"}`);
      const on = b !== null && !!e && e.backwards.has(b);
      g.classList.toggle("reached", on);
      g.classList.toggle("focused", !!e && e.kind === "detach" && focusV.has(e.from) && focusV.has(e.to));
      const path = g.querySelector("path");
      if (path && e && e.kind === "data") path.setAttribute("marker-end", on ? "url(#gl-arrow-hl)" : "url(#gl-arrow)");
    }
  }

  setBackward(b: number | null) {
    this.backward = b;
    this.backwardSelect.value = b === null ? "" : String(b);
    this.applyClasses();
    this.persist();
  }

  // ----------------------------------------------------------------------------------------------
  // collapse / expand

  async toggleModule(vid: string) {
    const view = this.view;
    if (!view) return;
    const v = view.byVid.get(vid);
    if (v?.kind === "fold") {
      this.unfolded.add(foldKey(v.modules[0], v.modules[v.modules.length - 1]));
    } else if (v?.kind === "module") {
      this.collapsed.delete(v.modules[0]);
    } else return;
    await this.relayout("keep");
  }

  async collapseModule(path: string) {
    this.collapsed.add(path);
    await this.relayout("keep");
  }

  async collapseAll() {
    if (!this.model) return;
    this.collapsed = new Set(allCollapsible(this.model));
    this.unfolded.clear();
    await this.relayout("fit");
  }

  async expandAll() {
    if (!this.model) return;
    this.collapsed.clear();
    await this.relayout("fit");
  }

  /** expand the modules around these graph nodes; true when something changed */
  private expandTo(ids: string[]): boolean {
    let changed = false;
    for (const id of ids) {
      const n = this.model?.nodes.get(id);
      if (!n) continue;
      for (const p of ancestorsOf(this.model!, n.module)) if (this.collapsed.delete(p)) changed = true;
    }
    return changed;
  }

  // ----------------------------------------------------------------------------------------------
  // search, focus, selection

  search(q: string) {
    if (!this.model) return;
    this.matches = searchNodes(this.model, q);
    this.matchIndex = -1;
    this.searchCount.textContent = q.trim() ? `${this.matches.length} match${this.matches.length === 1 ? "" : "es"}` : "";
    this.applyClasses();
  }

  async nextMatch(dir: 1 | -1) {
    if (!this.matches.length) return;
    this.matchIndex = (this.matchIndex + dir + this.matches.length) % this.matches.length;
    const id = this.matches[this.matchIndex];
    if (this.expandTo([id])) await this.relayout("keep");
    const vid = this.view?.rep.get(id);
    if (vid) {
      this.select(vid);
      this.centerOn([vid]);
    }
    this.applyClasses();
  }

  async focus(f: WebviewFocus) {
    const model = this.model;
    if (!model) return;
    let ids: string[];
    let expand: string[];
    if ("node" in f) ids = expand = model.nodes.has(f.node) ? [f.node] : [];
    else {
      const cut = cutFocus(model, f);
      if (cut) {
        // a cut's lens: the cut itself and what it blocked, not every op on its line
        ids = [...cut.at, ...cut.blocked];
        expand = cut.at;
      } else ids = expand = nodesAtLine(model, f);
    }
    this.focused = new Set(ids);
    if (!ids.length) {
      this.applyClasses();
      return;
    }
    if (this.expandTo(expand)) await this.relayout("keep");
    const vids = [...new Set(ids.map((id) => this.view!.rep.get(id)!).filter(Boolean))];
    this.select(vids[0] ?? null);
    this.centerOn(vids);
    this.applyClasses();
  }

  select(vid: string | null) {
    this.selected = vid;
    this.renderDetails();
    this.applyClasses();
  }

  private renderDetails() {
    const d = this.details;
    d.textContent = "";
    const v = this.selected ? this.view?.byVid.get(this.selected) : undefined;
    if (!v || !this.model) {
      d.hidden = true;
      return;
    }
    d.hidden = false;
    const close = h("button", { class: "gl-btn gl-details-close", text: "×", attrs: { type: "button", title: "Close" } });
    close.addEventListener("click", () => this.select(null));
    d.appendChild(h("div", { class: "gl-details-head" }, h("h2", { text: v.label }), close));
    const dl = h("dl");
    for (const [k, val] of this.describe(v)) dl.append(h("dt", { text: k }), h("dd", { text: val }));
    d.appendChild(dl);
    const site = v.node?.site;
    if (site) {
      const b = h("button", { class: "gl-btn gl-reveal", text: `Go to ${siteText(site)}`, attrs: { type: "button" } });
      b.addEventListener("click", () => this.host.post({ type: "reveal", site }));
      d.appendChild(b);
    }
    const p = v.node ? paramOf(this.model, v.node) : undefined;
    if (p?.cause) {
      const c = p.cause;
      const b = h("button", { class: "gl-btn gl-reveal-cause", text: `Go to cause ${siteText(c)}`, attrs: { type: "button" } });
      b.addEventListener("click", () => this.host.post({ type: "reveal", site: { file: c.file, line: c.line, column: c.column } }));
      d.appendChild(b);
    }
    if (v.kind === "module" || v.kind === "fold") {
      const b = h("button", { class: "gl-btn", text: v.kind === "fold" ? "Unfold" : "Expand", attrs: { type: "button" } });
      b.addEventListener("click", () => void this.toggleModule(v.vid));
      d.appendChild(b);
    }
  }

  /** label/value rows for tooltip and details */
  describe(v: VNode): Array<[string, string]> {
    const model = this.model!;
    const rows: Array<[string, string]> = [];
    const bw = (xs: Iterable<number>) => {
      const a = [...xs].sort((x, y) => x - y);
      return a.length ? a.map((i) => `#${i}`).join(", ") : "none";
    };
    if (v.node) {
      const n: GraphNode = v.node;
      rows.push(["kind", n.kind === "op" ? (n.requiresGrad ? "op (grad_fn)" : "op (no grad recorded)") : n.kind]);
      if (n.module) rows.push(["module", n.module]);
      rows.push(["shape", n.shape?.length ? `[${n.shape.join(", ")}]` : "scalar"]);
      rows.push(["dtype", n.dtype]);
      const st = statusOf(model, n);
      const p = paramOf(model, n);
      if (st) rows.push(["status", STATUS_LABEL[st]]);
      if (p?.cause) rows.push(["cause", `${p.cause.kind}: ${p.cause.message}`]);
      if (n.kind === "op") rows.push(["bytes saved", formatBytes(n.savedBytes ?? 0)]);
      rows.push(["grad norm", n.gradNorm === null || n.gradNorm === undefined ? "—" : fmtNum(n.gradNorm)]);
      rows.push(["requires grad", n.requiresGrad ? "yes" : "no"]);
      if (n.kind === "op" && n.gradEnabled === false) rows.push(["grad mode", "disabled (noGrad)"]);
      if (p) {
        rows.push(["optimizers", p.optimizers.length ? p.groups.map((g) => `${g.optimizer}[${g.group}] lr=${formatLr(g.lr)}`).join(", ") || p.optimizers.join(", ") : "none"]);
        rows.push(["updated", p.updated ? "yes" : "no"]);
      }
      rows.push(["reached by", bw(n.backwards ?? [])]);
      rows.push(["site", siteText(n.site)]);
    } else {
      const paths = v.modules;
      const m = model.modules.get(paths[0]);
      rows.push(["kind", v.kind === "fold" ? `${paths.length} folded modules` : "module (collapsed)"]);
      rows.push(["type", m?.type ?? "?"]);
      if (v.kind === "fold") rows.push(["modules", `${paths[0]} … ${paths[paths.length - 1]}`]);
      const ops = v.members.filter((id) => model.nodes.get(id)!.kind === "op");
      rows.push(["nodes", `${v.members.length} (${ops.length} ops)`]);
      let saved = 0;
      for (const id of ops) saved += model.nodes.get(id)!.savedBytes ?? 0;
      rows.push(["bytes saved", formatBytes(saved)]);
      const counts = STATUSES.filter((st) => v.statusCounts?.[st]).map((st) => `${v.statusCounts![st]} ${STATUS_LABEL[st]}`);
      rows.push(["parameters", counts.join(", ") || "none"]);
      rows.push(["reached by", bw(v.backwards)]);
    }
    return rows;
  }

  private showTooltip(v: VNode, ev: PointerEvent) {
    const t = this.tooltip;
    t.textContent = "";
    t.appendChild(h("div", { class: "gl-tooltip-title", text: v.label }));
    for (const [k, val] of this.describe(v)) {
      if (k === "optimizers" || k === "updated" || k === "requires grad") continue;
      t.appendChild(h("div", {}, h("span", { class: "gl-tooltip-key", text: `${k}: ` }), document.createTextNode(val)));
    }
    t.hidden = false;
    this.moveTooltip(ev);
  }
  private moveTooltip(ev: PointerEvent) {
    const r = this.stage.getBoundingClientRect();
    const t = this.tooltip;
    let x = ev.clientX - r.left + 14;
    let y = ev.clientY - r.top + 14;
    if (x + t.offsetWidth > r.width) x = Math.max(0, ev.clientX - r.left - t.offsetWidth - 10);
    if (y + t.offsetHeight > r.height) y = Math.max(0, ev.clientY - r.top - t.offsetHeight - 10);
    t.style.left = `${x}px`;
    t.style.top = `${y}px`;
  }

  private installNodeEvents() {
    const nodeOf = (ev: Event) => (ev.target as Element | null)?.closest?.(".gl-node") as SVGGElement | null;
    this.svg.addEventListener("pointerover", (ev) => {
      const g = nodeOf(ev);
      const v = g && this.view?.byVid.get(g.dataset.vid!);
      if (v && !this.dragging) this.showTooltip(v, ev);
    });
    this.svg.addEventListener("pointermove", (ev) => {
      if (!this.tooltip.hidden) this.moveTooltip(ev);
    });
    this.svg.addEventListener("pointerout", (ev) => {
      const g = nodeOf(ev);
      const to = (ev.relatedTarget as Element | null)?.closest?.(".gl-node");
      if (g && to !== g) this.tooltip.hidden = true;
    });
    this.svg.addEventListener("click", (ev) => {
      if (this.moved) return;
      const title = (ev.target as Element).closest?.(".gl-cluster-title") as SVGGElement | null;
      if (title) {
        void this.collapseModule(title.dataset.module!);
        return;
      }
      const g = nodeOf(ev);
      if (!g) {
        this.select(null);
        return;
      }
      const v = this.view?.byVid.get(g.dataset.vid!);
      if (!v) return;
      if ((v.kind === "module" || v.kind === "fold") && (ev.target as Element).closest(".gl-toggle")) {
        void this.toggleModule(v.vid);
        return;
      }
      this.select(v.vid);
    });
    this.svg.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      const title = (ev.target as Element).closest?.(".gl-cluster-title") as SVGGElement | null;
      const g = nodeOf(ev);
      const v = g && this.view?.byVid.get(g.dataset.vid!);
      if (title) void this.collapseModule(title.dataset.module!);
      else if (v && (v.kind === "module" || v.kind === "fold")) void this.toggleModule(v.vid);
      else if (v) this.select(v.vid);
      else return;
      ev.preventDefault();
    });
    this.svg.addEventListener("dblclick", (ev) => {
      const g = nodeOf(ev);
      const v = g && this.view?.byVid.get(g.dataset.vid!);
      if (!v) return;
      ev.preventDefault();
      if (v.kind === "module" || v.kind === "fold") void this.toggleModule(v.vid);
      else if (v.node?.site) this.host.post({ type: "reveal", site: v.node.site });
    });
  }

  // ----------------------------------------------------------------------------------------------
  // pan / zoom

  private dragging = false;
  private moved = false;

  private installPanZoom() {
    let start: { x: number; y: number; tx: number; ty: number; id: number } | null = null;
    this.svg.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      start = { x: ev.clientX, y: ev.clientY, tx: this.transform.x, ty: this.transform.y, id: ev.pointerId };
      this.moved = false;
    });
    this.svg.addEventListener("pointermove", (ev) => {
      if (!start || ev.pointerId !== start.id) return;
      const dx = ev.clientX - start.x;
      const dy = ev.clientY - start.y;
      if (!this.dragging && Math.hypot(dx, dy) < 4) return;
      if (!this.dragging) {
        this.dragging = true;
        this.moved = true;
        this.tooltip.hidden = true;
        this.svg.setPointerCapture(ev.pointerId);
        this.svg.classList.add("gl-panning");
      }
      this.setTransform({ k: this.transform.k, x: start.tx + dx, y: start.ty + dy });
    });
    const end = (ev: PointerEvent) => {
      if (!start || ev.pointerId !== start.id) return;
      start = null;
      if (this.dragging) {
        this.dragging = false;
        this.svg.classList.remove("gl-panning");
        this.persist();
      }
    };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
    this.svg.addEventListener(
      "wheel",
      (ev) => {
        ev.preventDefault();
        const r = this.svg.getBoundingClientRect();
        const f = Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015));
        this.zoomBy(f, { x: ev.clientX - r.left, y: ev.clientY - r.top });
      },
      { passive: false },
    );
  }

  setTransform(t: Transform) {
    this.transform = t;
    this.viewport.setAttribute("transform", `translate(${r1(t.x)},${r1(t.y)}) scale(${t.k.toFixed(4)})`);
    this.svg.dataset.zoom = t.k.toFixed(3);
    if (this.layout) this.updateMinimap();
  }

  private persistSoon = debounce(() => this.persist(), 250);

  zoomBy(f: number, at?: { x: number; y: number }) {
    const r = this.svg.getBoundingClientRect();
    const p = at ?? { x: r.width / 2, y: r.height / 2 };
    const t = this.transform;
    const k = Math.min(8, Math.max(0.02, t.k * f));
    const ratio = k / t.k;
    this.setTransform({ k, x: p.x - (p.x - t.x) * ratio, y: p.y - (p.y - t.y) * ratio });
    this.persistSoon();
  }

  /** the whole graph in view; with `minZoom`, no smaller than that: then its top (the inputs) centred */
  fit(minZoom = 0) {
    const L = this.layout;
    if (!L) return;
    const r = this.svg.getBoundingClientRect();
    const W = r.width || 800;
    const H = r.height || 600;
    /** the graph fitted into [left, right] × [0, bottom], centred there */
    const place = (left: number, right: number, bottom: number): Transform => {
      const w = right - left;
      const whole = Math.min((w - 20) / Math.max(L.width, 1), (bottom - 20) / Math.max(L.height, 1));
      const k = Math.min(1.5, Math.max(0.02, minZoom, whole));
      const x = L.width * k <= w ? left + (w - L.width * k) / 2 : left + 10;
      const y = L.height * k <= bottom ? (bottom - L.height * k) / 2 : 10;
      return { k, x, y };
    };
    // the largest placement that keeps the graph clear of the legend and the minimap: the whole
    // stage, above them, or between them
    const overlays = this.overlayBoxes(r);
    const clear = (t: Transform) => overlays.every((o) => o.left >= t.x + L.width * t.k || o.right <= t.x || o.top >= t.y + L.height * t.k);
    const top = Math.min(H, ...overlays.map((o) => o.top - 4));
    const left = Math.max(0, ...overlays.filter((o) => o.right < W / 2).map((o) => o.right + 4));
    const right = Math.min(W, ...overlays.filter((o) => o.left >= W / 2).map((o) => o.left - 4));
    const candidates = [place(0, W, H), place(0, W, top), place(left, right, H)].filter((t) => clear(t));
    const t = candidates.length > 0 ? candidates.reduce((a, b) => (b.k > a.k + 1e-9 ? b : a)) : place(0, W, H);
    this.setTransform(t);
    this.persistSoon();
  }

  /** the visible overlays (legend, minimap) in the svg's coordinates */
  private overlayBoxes(svg: DOMRect): Array<{ left: number; right: number; top: number }> {
    return [this.legend, this.minimap.root]
      .filter((e) => !e.hidden)
      .map((e) => e.getBoundingClientRect())
      .filter((b) => b.width > 0)
      .map((b) => ({ left: b.left - svg.left, right: b.right - svg.left, top: b.top - svg.top }));
  }

  /** centre the view on a point of the layout (the minimap's clicks) */
  centerAt(x: number, y: number) {
    const r = this.svg.getBoundingClientRect();
    const k = this.transform.k;
    this.setTransform({ k, x: (r.width || 800) / 2 - x * k, y: (r.height || 600) / 2 - y * k });
    this.persistSoon();
  }

  private updateMinimap() {
    const r = this.svg.getBoundingClientRect();
    const t = this.transform;
    this.minimap.viewport({ x: -t.x / t.k, y: -t.y / t.k, width: (r.width || 800) / t.k, height: (r.height || 600) / t.k });
  }

  centerOn(vids: string[]) {
    const L = this.layout;
    if (!L || !vids.length) return;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const id of vids) {
      const b = L.nodes.get(id);
      if (!b) continue;
      x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y);
      x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
    }
    if (!Number.isFinite(x0)) return;
    const r = this.svg.getBoundingClientRect();
    const W = r.width || 800;
    const H = r.height || 600;
    const k = Math.max(this.transform.k, Math.min(1, 0.8 * Math.min(W / (x1 - x0 + 1), H / (y1 - y0 + 1))));
    this.setTransform({ k, x: W / 2 - ((x0 + x1) / 2) * k, y: H / 2 - ((y0 + y1) / 2) * k });
    this.persistSoon();
  }

  // ----------------------------------------------------------------------------------------------
  // export

  /** a self-contained SVG of the whole current view, with computed colours written as attributes */
  svgText(): string {
    const L = this.layout;
    const clone = this.svg.cloneNode(true) as SVGSVGElement;
    const src = [this.svg, ...Array.from(this.svg.querySelectorAll("*"))];
    const dst = [clone, ...Array.from(clone.querySelectorAll("*"))];
    const props = ["fill", "stroke", "stroke-width", "stroke-dasharray", "opacity", "font-family", "font-size", "font-weight"] as const;
    for (let i = 0; i < src.length && i < dst.length; i++) {
      const cs = getComputedStyle(src[i]);
      const el = dst[i] as SVGElement;
      el.removeAttribute("class");
      el.removeAttribute("role");
      el.removeAttribute("tabindex");
      for (const p of props) {
        const val = cs.getPropertyValue(p);
        if (val && val !== "none" && !(p === "opacity" && val === "1")) el.setAttribute(p, val);
        else if (p === "fill" && val === "none") el.setAttribute("fill", "none");
      }
    }
    clone.setAttribute("xmlns", SVG_NS);
    const w = Math.ceil(L?.width ?? 100);
    const hh = Math.ceil(L?.height ?? 100);
    clone.setAttribute("width", String(w));
    clone.setAttribute("height", String(hh));
    clone.setAttribute("viewBox", `0 0 ${w} ${hh}`);
    for (const c of Array.from(clone.children)) if (c.tagName === "g") c.removeAttribute("transform");
    const bg = getComputedStyle(this.stage).backgroundColor;
    const rect = document.createElementNS(SVG_NS, "rect");
    rect.setAttribute("width", "100%");
    rect.setAttribute("height", "100%");
    rect.setAttribute("fill", bg || "#ffffff");
    clone.insertBefore(rect, clone.firstChild?.nextSibling ?? null);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
  }

  exportSvg() {
    if (!this.layout) return;
    this.host.post({ type: "exportSvg", svg: this.svgText() });
  }

  exportDot() {
    if (!this.model) return;
    this.host.post({ type: "exportDot", dot: modelToDot(this.model, { backward: this.backward }) });
  }
}

function r1(x: number) {
  return Math.round(x * 10) / 10;
}

function fmtNum(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e4 || a < 1e-3 ? x.toExponential(3) : x.toPrecision(4);
}

function midpoint(pts: Point[]): Point {
  let total = 0;
  for (let i = 1; i < pts.length; i++) total += Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
  let half = total / 2;
  for (let i = 1; i < pts.length; i++) {
    const l = Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    if (half <= l && l > 0) {
      const f = half / l;
      return { x: pts[i - 1].x + (pts[i].x - pts[i - 1].x) * f, y: pts[i - 1].y + (pts[i].y - pts[i - 1].y) * f };
    }
    half -= l;
  }
  return pts[0];
}

function debounce(fn: () => void, ms: number) {
  let t: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (t) clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}

// ------------------------------------------------------------------------------------------------
// boot

function boot() {
  const script = document.currentScript as HTMLScriptElement | null;
  const scriptSrc = script?.src || location.href;
  const nonce = script?.nonce || script?.getAttribute("nonce") || "";
  const start = () => {
    let root = document.getElementById("gradlens-root");
    if (!root) {
      root = document.createElement("div");
      root.id = "gradlens-root";
      document.body.appendChild(root);
    }
    const host = createHost();
    const app = new App(root, host, scriptSrc, nonce);
    window.__GRADLENS__ = app;
    let queue = Promise.resolve();
    const run = (f: () => Promise<void>) => {
      queue = queue.then(f).catch((e) => console.error("GradLens:", e));
    };
    window.addEventListener("message", (ev: MessageEvent) => {
      const m = ev.data;
      if (!isExtensionToWebviewMessage(m)) return;
      if (m.type === "report") run(() => app.setReport(m.report, m.focus, m.lossNames));
      else run(() => app.focus(m.focus));
    });
    host.post({ type: "ready" });
    if (host.standalone) {
      const pre = window.__GRADLENS_REPORT__;
      const url = new URLSearchParams(location.search).get("report");
      if (pre) run(() => app.setReport(pre));
      else if (url)
        run(async () => {
          const res = await fetch(url);
          if (!res.ok) throw new Error(`cannot load ${url}: ${res.status}`);
          await app.setReport((await res.json()) as Report);
        });
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
}

boot();
