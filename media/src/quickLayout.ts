// A provisional layout for the first view while ELK is still starting (fetching, compiling and
// warming up ELK takes over a second on a cold webview): longest-path layers top-down, nodes in
// report order within a layer, clusters as the boxes around their members. Drawn at once so the panel
// is interactive; ELK's layout replaces it when ready. Pure: no DOM.

import { CLUSTER_PAD_TOP, type Box, type LayoutResult, type Point, type Sizer } from "./layout";
import type { View } from "./model";

const GAP_X = 18;
const GAP_Y = 30;
const MARGIN = 16;

export function quickLayout(view: View, size: Sizer): LayoutResult {
  const t0 = performance.now();
  const ids = view.nodes.map((v) => v.vid);
  const index = new Map(ids.map((id, i) => [id, i]));
  const succ = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indeg = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const e of view.edges) {
    if (!index.has(e.from) || !index.has(e.to) || e.from === e.to) continue;
    succ.get(e.from)!.push(e.to);
    indeg.set(e.to, indeg.get(e.to)! + 1);
  }
  // Kahn's order; a cycle (through a collapsed module) is broken at its earliest node in report order
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  const done = new Set<string>();
  const ready = ids.filter((id) => indeg.get(id) === 0);
  let next = 0;
  while (done.size < ids.length) {
    let id = ready.shift();
    if (id === undefined) {
      while (done.has(ids[next])) next++;
      id = ids[next];
    }
    if (done.has(id)) continue;
    done.add(id);
    for (const t of succ.get(id)!) {
      if (done.has(t)) continue;
      layer.set(t, Math.max(layer.get(t)!, layer.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) ready.push(t);
    }
  }
  const rows: string[][] = [];
  for (const id of ids) (rows[layer.get(id)!] ??= []).push(id);
  const nodes = new Map<string, Box>();
  let y = MARGIN;
  let width = 0;
  const rowWidths = rows.map((row) => (row ?? []).reduce((w, id) => w + size(id).width + GAP_X, -GAP_X));
  const widest = Math.max(0, ...rowWidths);
  rows.forEach((row, r) => {
    if (!row) return;
    let x = MARGIN + (widest - rowWidths[r]) / 2;
    let h = 0;
    for (const id of row) {
      const s = size(id);
      nodes.set(id, { x, y, width: s.width, height: s.height });
      x += s.width + GAP_X;
      h = Math.max(h, s.height);
    }
    width = Math.max(width, x - GAP_X + MARGIN);
    y += h + GAP_Y;
  });
  // clusters: the box around their members, innermost first
  const clusters = new Map<string, Box>();
  const byDepth = [...view.clusters].sort((a, b) => b.depth - a.depth);
  for (const c of byDepth) {
    const inner: Box[] = [];
    for (const v of view.nodes) if (v.parent === c.path && nodes.has(v.vid)) inner.push(nodes.get(v.vid)!);
    for (const d of view.clusters) if (d.parent === c.path && clusters.has(d.path)) inner.push(clusters.get(d.path)!);
    if (!inner.length) continue;
    const x0 = Math.min(...inner.map((b) => b.x)) - 10;
    const y0 = Math.min(...inner.map((b) => b.y)) - CLUSTER_PAD_TOP;
    const x1 = Math.max(...inner.map((b) => b.x + b.width)) + 10;
    const y1 = Math.max(...inner.map((b) => b.y + b.height)) + 10;
    clusters.set(c.path, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }
  const edges = new Map<string, Point[]>();
  for (const e of view.edges) {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    if (a && b) edges.set(e.id, [{ x: a.x + a.width / 2, y: a.y + a.height }, { x: b.x + b.width / 2, y: b.y }]);
  }
  return { nodes, clusters, edges, width: Math.max(width, MARGIN * 2), height: y - GAP_Y + MARGIN, engine: "quick (ELK starting)", ms: performance.now() - t0 };
}
