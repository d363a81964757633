import type { Cause, CauseKind, CutKind, OptimizerMembership, ParameterReport, ParamStatus } from "../protocol/report";
import type { TraceIndex } from "./traceIndex";
import { describeCut, type CutSite, type CutSiteRegistry } from "./cutSites";
import type { BackwardReach } from "./reach";
import { onlySkippedSteps, type GradTimeline } from "./gradTimeline";
import { toSourceSite, where } from "./sites";
import { formatLr } from "../protocol/formatLr";

// One status and one cause per parameter (see docs/findings.md, "Parameter statuses").

export interface ParamFacts {
  reachedBy: number[];
  gotGrad: boolean;
  gradNorm: number | null;
  /** for cut parameters: the responsible cut and the others needed with it */
  cut: { primary: CutSite; also: CutSite[] } | null;
}

export function collectParamFacts(index: TraceIndex, registry: CutSiteRegistry, reaches: BackwardReach[]): ParamFacts[] {
  const facts: ParamFacts[] = index.params.map(() => ({ reachedBy: [], gotGrad: false, gradNorm: null, cut: null }));
  for (const b of index.trace.backwards) {
    for (const r of b.reached) {
      const p = index.paramByTensor.get(r.tensor);
      if (p === undefined) continue;
      const f = facts[p.index];
      if (!f.reachedBy.includes(b.index)) f.reachedBy.push(b.index);
      f.gotGrad = true;
      f.gradNorm = r.gradNorm;
    }
  }
  // A single cut that alone would let some backward reach the parameter is the best cause; failing
  // that, the cheapest path (cuts in series).
  let bestPath: Array<number[] | null> = index.params.map(() => null);
  for (const reach of reaches) {
    for (const [cutId, params] of reach.blocked) {
      for (const p of params) {
        if (facts[p].cut === null) facts[p].cut = { primary: registry.sites[cutId], also: [] };
      }
    }
    for (const [p, path] of reach.paths) {
      const best = bestPath[p];
      if (path.length > 0 && (best === null || path.length < best.length)) bestPath[p] = path;
    }
  }
  index.params.forEach((_, p) => {
    const path = bestPath[p];
    if (facts[p].cut === null && path !== null) {
      facts[p].cut = { primary: registry.sites[path[0]], also: path.slice(1).map((c) => registry.sites[c]) };
    }
  });
  bestPath = [];
  return facts;
}

export function buildParameterReports(
  index: TraceIndex,
  registry: CutSiteRegistry,
  facts: ParamFacts[],
  timeline: GradTimeline,
): ParameterReport[] {
  const trace = index.trace;
  const usedTensors = new Set<number>();
  for (const op of trace.ops) for (const i of op.inputs) usedTensors.add(i.tensor);
  for (const d of trace.detaches) usedTensors.add(d.source);

  return index.params.map((info, p) => {
    const leaf = info.leaf;
    const f = facts[p];
    const groups: OptimizerMembership[] = timeline.memberships[p].map((m) => ({
      optimizer: trace.optimizers[m.optimizer].name,
      group: m.group,
      lr: lrUsed(index, m.optimizer, m.group),
    }));
    const optimizers = [...new Set(groups.map((g) => g.optimizer))];
    const manual = timeline.manual[p];
    // no gradient, but its values are written by hand every iteration (an EMA target): it is updated,
    // and "frozen" or "cut" would say it stays as it is
    const written = f.gotGrad ? null : timeline.handWritten[p];
    const byHand = manual !== null ? manual.site : written?.site ?? null;
    // one fact for both fields: a gradient was applied (by a step with lr ≠ 0, or by hand), or a hand write changed it
    const updated = (f.gotGrad && (timeline.applied[p] || manual !== null)) || written !== null;
    let status: ParamStatus;
    let cause: Cause | null = null;
    let note: string | undefined;
    const name = leaf.name;
    if (updated) {
      status = "updated";
      if (written !== null) {
        note = `${name} gets no gradient; it is updated by hand ${written.site !== null ? `at ${where(written.site)} ` : ""}(${written.op}, not by an optimizer), e.g. as a moving average of other weights`;
      } else if (manual === null && !timeline.changed[p]) {
        note = `the step applied ${name}'s gradient, but it was exactly zero (gradient norm ${f.gradNorm ?? 0}), so its value did not change`;
      }
    } else if (f.gotGrad) {
      status = "grad-not-applied";
      cause = notAppliedCause(index, p, groups, name);
    } else if (!leaf.requiresGradAtEnd) {
      status = "frozen";
      const freeze = index.lastFreeze(leaf.id);
      const cut = freeze !== null ? registry.forFreeze(freeze) : registry.forCreatedFrozen(leaf.site, leaf.seq);
      cause = {
        ...toSourceSite(cut.site, trace.file),
        kind: "requires-grad-false",
        message: `${name} is frozen by ${describeCut(cut)} at ${where(cut.site)}`,
      };
    } else if (f.cut !== null) {
      status = "cut";
      cause = cutCause(f.cut.primary, f.cut.also, name, trace.file);
    } else {
      status = "unused";
      const message = !usedTensors.has(leaf.id)
        ? `${name} is not used by any computation`
        : trace.backwards.length === 0
          ? `no backward() was called, so ${name} got no gradient`
          : `what ${name} computes never reaches a loss that backward() is called on`;
      cause = { ...toSourceSite(leaf.site, trace.file), kind: "unreachable", message };
    }
    return {
      name,
      shape: [...leaf.shape],
      numel: leaf.numel,
      dtype: leaf.dtype,
      requiresGrad: leaf.requiresGradAtEnd,
      gotGrad: f.gotGrad,
      gradNorm: f.gradNorm,
      optimizers,
      groups,
      updated,
      ...(byHand !== null ? { updatedByHand: toSourceSite(byHand, trace.file) } : {}),
      ...(note !== undefined ? { note } : {}),
      status,
      cause,
      module: leaf.modulePath,
      site: leaf.site === null ? null : toSourceSite(leaf.site, trace.file),
      reachedBy: [...f.reachedBy],
    };
  });
}

/** The lr a group's last step used (schedulers change it after the step), or its current lr. */
export function lrUsed(index: TraceIndex, optimizer: number, group: number): number {
  const steps = index.trace.steps;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i].optimizer === optimizer && steps[i].lrs[group] !== undefined) return steps[i].lrs[group];
  }
  return index.trace.optimizers[optimizer].groups[group].lr;
}

const cutCauseKind: Record<CutKind, CauseKind> = {
  detach: "detach",
  "no-grad": "no-grad",
  "requires-grad-false": "requires-grad-false",
};

function cutCause(primary: CutSite, also: CutSite[], name: string, file: string): Cause {
  const cause: Cause = {
    ...toSourceSite(primary.site, file),
    kind: cutCauseKind[primary.kind],
    message:
      also.length === 0
        ? `${describeCut(primary)} at ${where(primary.site)} stops every gradient to ${name}`
        : `${describeCut(primary)} at ${where(primary.site)} and ${also.map((c) => `${describeCut(c)} at ${where(c.site)}`).join(", ")} together stop every gradient to ${name}`,
  };
  if (primary.kind === "requires-grad-false") {
    cause.message = `${name} was frozen (${describeCut(primary)} at ${where(primary.site)}) when the forward ran, so it got no gradient`;
  }
  if (also.length > 0) {
    cause.alsoNeeded = also.map((c) => ({ ...toSourceSite(c.site, file), kind: cutCauseKind[c.kind] }));
  }
  return cause;
}

function notAppliedCause(index: TraceIndex, p: number, groups: OptimizerMembership[], name: string): Cause {
  const trace = index.trace;
  const leaf = index.params[p].leaf;
  if (groups.length === 0) {
    const message =
      trace.optimizers.length === 0
        ? `${name} gets a gradient, but the run has no optimizer`
        : `${name} gets a gradient, but no optimizer holds it`;
    return { ...toSourceSite(leaf.site, trace.file), kind: "not-in-optimizer", message };
  }
  const opt = (g: OptimizerMembership) => trace.optimizers.find((o) => o.name === g.optimizer)!;
  // a scheduler set lr 0 for the steps that ran (a warm-up's first step) but not for good
  for (const g of groups) {
    const o = opt(g);
    const ranAtZero = trace.steps.filter((s) => s.optimizer === o.id && s.lrs[g.group] === 0);
    const nowLr = o.groups[g.group].lr;
    if (g.lr === 0 && ranAtZero.length > 0 && nowLr !== 0) {
      return {
        ...toSourceSite(o.site, trace.file),
        kind: "lr-zero",
        message: `${name} gets a gradient, but lr was 0 at step ${ranAtZero.map((s) => s.index + 1).join(", ")} of ${o.name} (scheduler: group ${g.group}'s lr is ${formatLr(nowLr)} afterwards)`,
      };
    }
  }
  if (groups.every((g) => g.lr === 0)) {
    const g = groups[0];
    return {
      ...toSourceSite(opt(g).site, trace.file),
      kind: "lr-zero",
      message: `${name} gets a gradient, but its group ${g.group} of ${g.optimizer} (${where(opt(g).site)}) has lr = 0`,
    };
  }
  const g = groups.find((x) => x.lr !== 0)!;
  const o = opt(g);
  return {
    ...toSourceSite(o.site, trace.file),
    kind: "not-stepped",
    message: onlySkippedSteps(trace, o.id)
      ? `${name} gets a gradient, but GradScaler skipped every ${g.optimizer}.step() of the run (inf or NaN gradients each time)`
      : `${name} gets a gradient, but ${g.optimizer}.step() never ran while it held one`,
  };
}
