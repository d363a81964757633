import type { BackwardRecord, GradAssignmentRecord, InplaceRecord, ManualUpdateRecord, StepRecord, Trace, ZeroGradRecord } from "../trace/schema";
import type { TraceIndex } from "./traceIndex";

// Replays what each parameter's .grad held over the run: which backward() calls added into it since
// it was last cleared, and what each optimizer step read. This is what the accumulation rules
// (GL005, GL006) and the "moved without a gradient" rule (GL009) look at.

export interface GradUse {
  /** the step that read the gradient (one GradScaler skipped included), or null for the end of a run without optimizers */
  step: StepRecord | null;
  param: number;
  /** backward indices whose gradient the .grad held at that moment, in order */
  contributions: number[];
  /** the step changed the parameter */
  changed: boolean;
  /** the optimizer saw a non-null .grad */
  hadGrad: boolean;
  /** the .grad it read was assigned by hand (`p.grad = g`) since the last clear */
  assigned: boolean;
  /** of the contributions, those an earlier step already applied to this parameter (a finished iteration's) */
  stale: number[];
  /** the step the run stopped just before (it was called, so it reads this gradient, but is not in the trace) */
  pending?: boolean;
}

export interface Membership {
  optimizer: number;
  group: number;
}

export interface GradTimeline {
  uses: GradUse[];
  /** backward index → the optimizer whose step came first after it, or null */
  ownerOf: Array<number | null>;
  /**
   * backward index → every optimizer of the run of steps after it, before the next backward(): the
   * loss it was "for". One loss through an encoder and a decoder, then `encOpt.step(); decOpt.step()`
   * (the seq2seq tutorial) is for both optimizers, not just the first to step
   */
  ownersOf: number[][];
  /** param index → its optimizer groups */
  memberships: Membership[][];
  /** param index → some step applied a non-null gradient to it with a non-zero lr (a skipped step applies nothing) */
  applied: boolean[];
  /** param index → some step changed its value */
  changed: boolean[];
  /** param index → the first hand-written update that used its gradient (`p.data.add_(p.grad, ...)`) */
  manual: Array<ManualUpdateRecord | null>;
  /**
   * param index → the first in-place write into it outside autograd once training began for it (after
   * the first backward() that followed its creation), also through an alias of its memory
   * (`pt.data.mul_(m)`, a state-dict value) or by loadStateDict: an EMA/momentum target
   * (`pt.mul_(m).add_(po, ...)`, `lerp_`, `copy_`) whose values change every iteration although no
   * optimizer holds it. Earlier writes are initialisation (loading weights, `nn.init`), not updates.
   */
  handWritten: Array<InplaceRecord | null>;
  /** gradients a clear threw away before any step or hand-written update read them */
  discards: Discard[];
}

export interface Discard {
  zero: ZeroGradRecord;
  param: number;
  /** backward indices whose gradient the clear dropped unread */
  backwards: number[];
}

type Event =
  | { seq: number; kind: "backward"; rec: BackwardRecord }
  | { seq: number; kind: "zero"; rec: ZeroGradRecord }
  | { seq: number; kind: "step"; rec: StepRecord }
  | { seq: number; kind: "manual"; rec: ManualUpdateRecord }
  | { seq: number; kind: "assign"; rec: GradAssignmentRecord };

export function buildTimeline(index: TraceIndex): GradTimeline {
  const trace = index.trace;
  const n = index.params.length;
  const memberships: Membership[][] = Array.from({ length: n }, () => []);
  trace.optimizers.forEach((o) =>
    o.groups.forEach((g, gi) => {
      for (const t of g.params) {
        const p = index.paramByTensor.get(t);
        if (p !== undefined) memberships[p.index].push({ optimizer: o.id, group: gi });
      }
    }),
  );

  const events: Event[] = [
    ...trace.backwards.map((rec) => ({ seq: rec.seq, kind: "backward" as const, rec })),
    ...trace.zeroGrads.map((rec) => ({ seq: rec.seq, kind: "zero" as const, rec })),
    ...trace.steps.map((rec) => ({ seq: rec.seq, kind: "step" as const, rec })),
    ...(trace.manualUpdates ?? []).map((rec) => ({ seq: rec.seq, kind: "manual" as const, rec })),
    ...(trace.gradAssignments ?? []).map((rec) => ({ seq: rec.seq, kind: "assign" as const, rec })),
  ].sort((a, b) => a.seq - b.seq);

  const ownersOf: number[][] = trace.backwards.map(() => []);
  // backward() calls no step has followed yet, and those the current run of steps is for
  const pendingOwner: number[] = [];
  let stepRun: number[] = [];
  const held: number[][] = Array.from({ length: n }, () => []);
  const uses: GradUse[] = [];
  const applied = new Array<boolean>(n).fill(false);
  const changed = new Array<boolean>(n).fill(false);
  const moduleParams = moduleParamIndex(index);
  // what a step read (a later step reading it again is stale) and what anything read, a step or a
  // hand-written update: SAM perturbs the weights by hand from one gradient and steps on the next
  const stepped: Array<Set<number>> = Array.from({ length: n }, () => new Set());
  const consumed: Array<Set<number>> = Array.from({ length: n }, () => new Set());
  const assigned = new Array<boolean>(n).fill(false);
  const manual: Array<ManualUpdateRecord | null> = new Array(n).fill(null);
  const discards: Discard[] = [];
  const use = (step: StepRecord, p: number, moved: boolean, hadGrad: boolean, pending = false): GradUse => {
    const contributions = [...held[p]];
    const stale = contributions.filter((b) => stepped[p].has(b));
    if (hadGrad) {
      for (const b of contributions) {
        // a step GradScaler skipped read the gradient (a clear after it drops nothing unread) but
        // applied none of it, so a later step that reads it again does not apply it twice
        if (step.skipped !== true) stepped[p].add(b);
        consumed[p].add(b);
      }
    }
    return { step, param: p, contributions, changed: moved, hadGrad, assigned: assigned[p], stale, ...(pending ? { pending } : {}) };
  };

  for (const ev of events) {
    if (ev.kind === "backward") {
      stepRun = [];
      pendingOwner.push(ev.rec.index);
      for (const r of ev.rec.reached) {
        const p = index.paramByTensor.get(r.tensor);
        if (p !== undefined) held[p.index].push(ev.rec.index);
      }
    } else if (ev.kind === "zero") {
      for (const p of clearedBy(ev.rec, trace, index, moduleParams)) {
        const unread = held[p].filter((b) => !consumed[p].has(b));
        if (unread.length > 0) discards.push({ zero: ev.rec, param: p, backwards: unread });
        held[p] = [];
        assigned[p] = false;
      }
    } else if (ev.kind === "assign") {
      // a gradient set by hand replaces what backward() accumulated; it is a gradient, not a clear
      const p = index.paramByTensor.get(ev.rec.tensor);
      if (p !== undefined) {
        held[p.index] = [];
        assigned[p.index] = true;
      }
    } else if (ev.kind === "manual") {
      const p = index.paramByTensor.get(ev.rec.tensor);
      if (p !== undefined && manual[p.index] === null) manual[p.index] = ev.rec;
      if (p !== undefined) for (const b of held[p.index]) consumed[p.index].add(b);
    } else {
      const step = ev.rec;
      if (pendingOwner.length > 0) stepRun = pendingOwner.splice(0);
      for (const b of stepRun) if (!ownersOf[b].includes(step.optimizer)) ownersOf[b].push(step.optimizer);
      const groups = trace.optimizers[step.optimizer]?.groups ?? [];
      for (const c of step.changes) {
        const p = index.paramByTensor.get(c.tensor);
        if (p === undefined) continue;
        const moved = c.changed && step.skipped !== true;
        if (moved) changed[p.index] = true;
        const gi = groups.findIndex((g) => g.params.includes(c.tensor));
        const lr = step.lrs[gi] ?? groups[gi]?.lr ?? 0;
        if (c.hadGrad && lr !== 0 && step.skipped !== true) applied[p.index] = true;
        if (c.hadGrad || moved) uses.push(use(step, p.index, moved, c.hadGrad));
      }
    }
  }
  const pending = pendingStep(trace);
  if (pending !== null) {
    for (const b of pendingOwner.length > 0 ? pendingOwner : stepRun) {
      // the run stopped before the steps after this backward() ran: the same line's last run says which follow
      const site = siteKeyOf(trace.backwards[b].site);
      const before = trace.backwards.slice(0, b).reverse().find((e) => siteKeyOf(e.site) === site && ownersOf[e.index].length > 0);
      for (const o of [pending.optimizer, ...(before !== undefined ? ownersOf[before.index] : [])]) if (!ownersOf[b].includes(o)) ownersOf[b].push(o);
    }
    for (const t of trace.optimizers[pending.optimizer].groups.flatMap((g) => g.params)) {
      const p = index.paramByTensor.get(t);
      if (p !== undefined && held[p.index].length > 0) uses.push(use(pending, p.index, false, true, true));
    }
  }
  if (trace.optimizers.length === 0) {
    for (let p = 0; p < n; p++) {
      if (held[p].length > 0) uses.push({ step: null, param: p, contributions: [...held[p]], changed: false, hadGrad: true, assigned: assigned[p], stale: [] });
    }
  }
  const ownerOf = ownersOf.map((o) => o[0] ?? null);
  return { uses, ownerOf, ownersOf, memberships, applied, changed, manual, handWritten: handWrites(index), discards };
}

const siteKeyOf = (s: { file: string; line: number; column: number } | null) => (s === null ? "?" : `${s.file}:${s.line}:${s.column}`);

function handWrites(index: TraceIndex): Array<InplaceRecord | null> {
  const trace = index.trace;
  const out: Array<InplaceRecord | null> = index.params.map(() => null);
  if (trace.backwards.length === 0) return out;
  const backwardSeqs = trace.backwards.map((b) => b.seq).sort((a, b) => a - b);
  for (const rec of trace.inplaces) {
    // a write through `.data`, detach() or a state-dict value writes the parameter behind it
    const p = index.paramByTensor.get(rec.aliasOf ?? rec.tensor);
    if (p === undefined || out[p.index] !== null) continue;
    // training began for it at the first backward() after it was made: a model made and loaded in a
    // later phase (a frozen backbone for the second stage) is initialised then, not updated
    const made = index.params[p.index].leaf.seq;
    const trainingFrom = backwardSeqs.find((b) => b > made);
    if (trainingFrom === undefined || rec.seq < trainingFrom) continue;
    // an op autograd recorded is part of a graph, not a write beside it
    const op = rec.producer === null ? undefined : index.op(rec.producer);
    if (op !== undefined && op.gradFn !== null) continue;
    out[p.index] = rec;
  }
  return out;
}

/**
 * The step the run was stopped in front of (the step budget stops a run just before an optimizer's
 * step), as a step record of that optimizer without changes: it reads the gradients held then, so a
 * missing zeroGrad() shows at the first check without running a second step.
 */
function pendingStep(trace: Trace): StepRecord | null {
  const stop = trace.stopped;
  if (stop.reason !== "step-budget" || stop.line === undefined) return null;
  const at = trace.steps.filter((s) => s.site !== null && s.site.line === stop.line && s.site.column === stop.column && s.site.file === stop.file);
  if (at.length === 0) return null;
  const optimizer = at[at.length - 1].optimizer;
  // LBFGS's step(closure) clears and recomputes the gradient before it reads one: the step not taken reads nothing held now
  if (trace.optimizers[optimizer]?.className === "LBFGS") return null;
  const index = trace.steps.filter((s) => s.optimizer === optimizer).length;
  const groups = trace.optimizers[optimizer]?.groups ?? [];
  return { seq: Number.MAX_SAFE_INTEGER, optimizer, index, lrs: groups.map((g) => g.lr), changes: [], site: at[0].site };
}

/** Parameter indices a zeroGrad() (or a hand-written clear) clears. */
function clearedBy(rec: ZeroGradRecord, trace: Trace, index: TraceIndex, moduleParams: Map<number, number[]>): number[] {
  if (rec.owner.kind === "optimizer") {
    const out: number[] = [];
    for (const g of trace.optimizers[rec.owner.optimizer]?.groups ?? []) {
      for (const t of g.params) {
        const p = index.paramByTensor.get(t);
        if (p !== undefined) out.push(p.index);
      }
    }
    return out;
  }
  if (rec.owner.kind === "module") return moduleParams.get(rec.owner.module) ?? [];
  if (rec.owner.kind === "assignment") {
    // `p.grad = null` / `p.grad.zero_()` by hand: a zeroGrad of exactly those leaves
    const out: number[] = [];
    for (const t of rec.owner.tensors) {
      const p = index.paramByTensor.get(t);
      if (p !== undefined) out.push(p.index);
    }
    return out;
  }
  return [];
}

/** module id → parameter indices of it and its descendants. */
function moduleParamIndex(index: TraceIndex): Map<number, number[]> {
  const modules = index.trace.modules;
  const out = new Map<number, number[]>();
  for (const m of modules) {
    const own: number[] = [];
    for (const t of m.parameters) {
      const p = index.paramByTensor.get(t);
      if (p !== undefined) own.push(p.index);
    }
    for (let a: number | null = m.id; a !== null; a = modules[a]?.parent ?? null) {
      const list = out.get(a) ?? [];
      list.push(...own);
      out.set(a, list);
    }
  }
  return out;
}

/** The optimizer's every step call was one GradScaler skipped (and there was at least one). */
export function onlySkippedSteps(trace: Trace, optimizer: number): boolean {
  const mine = trace.steps.filter((s) => s.optimizer === optimizer);
  return mine.length > 0 && mine.every((s) => s.skipped === true);
}
