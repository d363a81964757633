import type { BackwardReport, CutReport, OptimizerReport, ParameterReport } from "../protocol/report";
import type { TraceIndex } from "./traceIndex";
import type { CutSiteRegistry } from "./cutSites";
import type { BackwardReach } from "./reach";
import type { ParamFacts } from "./paramStatus";
import { toSourceSite } from "./sites";

// The loss × module matrix (per backward()) and the per-cut-site view ("what does this detach cut?").

export function buildBackwardReports(index: TraceIndex): BackwardReport[] {
  const trace = index.trace;
  return trace.backwards.map((b) => {
    const reached: string[] = [];
    const byModule: Record<string, number> = {};
    for (const top of index.topLevelPaths) if (moduleHasParams(index, top)) byModule[top] = 0;
    for (const r of b.reached) {
      const p = index.paramByTensor.get(r.tensor);
      if (p === undefined) continue;
      reached.push(p.leaf.name);
      if (p.topLevel !== null) byModule[p.topLevel] = (byModule[p.topLevel] ?? 0) + 1;
    }
    return { ...toSourceSite(b.site, trace.file), index: b.index, reached, byModule };
  });
}

function moduleHasParams(index: TraceIndex, top: string): boolean {
  return index.paramsUnder(top).length > 0;
}

export function buildCutReports(index: TraceIndex, registry: CutSiteRegistry, reaches: BackwardReach[], facts: ParamFacts[]): CutReport[] {
  const blocked = registry.sites.map(() => new Set<number>());
  for (const r of reaches) for (const [cut, params] of r.blocked) for (const p of params) blocked[cut].add(p);
  const out: CutReport[] = [];
  for (const cut of registry.sites) {
    if (cut.site === null) continue;
    const params = [...blocked[cut.id]].sort((a, b) => a - b);
    const report: CutReport = {
      ...toSourceSite(cut.site, index.trace.file),
      kind: cut.kind,
      blocked: params.map((p) => index.params[p].leaf.name),
      gotGradElsewhere: params.filter((p) => facts[p].gotGrad).map((p) => index.params[p].leaf.name),
    };
    if (cut.endLine !== undefined) report.endLine = cut.endLine;
    out.push(report);
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

export function buildOptimizerReports(index: TraceIndex, parameters: ParameterReport[]): OptimizerReport[] {
  const trace = index.trace;
  const nameOf = (t: number) => index.paramByTensor.get(t)?.leaf.name ?? index.leafByTensor.get(t)?.name ?? `tensor#${t}`;
  const updatedOf = new Map(parameters.map((p) => [p.name, p.updated]));
  return trace.optimizers.map((o) => {
    const held = [...new Set(o.groups.flatMap((g) => g.params.map(nameOf)))];
    // the steps that ran: one GradScaler skipped (inf/NaN gradients) applied nothing
    const steps = trace.steps.filter((s) => s.optimizer === o.id && s.skipped !== true);
    return {
      ...toSourceSite(o.site, trace.file),
      name: o.name,
      type: o.className,
      groups: o.groups.map((g, i) => ({ index: i, lr: g.lr, params: g.params.map(nameOf) })),
      steps: steps.length,
      stepLrs: steps.map((s) => [...s.lrs]),
      // the same `updated` field every other view reads (the lens, the status bar, hovers)
      updated: held.filter((n) => updatedOf.get(n) === true),
      notUpdated: held.filter((n) => updatedOf.get(n) !== true),
    };
  });
}
