import type {
  DetachRecord, LeafRecord, ModuleRecord, OpRecord, RequiresGradChangeRecord, Site, Trace,
} from "../trace/schema";

// Lookups over a Trace that every rule needs: which leaves count as parameters, what a tensor id
// refers to at a given moment, which module a parameter belongs to.

export interface ParamInfo {
  /** index into TraceIndex.params */ index: number;
  leaf: LeafRecord;
  /** top-level module key (see topLevelOf), or null for a free leaf */
  topLevel: string | null;
  /**
   * an input that requires grad, not a weight the program trains (see isInput): the rules see it like
   * a parameter, the report lists it apart
   */
  input: boolean;
}

export class TraceIndex {
  readonly params: ParamInfo[] = [];
  readonly paramByTensor = new Map<number, ParamInfo>();
  readonly leafByTensor = new Map<number, LeafRecord>();
  /** detach records by result tensor id, in seq order (detach_ reuses the id) */
  private readonly detachesByResult = new Map<number, DetachRecord[]>();
  private readonly rgChangesByTensor = new Map<number, RequiresGradChangeRecord[]>();
  /** the module paths that count as "top level" (roots, or the children of a single root) */
  readonly topLevelPaths: string[];
  readonly moduleByPath = new Map<string, ModuleRecord>();
  private readonly topLevelSet: Set<string>;
  private readonly topOfPath = new Map<string, string | null>();
  private readonly paramsByTop = new Map<string, ParamInfo[]>();
  /**
   * Parameters no root module and no optimizer holds, that no backward() reached and nothing updated:
   * a replaced `fc`, a tied-away decoder weight, a module built in a constructor but never registered.
   * They are not rows of the report (PyTorch's named_parameters() of the roots does not list them).
   */
  readonly orphans: LeafRecord[] = [];

  constructor(readonly trace: Trace) {
    for (const m of trace.modules) this.moduleByPath.set(m.path, m);
    this.topLevelPaths = computeTopLevel(trace.modules);
    this.topLevelSet = new Set(this.topLevelPaths);
    const inOptimizer = new Set<number>();
    for (const o of trace.optimizers) for (const g of o.groups) for (const t of g.params) inOptimizer.add(t);
    const everTrainable = new Set<number>();
    for (const c of trace.requiresGradChanges) {
      if (c.flag) everTrainable.add(c.tensor);
      const list = this.rgChangesByTensor.get(c.tensor) ?? [];
      list.push(c);
      this.rgChangesByTensor.set(c.tensor, list);
    }
    const orphanModules = unregisteredModules(trace.modules);
    const reached = new Set<number>();
    for (const b of trace.backwards) for (const r of b.reached) reached.add(r.tensor);
    for (const u of trace.manualUpdates ?? []) reached.add(u.tensor);
    for (const leaf of trace.leaves) {
      this.leafByTensor.set(leaf.id, leaf);
      const unheld = leaf.module === null ? leaf.factory === "Parameter" : orphanModules.has(leaf.module);
      if (leaf.kind === "parameter" && unheld && !inOptimizer.has(leaf.id) && !reached.has(leaf.id)) {
        this.orphans.push(leaf);
        continue;
      }
      const isParam =
        leaf.kind === "parameter" ||
        (leaf.kind === "leaf" && (leaf.requiresGrad || everTrainable.has(leaf.id) || inOptimizer.has(leaf.id)));
      if (!isParam) continue;
      const info: ParamInfo = { index: this.params.length, leaf, topLevel: this.topLevelOf(leaf.modulePath), input: false };
      this.params.push(info);
      this.paramByTensor.set(leaf.id, info);
      if (info.topLevel !== null) {
        const list = this.paramsByTop.get(info.topLevel) ?? [];
        list.push(info);
        this.paramsByTop.set(info.topLevel, list);
      }
    }
    markInputs(trace, this.params, inOptimizer);
    for (const d of trace.detaches) {
      const list = this.detachesByResult.get(d.result) ?? [];
      list.push(d);
      this.detachesByResult.set(d.result, list);
    }
  }

  /** The top-level module a module path falls under, or null. */
  topLevelOf(modulePath: string | null): string | null {
    if (modulePath === null) return null;
    let top = this.topOfPath.get(modulePath);
    if (top !== undefined) return top;
    // the longest top-level path that is the path or a prefix of it (a single root's children come
    // before the root itself): linear in the path's depth, not in the number of modules
    top = null;
    for (let p: string = modulePath; ; p = p.slice(0, p.lastIndexOf("."))) {
      if (this.topLevelSet.has(p)) {
        top = p;
        break;
      }
      if (!p.includes(".")) break;
    }
    this.topOfPath.set(modulePath, top);
    return top;
  }

  /** The parameters under a top-level module (empty when none). */
  paramsUnder(top: string): ParamInfo[] {
    return this.paramsByTop.get(top) ?? [];
  }

  /** The detach whose result a tensor id was when read at `seq` (the latest before it), if any. */
  detachFor(tensor: number, seq: number): DetachRecord | null {
    const list = this.detachesByResult.get(tensor);
    if (list === undefined) return null;
    let best: DetachRecord | null = null;
    for (const d of list) if (d.seq < seq) best = d;
    return best;
  }

  /** The change that set `tensor`'s requiresGrad to false and was still in force at `seq`. */
  freezeFor(tensor: number, seq: number): RequiresGradChangeRecord | null {
    const list = this.rgChangesByTensor.get(tensor);
    if (list === undefined) return null;
    let last: RequiresGradChangeRecord | null = null;
    for (const c of list) if (c.seq < seq) last = c;
    return last !== null && !last.flag ? last : null;
  }

  /** The last requiresGrad = false change of a tensor (for frozen parameters). */
  lastFreeze(tensor: number): RequiresGradChangeRecord | null {
    return this.freezeFor(tensor, Number.POSITIVE_INFINITY);
  }

  op(id: number): OpRecord {
    return this.trace.ops[id];
  }
}

/**
 * A free tensor that requires grad (not an nn.Parameter, in no module), that no optimizer holds and
 * nothing writes by hand, made anew at its line in each iteration: the FGSM tutorial's
 * `data.requires_grad = True` image of each example. The program reads its gradient; it does not
 * train it. A tensor made once stays a parameter: a weight trained by hand, or one left out of the
 * optimizer (`grad-not-applied`).
 */
function markInputs(trace: Trace, params: ParamInfo[], inOptimizer: Set<number>): void {
  const written = new Set<number>();
  for (const u of trace.manualUpdates ?? []) written.add(u.tensor);
  for (const w of trace.inplaces) written.add(w.tensor);
  const siteKey = (l: LeafRecord) => (l.site === null ? null : `${l.site.file}:${l.site.line}:${l.site.column}`);
  const madeAt = new Map<string, number>();
  for (const p of params) {
    const k = siteKey(p.leaf);
    if (k !== null) madeAt.set(k, (madeAt.get(k) ?? 0) + 1);
  }
  for (const p of params) {
    const leaf = p.leaf;
    if (leaf.kind !== "leaf" || leaf.module !== null || inOptimizer.has(leaf.id) || written.has(leaf.id)) continue;
    const k = siteKey(leaf);
    p.input = k !== null && (madeAt.get(k) ?? 0) > 1;
  }
}

/** Module ids of roots made inside another module's constructor that no module registered, and their descendants. */
function unregisteredModules(modules: ModuleRecord[]): Set<number> {
  const out = new Set<number>();
  for (const m of modules) {
    let a: ModuleRecord | undefined = m;
    while (a !== undefined && a.parent !== null) a = modules[a.parent];
    if (a !== undefined && a.createdInside !== undefined) out.add(m.id);
  }
  return out;
}

function computeTopLevel(modules: ModuleRecord[]): string[] {
  const childrenOf = new Map<number, ModuleRecord[]>();
  for (const m of modules) {
    if (m.parent === null) continue;
    const list = childrenOf.get(m.parent) ?? [];
    list.push(m);
    childrenOf.set(m.parent, list);
  }
  const roots = modules.filter((m) => m.parent === null && m.createdInside === undefined);
  const withParams = roots.filter((r) => hasParams(r, childrenOf));
  if (withParams.length === 1) {
    const children = childrenOf.get(withParams[0].id) ?? [];
    // A single root with children: its children are the parts worth comparing.
    if (children.length > 0) return [...children.map((c) => c.path), ...roots.filter((r) => r !== withParams[0]).map((r) => r.path), withParams[0].path];
  }
  return roots.map((r) => r.path);
}

function hasParams(root: ModuleRecord, childrenOf: Map<number, ModuleRecord[]>): boolean {
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const m = stack.pop()!;
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    if (m.parameters.length > 0) return true;
    stack.push(...(childrenOf.get(m.id) ?? []));
  }
  return false;
}
