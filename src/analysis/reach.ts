import type { BackwardRecord } from "../trace/schema";
import { NO_CUT, type GradGraph } from "./gradGraph";

// What each backward() reached, and what it would have reached without the cuts: a 0-1 search from
// the root where an edge that exists only because a cut was removed costs 1.

export interface BackwardReach {
  backward: BackwardRecord;
  rootNode: number | null;
  /** parameter indices reached through real edges only */
  realParams: Set<number>;
  /** op ids on real edges from the root (ops that recorded a node) */
  realOps: Set<number>;
  /** cut id → parameter indices this backward would reach if that one cut were removed */
  blocked: Map<number, Set<number>>;
  /** parameter index → cut ids on one cheapest path from the root (root side first), for parameters not really reached */
  paths: Map<number, number[]>;
}

export function analyzeReach(graph: GradGraph, backward: BackwardRecord, gradFnOf: (op: number) => string | null): BackwardReach {
  const rootNode = graph.rootNode(backward.root, backward.rootProducer);
  const result: BackwardReach = {
    backward, rootNode, realParams: new Set(), realOps: new Set(), blocked: new Map(), paths: new Map(),
  };
  if (rootNode === null) return result;

  const dist = new Map<number, number>([[rootNode, 0]]);
  const parent = new Map<number, { from: number; cut: number }>();
  const deque: number[] = [rootNode];
  let head = 0;
  // 0-1 BFS with a two-ended queue emulated by pushing cost-0 nodes to a front list.
  const front: number[] = [];
  const done = new Set<number>();
  while (front.length > 0 || head < deque.length) {
    const node = front.length > 0 ? front.pop()! : deque[head++];
    if (done.has(node)) continue;
    done.add(node);
    const d = dist.get(node)!;
    for (const e of graph.edges(node)) {
      const nd = d + (e.cut === NO_CUT ? 0 : 1);
      const known = dist.get(e.to);
      if (known !== undefined && known <= nd) continue;
      dist.set(e.to, nd);
      parent.set(e.to, { from: node, cut: e.cut });
      if (e.cut === NO_CUT) front.push(e.to);
      else deque.push(e.to);
    }
  }

  for (const [node, d] of dist) {
    const p = graph.paramOf(node);
    if (d === 0) {
      if (p >= 0) result.realParams.add(p);
      else if (graph.isOp(node) && gradFnOf(node) !== null) result.realOps.add(node);
      continue;
    }
    if (p < 0) continue;
    const cuts: number[] = [];
    for (let n = node; n !== rootNode; ) {
      const step = parent.get(n)!;
      if (step.cut !== NO_CUT && !cuts.includes(step.cut)) cuts.push(step.cut);
      n = step.from;
    }
    result.paths.set(p, cuts.reverse());
  }

  // Blocked by one cut: from every real node, follow each cut edge and see what lies behind it
  // when only that cut is lifted.
  const memo = new Map<string, Set<number>>();
  for (const [node, d] of dist) {
    if (d !== 0) continue;
    for (const e of graph.edges(node)) {
      if (e.cut === NO_CUT) continue;
      const behind = reachableWith(graph, e.to, e.cut, memo);
      if (behind.size === 0) continue;
      let set = result.blocked.get(e.cut);
      if (set === undefined) result.blocked.set(e.cut, (set = new Set()));
      for (const p of behind) set.add(p);
    }
  }
  return result;
}

/** Parameters reachable from `start` over real edges and edges cut only by `cut`. */
function reachableWith(graph: GradGraph, start: number, cut: number, memo: Map<string, Set<number>>): Set<number> {
  const key = `${cut}:${start}`;
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  const found = new Set<number>();
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const p = graph.paramOf(node);
    if (p >= 0) found.add(p);
    for (const e of graph.edges(node)) {
      if ((e.cut === NO_CUT || e.cut === cut) && !seen.has(e.to)) {
        seen.add(e.to);
        stack.push(e.to);
      }
    }
  }
  memo.set(key, found);
  return found;
}
