// Training steps of a report, for the graph's default view: a training loop records the same graph
// once per iteration, and the first iteration is what reads at a glance. The report does not time its
// backward() calls against optimizer steps, so a step is read from the loop's shape: a new step
// starts at the first backward() whose call site already ran in the current step (lossD, lossG, lossD…
// → [lossD, lossG], [lossD, …]). Pure: no DOM.

import type { BackwardReport, GraphNode, Report } from "../../src/protocol/report";

/** Backward indices per training step, in run order; [] when the run made no backward() call. */
export function trainingSteps(backwards: readonly BackwardReport[]): number[][] {
  const steps: number[][] = [];
  let seen = new Set<string>();
  for (const b of backwards) {
    const key = `${b.file}:${b.line}:${b.column}`;
    if (!steps.length || seen.has(key)) {
      steps.push([]);
      seen = new Set();
    }
    seen.add(key);
    steps[steps.length - 1].push(b.index);
  }
  return steps;
}

/**
 * The step each op belongs to: the earliest step whose backward() reached it; an op no backward
 * reached (an input computed under noGrad, the detached branch) belongs to the step of the next op
 * that was reached (it ran in that step's forward pass), or the last step when none follows.
 * Parameters and leaves have no step of their own (see nodesOfStep).
 */
export function stepOfOps(nodes: readonly GraphNode[], steps: number[][]): Map<string, number> {
  const stepOfBackward = new Map<number, number>();
  steps.forEach((bs, s) => bs.forEach((b) => stepOfBackward.set(b, s)));
  const out = new Map<string, number>();
  const pending: string[] = [];
  let last = 0;
  for (const n of nodes) {
    if (n.kind !== "op") continue;
    let s = Infinity;
    for (const b of n.backwards ?? []) s = Math.min(s, stepOfBackward.get(b) ?? Infinity);
    if (s === Infinity) {
      pending.push(n.id);
      continue;
    }
    for (const id of pending) out.set(id, s);
    pending.length = 0;
    out.set(n.id, s);
    last = s;
  }
  for (const id of pending) out.set(id, last);
  return out;
}

/** Graph node ids drawn for one step: its ops, every parameter, and the leaves its ops use (or no op uses). */
export function nodesOfStep(report: Report, steps: number[][], step: number): Set<string> {
  const nodes = report.graph?.nodes ?? [];
  const opStep = stepOfOps(nodes, steps);
  const keep = new Set<string>();
  for (const n of nodes) if (n.kind === "param" || (n.kind === "op" && opStep.get(n.id) === step)) keep.add(n.id);
  const used = new Set<string>();
  for (const e of report.graph?.edges ?? []) {
    used.add(e.from);
    if (keep.has(e.to)) keep.add(e.from);
  }
  // a leaf no op consumed (a target built but never used) stays visible in every step
  for (const n of nodes) if (n.kind === "leaf" && !used.has(n.id)) keep.add(n.id);
  // a leaf feeds ops directly, so one pass over the edges found them; drop ops of other steps it pulled in
  for (const id of [...keep]) if (opStep.has(id) && opStep.get(id) !== step) keep.delete(id);
  return keep;
}

/** The report with its graph restricted to one step (null: the whole graph). */
export function reportOfStep(report: Report, steps: number[][], step: number | null): Report {
  if (step === null || steps.length < 2) return report;
  const keep = nodesOfStep(report, steps, step);
  const graph = report.graph;
  return {
    ...report,
    graph: {
      ...graph,
      nodes: graph.nodes.filter((n) => keep.has(n.id)),
      edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)),
    },
  };
}
