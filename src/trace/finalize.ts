import type { Tensor } from "../engine/tensor";
import type { LeafRecord, Trace } from "./schema";
import type { LeafEntry, ModuleEntry, OptimizerEntry } from "./recorder";
import { childrenOf, groupsOf, ownBuffers, ownParameters, trainingOf } from "./moduleTree";
import { variableNameAt, type SourceText } from "./variableNames";

// Resolves what only the final state can tell: the module tree and qualified names, which leaves are
// parameters and buffers, optimizer groups, and the end-of-run flags.

interface RecorderState {
  leaves: Map<number, LeafEntry>;
  modules: ModuleEntry[];
  optimizers: OptimizerEntry[];
}

/** Hands out "x", "x#2", "x#3" for repeated names. */
class UniqueNames {
  private readonly used = new Map<string, number>();
  take(base: string): string {
    const n = (this.used.get(base) ?? 0) + 1;
    this.used.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  }
}

export function finalizeTrace(trace: Trace, state: RecorderState, text: SourceText): void {
  const modulePaths = resolveModules(trace, state, text);
  resolveLeaves(trace, state, text);
  const pathOf = (id: number | null): string | null => (id === null ? null : modulePaths[id] ?? null);
  const isParameter = (id: number): boolean => state.leaves.get(id)?.rec.kind === "parameter";
  for (const op of trace.ops) {
    op.modulePath = pathOf(op.module);
    for (const s of op.saved) s.isParameter = isParameter(s.tensor);
  }
  for (const d of trace.detaches) d.modulePath = pathOf(d.module);
  for (const b of trace.bufferUpdates) b.modulePath = pathOf(b.module) ?? "";
  resolveOptimizers(trace, state, text);
}

function resolveModules(trace: Trace, state: RecorderState, text: SourceText): string[] {
  const { modules } = state;
  const idOf = new Map<object, number>(modules.map((m, i) => [m.obj, i]));
  const childNames = new Map<number, Array<[string, number]>>();
  for (const m of modules) {
    const kids: Array<[string, number]> = [];
    for (const [name, child] of childrenOf(m.obj)) {
      const id = idOf.get(child);
      if (id === undefined) continue;
      kids.push([name, id]);
      if (modules[id].rec.parent === null && id !== m.rec.id) modules[id].rec.parent = m.rec.id;
    }
    childNames.set(m.rec.id, kids);
  }
  // a cycle (a module registered as its own ancestor) would leave no root: break it at the lowest id
  const paths: string[] = new Array(modules.length).fill("");
  const names = new UniqueNames();
  const assign = (id: number, path: string, seen: Set<number>) => {
    if (seen.has(id)) return;
    seen.add(id);
    paths[id] = path;
    for (const [name, child] of childNames.get(id) ?? []) {
      if (modules[child].rec.parent === id && paths[child] === "") assign(child, `${path}.${name}`, seen);
    }
  };
  for (const m of modules) {
    if (m.rec.parent !== null) continue;
    // made in a factory (`return new ResNet()`): the caller's line names it (`const modelConv = resnet18()`)
    const candidates = m.rec.createdInside === undefined ? [m.rec.site, ...m.callers] : [m.rec.site];
    const variable = firstVariable(text, candidates);
    assign(m.rec.id, names.take(variable ?? `${m.rec.className}#${m.rec.id}`), new Set());
  }
  for (const m of modules) if (paths[m.rec.id] === "") paths[m.rec.id] = names.take(`${m.rec.className}#${m.rec.id}`);

  for (const m of modules) {
    m.rec.path = paths[m.rec.id];
    m.rec.training = trainingOf(m.obj);
    m.rec.parameters = ownParameters(m.obj).map(([, t]) => t.id);
    m.rec.buffers = ownBuffers(m.obj).map(([, t]) => t.id);
  }
  trace.modules = modules.map((m) => m.rec);
  return paths;
}

function resolveLeaves(trace: Trace, state: RecorderState, text: SourceText): void {
  // qualified names: the owning module's path plus the local name
  const owner = new Map<number, { module: number; name: string; kind: "parameter" | "buffer" }>();
  for (const m of state.modules) {
    for (const [name, t] of ownParameters(m.obj)) if (!owner.has(t.id)) owner.set(t.id, { module: m.rec.id, name, kind: "parameter" });
    for (const [name, t] of ownBuffers(m.obj)) if (!owner.has(t.id)) owner.set(t.id, { module: m.rec.id, name, kind: "buffer" });
  }
  const names = new UniqueNames();
  const out: LeafRecord[] = [];
  for (const { rec, ref } of state.leaves.values()) {
    const tensor: Tensor | undefined = ref.deref();
    if (tensor !== undefined) rec.requiresGradAtEnd = tensor.requiresGrad;
    const own = owner.get(rec.id);
    if (own !== undefined) rec.kind = own.kind;
    if (own !== undefined) {
      rec.module = own.module;
      rec.modulePath = state.modules[own.module].rec.path;
      rec.name = names.take(`${rec.modulePath}.${own.name}`);
    } else {
      const local = tensor?.name ?? null;
      const variable = variableNameAt(text, rec.site);
      rec.name = names.take(variable ?? local ?? `${rec.factory}@${rec.site?.line ?? "?"}`);
    }
    out.push(rec);
  }
  trace.leaves = out;
}

function resolveOptimizers(trace: Trace, state: RecorderState, text: SourceText): void {
  const names = new UniqueNames();
  for (const o of state.optimizers) {
    o.rec.name = names.take(firstVariable(text, [o.rec.site, ...o.callers]) ?? `${o.rec.className}#${o.rec.id}`);
    o.rec.groups = groupsOf(o.obj).map((g) => ({
      lr: Number.isFinite(g.lr) ? g.lr : 0,
      momentum: g.momentum,
      weightDecay: g.weightDecay,
      params: g.params.map((p) => p.id),
    }));
  }
  trace.optimizers = state.optimizers.map((o) => o.rec);
}

function firstVariable(text: SourceText, sites: Array<import("./schema").Site | null>): string | null {
  for (const site of sites) {
    const name = variableNameAt(text, site);
    if (name !== null) return name;
  }
  return null;
}
