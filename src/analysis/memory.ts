import type { MemoryReport } from "../protocol/report";
import type { OpRecord } from "../trace/schema";
import type { TraceIndex } from "./traceIndex";
import type { BackwardReach } from "./reach";
import { FreezingModel } from "./freezing";

// Bytes the graph keeps for backward, and what freezing each top-level module would save. One graph
// is measured: the largest one a backward() ran over (every iteration of a training loop builds and
// frees its own), or, when no backward() ran, every node the run recorded.
//
// Freezing is answered on the recorded graph: requiresGrad is propagated again with the module's
// parameters frozen, and each node keeps what it would save then. Bilinear nodes save one factor only
// for the other factor's gradient (PyTorch: addmm saves mat1 only when mat2 needs grad and the
// reverse), so freezing the first module also frees the weights of the next one.

export const OUTSIDE_MODULES = "(no module)";
/** "what freezing it would save" is answered for at most this many top-level modules (the largest) */
export const MAX_FREEZING_ANSWERS = 32;

export interface MemoryAnalysis {
  report: MemoryReport;
  /** op id → bytes first saved by that op (each tensor counted once) */
  opBytes: Map<number, number>;
  /** top-level module → bytes its ops save */
  byTop: Map<string, number>;
  /** the ops of the measured graph */
  ops: OpRecord[];
}

export function buildMemoryReport(index: TraceIndex, reaches: BackwardReach[]): MemoryAnalysis {
  const trace = index.trace;
  const candidates: OpRecord[][] =
    reaches.length > 0
      ? reaches.map((r) => [...r.realOps].sort((a, b) => a - b).map((id) => trace.ops[id]))
      : [trace.ops.filter((o) => o.gradFn !== null)];
  let ops: OpRecord[] = [];
  let best = -1;
  for (const c of candidates) {
    const total = totalOf(c, () => true);
    if (total > best) {
      best = total;
      ops = c;
    }
  }

  const { opBytes, byTop, total, activation } = attributeSaved(index, ops);

  const order = [...index.topLevelPaths, OUTSIDE_MODULES];
  const byModule = order.filter((m) => byTop.has(m) && (m !== OUTSIDE_MODULES || byTop.get(m)! > 0)).map((module) => ({ module, savedBytes: byTop.get(module)! }));
  // each answer walks the graph once: for the largest modules only, so analysis stays linear
  const withParams = index.topLevelPaths.filter((top) => index.paramsUnder(top).length > 0);
  const numel = (top: string) => index.paramsUnder(top).reduce((n, p) => n + p.leaf.numel, 0);
  const largest = new Set([...withParams].sort((a, b) => numel(b) - numel(a)).slice(0, MAX_FREEZING_ANSWERS));
  const asked = withParams.filter((top) => largest.has(top));
  const freezing = asked.length > 0 ? new FreezingModel(index, ops) : null;
  const freezingSaves = asked.map((module) => ({ module, bytes: total - freezing!.totalIfFrozen(module) }));
  return {
    report: { totalSavedBytes: total, activationBytes: activation, byModule, freezingSaves },
    opBytes,
    byTop,
    ops,
  };
}

/** Ops whose output shares its input's storage: a view of a parameter (weight.t()) is parameter memory. */
const VIEW_OPS = new Set(["t", "transpose", "permute", "view", "reshape", "expand", "narrow", "select", "slice", "squeeze", "unsqueeze", "flatten"]);

/** Tensor ids that are parameters or views of one (memory that exists whether or not backward saves it). */
function parameterStorage(index: TraceIndex): Set<number> {
  const cached = paramStorageCache.get(index);
  if (cached !== undefined) return cached;
  const out = new Set<number>(index.params.filter((p) => p.leaf.kind === "parameter").map((p) => p.leaf.id));
  for (const op of index.trace.ops) {
    if (VIEW_OPS.has(op.op) && op.inputs.length > 0 && out.has(op.inputs[0].tensor)) for (const t of op.outputs) out.add(t);
  }
  paramStorageCache.set(index, out);
  return out;
}
const paramStorageCache = new WeakMap<TraceIndex, Set<number>>();

/** Saved bytes of a graph, each tensor counted once, attributed to the op (and top-level module) that saved it first. */
export function attributeSaved(index: TraceIndex, ops: OpRecord[]) {
  const paramStorage = parameterStorage(index);
  const seen = new Set<number>();
  const opBytes = new Map<number, number>();
  const byTop = new Map<string, number>();
  let total = 0;
  let activation = 0;
  for (const op of ops) {
    let bytes = 0;
    for (const s of op.saved) {
      if (seen.has(s.tensor)) continue;
      seen.add(s.tensor);
      bytes += s.bytes;
      if (!s.isParameter && !paramStorage.has(s.tensor)) activation += s.bytes;
    }
    total += bytes;
    opBytes.set(op.id, bytes);
    const top = index.topLevelOf(op.modulePath) ?? OUTSIDE_MODULES;
    byTop.set(top, (byTop.get(top) ?? 0) + bytes);
  }
  return { opBytes, byTop, total, activation };
}

function totalOf(ops: OpRecord[], keep: (op: OpRecord, savedIndex: number) => boolean): number {
  const seen = new Set<number>();
  let total = 0;
  for (const op of ops) {
    op.saved.forEach((s, i) => {
      if (seen.has(s.tensor) || !keep(op, i)) return;
      seen.add(s.tensor);
      total += s.bytes;
    });
  }
  return total;
}
