// The provisional layout drawn while ELK starts: edges point down, rows do not overlap, clusters hold their members.
import { describe, expect, it } from "vitest";
import { buildModel, computeView, defaultCollapsed } from "../../media/src/model";
import { quickLayout } from "../../media/src/quickLayout";
import { FIXTURES, syntheticOfSize } from "./reportBuilder";

function check(view: ReturnType<typeof computeView>) {
  const L = quickLayout(view, () => ({ width: 80, height: 36 }));
  expect(L.nodes.size).toBe(view.nodes.length);
  // forward edges go down (a DAG among the drawn nodes; collapsed modules may close a cycle)
  let down = 0;
  for (const e of view.edges) if (L.nodes.get(e.from)!.y < L.nodes.get(e.to)!.y) down++;
  expect(down).toBeGreaterThanOrEqual(view.edges.length * 0.9);
  // no two nodes overlap
  const boxes = [...L.nodes.values()];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
    }
  // a cluster's box holds its nodes
  for (const v of view.nodes) {
    if (!v.parent || !L.clusters.has(v.parent)) continue;
    const c = L.clusters.get(v.parent)!, b = L.nodes.get(v.vid)!;
    expect(b.x >= c.x && b.y >= c.y && b.x + b.width <= c.x + c.width && b.y + b.height <= c.y + c.height).toBe(true);
  }
  expect(L.width).toBeGreaterThan(0);
  expect(L.height).toBeGreaterThan(0);
}

describe("provisional layout", () => {
  it("lays out the GAN expanded and the 2,000-node report's first view", () => {
    const gan = buildModel(FIXTURES["gan.json"]());
    check(computeView(gan, { collapsed: new Set(), unfolded: new Set() }));
    const big = buildModel(syntheticOfSize(2000));
    check(computeView(big, { collapsed: defaultCollapsed(big), unfolded: new Set() }));
  });
});
