import type { OpInput, OpRecord } from "../trace/schema";
import type { TraceIndex } from "./traceIndex";
import type { CutSiteRegistry } from "./cutSites";

// The recorded graph as it would be with every cut removed: an edge goes from an op to whatever
// produced each of its inputs, through detach() results to their source, through ops that ran with
// grad off, and into parameters that were frozen when the op ran. Edges that exist only because a
// cut was removed carry that cut's id; real autograd edges carry NO_CUT.
//
// Node ids: ops are 0..nOps-1, parameters nOps + paramIndex, detach results nOps + nParams + index.

export const NO_CUT = -1;

export interface Edge {
  to: number;
  cut: number;
}

const FLOAT_DTYPES = new Set(["float32", "float64", "float16", "bfloat16"]);

export class GradGraph {
  readonly nOps: number;
  readonly nParams: number;
  private readonly edgeCache: Array<Edge[] | undefined>;
  private readonly detachNodes: Array<{ source: number; sourceProducer: number | null; sourceRequiresGrad: boolean; seq: number; cut: number }> = [];
  private readonly detachNodeBySeq = new Map<number, number>();

  constructor(private readonly index: TraceIndex, private readonly cuts: CutSiteRegistry) {
    this.nOps = index.trace.ops.length;
    this.nParams = index.params.length;
    this.edgeCache = [];
  }

  isOp(node: number): boolean {
    return node < this.nOps;
  }

  /** The parameter index of a node, or -1. */
  paramOf(node: number): number {
    const p = node - this.nOps;
    return p >= 0 && p < this.nParams ? p : -1;
  }

  paramNode(paramIndex: number): number {
    return this.nOps + paramIndex;
  }

  /** The node a backward() root starts from, or null when the root is neither an op output nor a parameter. */
  rootNode(root: number, rootProducer: number | null): number | null {
    if (rootProducer !== null) return rootProducer;
    const p = this.index.paramByTensor.get(root);
    return p === undefined ? null : this.paramNode(p.index);
  }

  edges(node: number): Edge[] {
    const cached = this.edgeCache[node];
    if (cached !== undefined) return cached;
    let out: Edge[] = [];
    if (node < this.nOps) out = this.opEdges(this.index.op(node));
    else if (this.paramOf(node) < 0) out = this.detachEdges(node);
    this.edgeCache[node] = out;
    return out;
  }

  /** The cut that grad-off op `p` puts on an edge into it, unless the consumer ran in the same region. */
  private regionCut(p: OpRecord, consumerRegion: number): number {
    if (p.gradFn !== null) return NO_CUT;
    const region = this.cuts.regionFor(p);
    if (region === null || region.id === consumerRegion) return NO_CUT;
    return region.id;
  }

  private opEdges(op: OpRecord): Edge[] {
    const ownRegion = op.gradFn === null ? this.cuts.regionFor(op)?.id ?? NO_CUT : NO_CUT;
    const out: Edge[] = [];
    for (const input of op.inputs) {
      const e = this.inputEdge(input, op.seq, ownRegion);
      if (e !== null) out.push(e);
    }
    return out;
  }

  private inputEdge(input: OpInput, seq: number, consumerRegion: number): Edge | null {
    if (input.producer !== null) {
      const p = this.index.op(input.producer);
      if (p === undefined || !FLOAT_DTYPES.has(p.dtype)) return null;
      return { to: p.id, cut: this.regionCut(p, consumerRegion) };
    }
    const d = this.index.detachFor(input.tensor, seq);
    if (d !== null) return { to: this.detachNode(d.seq, d.source, d.sourceProducer, d.sourceRequiresGrad, this.cuts.forDetach(d).id), cut: this.cuts.forDetach(d).id };
    return this.leafEdge(input.tensor, input.requiresGrad, seq);
  }

  private leafEdge(tensor: number, requiresGrad: boolean, seq: number): Edge | null {
    const param = this.index.paramByTensor.get(tensor);
    if (param === undefined) return null;
    if (requiresGrad) return { to: this.paramNode(param.index), cut: NO_CUT };
    const freeze = this.index.freezeFor(tensor, seq);
    const cut = freeze !== null ? this.cuts.forFreeze(freeze) : this.cuts.forCreatedFrozen(param.leaf.site, param.leaf.seq);
    return { to: this.paramNode(param.index), cut: cut.id };
  }

  private detachNode(seq: number, source: number, sourceProducer: number | null, sourceRequiresGrad: boolean, cut: number): number {
    const known = this.detachNodeBySeq.get(seq);
    if (known !== undefined) return known;
    const node = this.nOps + this.nParams + this.detachNodes.length;
    this.detachNodes.push({ source, sourceProducer, sourceRequiresGrad, seq, cut });
    this.detachNodeBySeq.set(seq, node);
    return node;
  }

  private detachEdges(node: number): Edge[] {
    const d = this.detachNodes[node - this.nOps - this.nParams];
    if (d === undefined) return [];
    if (d.sourceProducer !== null) {
      const p = this.index.op(d.sourceProducer);
      if (p === undefined || !FLOAT_DTYPES.has(p.dtype)) return [];
      return [{ to: p.id, cut: this.regionCut(p, NO_CUT) }];
    }
    // A detached leaf (`w.detach()`), or a detach of a detach.
    const inner = this.index.detachFor(d.source, d.seq);
    if (inner !== null && inner.seq !== d.seq) {
      const innerCut = this.cuts.forDetach(inner).id;
      return [{ to: this.detachNode(inner.seq, inner.source, inner.sourceProducer, inner.sourceRequiresGrad, innerCut), cut: innerCut }];
    }
    const e = this.leafEdge(d.source, d.sourceRequiresGrad, d.seq);
    return e === null ? [] : [e];
  }
}
