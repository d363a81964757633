import type { GraphEdge, GraphNode, GraphReport, ParameterReport } from "../protocol/report";
import type { OpInput, OpRecord } from "../trace/schema";
import type { TraceIndex } from "./traceIndex";
import type { CutSiteRegistry } from "./cutSites";
import type { BackwardReach } from "./reach";
import { toSourceSite } from "./sites";

// The graph for the webview: parameters, other leaves, op nodes, data and detach edges. Bounded:
// parameters always, then ops in the order they ran until MAX_GRAPH_NODES (a training loop repeats
// the same graph, so the first iterations show its shape).

export const MAX_GRAPH_NODES = 5000;

export function buildGraphReport(
  index: TraceIndex, registry: CutSiteRegistry, reaches: BackwardReach[], parameters: ParameterReport[],
): GraphReport {
  const trace = index.trace;
  const file = trace.file;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const included = new Set<string>();
  let truncated = false;

  const opBackwards = new Map<number, number[]>();
  for (const r of reaches) for (const op of r.realOps) {
    const list = opBackwards.get(op) ?? [];
    list.push(r.backward.index);
    opBackwards.set(op, list);
  }

  index.params.forEach((p, i) => {
    const rep = parameters[i];
    // an input that requires grad is a leaf of the graph, with no parameter status
    nodes.push({
      id: `t${p.leaf.id}`, kind: p.input ? "leaf" : "param", label: p.leaf.name, shape: [...p.leaf.shape], dtype: p.leaf.dtype,
      module: p.leaf.modulePath, site: p.leaf.site === null ? null : toSourceSite(p.leaf.site, file), savedBytes: 0,
      gradNorm: rep.gradNorm, ...(p.input ? {} : { status: rep.status }), requiresGrad: p.leaf.requiresGradAtEnd, gradEnabled: true,
      backwards: [...rep.reachedBy],
    });
    included.add(`t${p.leaf.id}`);
  });

  const addLeaf = (tensor: number): string | null => {
    const id = `t${tensor}`;
    if (included.has(id)) return id;
    const leaf = index.leafByTensor.get(tensor);
    if (leaf === undefined) return null;
    if (nodes.length >= MAX_GRAPH_NODES) {
      truncated = true;
      return null;
    }
    nodes.push({
      id, kind: "leaf", label: leaf.name, shape: [...leaf.shape], dtype: leaf.dtype, module: leaf.modulePath,
      site: leaf.site === null ? null : toSourceSite(leaf.site, file), savedBytes: 0, gradNorm: null,
      requiresGrad: leaf.requiresGradAtEnd, gradEnabled: true, backwards: [],
    });
    included.add(id);
    return id;
  };

  /** The node an input's value comes from, and whether a detach sits in between. */
  const sourceOf = (input: OpInput, seq: number): { from: string | null; detach: OpRecord["site"] | undefined } => {
    if (input.producer !== null) return { from: included.has(`o${input.producer}`) ? `o${input.producer}` : null, detach: undefined };
    const d = index.detachFor(input.tensor, seq);
    if (d !== null) {
      const from = d.sourceProducer !== null ? (included.has(`o${d.sourceProducer}`) ? `o${d.sourceProducer}` : null) : addLeaf(d.source);
      return { from, detach: d.site };
    }
    return { from: addLeaf(input.tensor), detach: undefined };
  };

  for (const op of trace.ops) {
    if (nodes.length >= MAX_GRAPH_NODES) {
      truncated = true;
      break;
    }
    const id = `o${op.id}`;
    const incoming: GraphEdge[] = [];
    for (const input of op.inputs) {
      const { from, detach } = sourceOf(input, op.seq);
      if (from === null) continue;
      const edge: GraphEdge = { from, to: id, kind: detach !== undefined ? "detach" : "data" };
      if (detach) edge.site = toSourceSite(detach, file);
      incoming.push(edge);
    }
    nodes.push({
      id, kind: "op", label: op.gradFn ?? op.op, shape: [...op.shape], dtype: op.dtype, module: op.modulePath,
      site: op.site === null ? null : toSourceSite(op.site, file), savedBytes: op.savedBytes, gradNorm: null,
      requiresGrad: op.gradFn !== null, gradEnabled: op.gradEnabled, backwards: opBackwards.get(op.id) ?? [],
    });
    included.add(id);
    edges.push(...incoming);
  }
  void registry;

  const pathById = new Map(trace.modules.map((m) => [m.id, m.path]));
  const report: GraphReport = {
    nodes,
    edges,
    modules: trace.modules.map((m) => ({ path: m.path, type: m.className, parent: m.parent === null ? null : pathById.get(m.parent) ?? null })),
  };
  if (truncated || trace.limits.opsDropped > 0) report.truncated = true;
  return report;
}
