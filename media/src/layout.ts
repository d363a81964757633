// ELK layout of a View. ELK runs in a Web Worker when it can:
//  1. fetch dist/elk-worker.js and start it from a blob: URL (what VS Code webviews allow:
//     `worker-src blob:`; a worker cannot be started from the webview resource origin directly);
//  2. else start the worker from its URL (plain pages served over http);
//  3. else load dist/elk.bundled.js with a <script nonce> and lay out on the main thread.
// Layout options: layered, top-down (forward direction), module clusters as compound nodes with
// INCLUDE_CHILDREN so edges cross cluster borders; coordinates are asked for in ROOT space.

import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { View } from "./model";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Point {
  x: number;
  y: number;
}
export interface LayoutResult {
  nodes: Map<string, Box>;
  clusters: Map<string, Box>;
  edges: Map<string, Point[]>;
  width: number;
  height: number;
  engine: string;
  ms: number;
}

export interface Sizer {
  (vid: string): { width: number; height: number };
}

interface Engine {
  name: string;
  layout(graph: ElkNode): Promise<ElkNode>;
}

export const CLUSTER_PAD_TOP = 26;

/** Talks to elk-worker.js's dispatcher (the same protocol elk-api.js uses). */
class WorkerEngine implements Engine {
  private id = 0;
  private pending = new Map<number, { resolve: (g: ElkNode) => void; reject: (e: unknown) => void }>();
  private failed: unknown = null;
  constructor(
    private worker: Worker,
    public name: string,
  ) {
    worker.onmessage = (ev: MessageEvent) => {
      const d = ev.data as { id: number; data?: ElkNode; error?: unknown };
      const p = this.pending.get(d.id);
      if (!p) return;
      this.pending.delete(d.id);
      if (d.error !== undefined) p.reject(d.error);
      else p.resolve(d.data!);
    };
    worker.onerror = (ev) => {
      ev.preventDefault?.();
      this.failed = ev.message || "worker error";
      for (const p of this.pending.values()) p.reject(new Error(String(this.failed)));
      this.pending.clear();
    };
  }
  layout(graph: ElkNode): Promise<ElkNode> {
    if (this.failed) return Promise.reject(new Error(String(this.failed)));
    const id = this.id++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd: "layout", graph, layoutOptions: {}, options: {} });
    });
  }
  /** registers the layered algorithm (as elk-api.js does on construction); also shows the worker runs */
  register(): Promise<void> {
    if (this.failed) return Promise.reject(new Error(String(this.failed)));
    const id = this.id++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: () => resolve(), reject });
      this.worker.postMessage({ id, cmd: "register", algorithms: ["layered"] });
    });
  }
  dispose() {
    this.worker.terminate();
  }
}

export interface EngineUrls {
  worker: string;
  bundled: string;
  nonce: string;
  /** skip the worker (tests / debugging) */
  noWorker?: boolean;
}

let enginePromise: Promise<Engine> | null = null;
let engineStarted = false;

export function getEngine(urls: EngineUrls): Promise<Engine> {
  return (enginePromise ??= pickEngine(urls).then((e) => ((engineStarted = true), e)));
}

/** ELK has started (a layout now costs the layout only) */
export function engineReady(): boolean {
  return engineStarted;
}

/** start ELK (fetch, worker start, JIT warm-up on a tiny graph) before the first report arrives */
export function warmUp(urls: EngineUrls): void {
  getEngine(urls)
    .then((e) =>
      e.layout({
        id: "warm",
        layoutOptions: { "elk.algorithm": "layered", "elk.hierarchyHandling": "INCLUDE_CHILDREN" },
        children: [
          { id: "c", children: [{ id: "a", width: 10, height: 10 }, { id: "b", width: 10, height: 10 }] },
          { id: "d", width: 10, height: 10 },
        ],
        edges: [
          { id: "e1", sources: ["a"], targets: ["b"] },
          { id: "e2", sources: ["b"], targets: ["d"] },
        ],
      }),
    )
    .catch(() => {
      /* reported by the real layout */
    });
}

async function tryWorker(make: () => Promise<Worker>, name: string): Promise<Engine> {
  const w = await make();
  const eng = new WorkerEngine(w, name);
  await withTimeout(eng.register(), 15000);
  return eng;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout")), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

async function pickEngine(urls: EngineUrls): Promise<Engine> {
  if (!urls.noWorker && typeof Worker !== "undefined") {
    try {
      return await tryWorker(async () => {
        const res = await fetch(urls.worker);
        if (!res.ok) throw new Error(`fetch ${res.status}`);
        const blob = new Blob([await res.text()], { type: "text/javascript" });
        return new Worker(URL.createObjectURL(blob));
      }, "worker(blob)");
    } catch (e) {
      console.warn("GradLens: ELK blob worker unavailable:", e);
    }
    try {
      return await tryWorker(async () => new Worker(urls.worker), "worker(url)");
    } catch (e) {
      console.warn("GradLens: ELK worker unavailable, laying out on the main thread:", e);
    }
  }
  const g = globalThis as unknown as { ELK?: new () => { layout(g: ElkNode): Promise<ElkNode> } };
  if (!g.ELK) {
    await new Promise<void>((resolve, reject) => {
      const s = document.createElement("script");
      if (urls.nonce) s.nonce = urls.nonce;
      s.src = urls.bundled;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`cannot load ${urls.bundled}`));
      document.head.appendChild(s);
    });
  }
  if (!g.ELK) throw new Error("ELK did not load");
  const elk = new g.ELK();
  return { name: "main-thread", layout: (graph) => elk.layout(graph) };
}

export function elkGraph(view: View, size: Sizer, big: boolean): ElkNode {
  const root: ElkNode = {
    id: "__root__",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.json.shapeCoords": "ROOT",
      "elk.json.edgeCoords": "ROOT",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.spacing.nodeNode": "18",
      "elk.layered.spacing.nodeNodeBetweenLayers": "26",
      "elk.layered.spacing.edgeNodeBetweenLayers": "12",
      "elk.spacing.componentComponent": "30",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.padding": "[top=16,left=16,bottom=16,right=16]",
      ...(big ? { "elk.layered.thoroughness": "1" } : {}),
    },
    children: [],
    edges: [],
  };
  const containers = new Map<string | null, ElkNode>([[null, root]]);
  for (const c of view.clusters) {
    const n: ElkNode = {
      id: `c:${c.path}`,
      layoutOptions: { "elk.padding": `[top=${CLUSTER_PAD_TOP},left=10,bottom=10,right=10]` },
      children: [],
    };
    containers.set(c.path, n);
  }
  for (const c of view.clusters) (containers.get(c.parent) ?? root).children!.push(containers.get(c.path)!);
  for (const v of view.nodes) {
    const s = size(v.vid);
    (containers.get(v.parent) ?? root).children!.push({ id: v.vid, width: s.width, height: s.height });
  }
  const edges: ElkExtendedEdge[] = view.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] }));
  root.edges = edges;
  return root;
}

export async function layoutView(view: View, size: Sizer, urls: EngineUrls): Promise<LayoutResult> {
  const t0 = performance.now();
  const engine = await getEngine(urls);
  const big = view.nodes.length > 600;
  const out = await engine.layout(elkGraph(view, size, big));
  const nodes = new Map<string, Box>();
  const clusters = new Map<string, Box>();
  const walk = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      const b = { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 };
      if (c.id.startsWith("c:")) clusters.set(c.id.slice(2), b);
      else nodes.set(c.id, b);
      walk(c);
    }
  };
  walk(out);
  const edges = new Map<string, Point[]>();
  const collect = (n: ElkNode) => {
    for (const e of (n.edges ?? []) as ElkExtendedEdge[]) {
      const pts: Point[] = [];
      for (const s of e.sections ?? []) {
        if (!pts.length) pts.push(s.startPoint);
        for (const b of s.bendPoints ?? []) pts.push(b);
        pts.push(s.endPoint);
      }
      if (pts.length) edges.set(e.id, pts);
    }
    for (const c of n.children ?? []) collect(c);
  };
  collect(out);
  return {
    nodes,
    clusters,
    edges,
    width: out.width ?? 0,
    height: out.height ?? 0,
    engine: engine.name,
    ms: performance.now() - t0,
  };
}
