import type {
  BackwardRecord, DetachRecord, GradModeRecord, LeafRecord, ModuleRecord, OpRecord, OptimizerRecord,
  RequiresGradChangeRecord, SavedTensorRecord, Site, StepRecord, Trace, ZeroGradRecord, BufferUpdateRecord,
} from "../../src/trace/schema";
import { TRACE_VERSION } from "../../src/trace/schema";

// Builds Traces by hand for the analysis tests, applying the engine's rules as it goes (an op
// records a node only with grad on and an input that requires grad; backward() reaches the leaves
// on real edges; a step moves what has a gradient), so a hand-built trace looks like a recorded one.

interface TensorState {
  requiresGrad: boolean;
  producer: number | null;
  leaf: LeafRecord | null;
  grad: "none" | "zero" | "value";
  shape: number[];
}

export class TraceBuilder {
  private seq = 0;
  private nextTensor = 1;
  private gradEnabled = true;
  private readonly tensors = new Map<number, TensorState>();
  private readonly regionStack: GradModeRecord[] = [];
  /** tensors whose step moved them before (momentum buffers exist) */
  private readonly moved = new Set<number>();
  /** views of parameters (weight.t()): saved as parameter storage */
  private readonly viewsOfParams = new Set<number>();
  readonly trace: Trace;

  constructor(readonly file = "model.ts") {
    this.trace = {
      version: TRACE_VERSION, file, leaves: [], ops: [], modules: [], detaches: [], gradModes: [], requiresGradChanges: [],
      inplaces: [], backwards: [], optimizers: [], steps: [], zeroGrads: [], bufferUpdates: [],
      stopped: { reason: "end-of-file", message: "" }, error: null, console: [],
      limits: { maxOps: 100000, opsDropped: 0, maxLeaves: 100000, leavesDropped: 0 }, durationMs: 1,
    };
  }

  site(line: number, column = 1): Site {
    return { file: this.file, line, column };
  }

  module(path: string, className: string, line: number, parent: number | null = null): number {
    const id = this.trace.modules.length;
    const rec: ModuleRecord = {
      seq: this.seq++, id, path, className, parent, site: this.site(line), training: true,
      trainCalls: [], requiresGradCalls: [], parameters: [], buffers: [],
    };
    this.trace.modules.push(rec);
    return id;
  }

  private leafRecord(name: string, kind: LeafRecord["kind"], shape: number[], requiresGrad: boolean, line: number, module: number | null, dtype: string): number {
    const id = this.nextTensor++;
    const rec: LeafRecord = {
      seq: this.seq++, id, name, kind, factory: kind === "parameter" ? "Parameter" : "randn", shape, dtype,
      numel: shape.reduce((a, b) => a * b, 1), requiresGrad, requiresGradAtEnd: requiresGrad,
      module, modulePath: module === null ? null : this.trace.modules[module].path, site: this.site(line),
    };
    this.trace.leaves.push(rec);
    this.tensors.set(id, { requiresGrad, producer: null, leaf: rec, grad: "none", shape });
    if (module !== null) this.trace.modules[module][kind === "buffer" ? "buffers" : "parameters"].push(id);
    return id;
  }

  /** A parameter named `<module path>.<local>`. */
  param(module: number | null, local: string, shape: number[], line: number, dtype = "float32"): number {
    const name = module === null ? local : `${this.trace.modules[module].path}.${local}`;
    return this.leafRecord(name, "parameter", shape, true, line, module, dtype);
  }

  buffer(module: number, local: string, shape: number[], line: number): number {
    return this.leafRecord(`${this.trace.modules[module].path}.${local}`, "buffer", shape, false, line, module, "float32");
  }

  leaf(name: string, shape: number[], line: number, requiresGrad = false, dtype = "float32"): number {
    return this.leafRecord(name, "leaf", shape, requiresGrad, line, null, dtype);
  }

  /** Runs an op; returns the output tensor id. `saved` lists inputs (by tensor id) the node keeps. */
  op(
    op: string, inputs: number[], line: number,
    options: { module?: number | null; shape?: number[]; dtype?: string; gradFn?: string; saved?: number[]; savedOutput?: boolean } = {},
  ): number {
    const states = inputs.map((t) => this.state(t));
    const dtype = options.dtype ?? "float32";
    const floating = dtype.startsWith("float");
    const records = this.gradEnabled && floating && states.some((s) => s.requiresGrad);
    const out = this.nextTensor++;
    const shape = options.shape ?? states[0]?.shape ?? [];
    const id = this.trace.ops.length;
    const bytesOf = (t: number) => this.state(t).shape.reduce((a, b) => a * b, 1) * (dtype === "float64" ? 8 : 4);
    const saved: SavedTensorRecord[] = [];
    if (records) {
      for (const t of options.saved ?? []) saved.push({ tensor: t, bytes: bytesOf(t), isParameter: this.state(t).leaf?.kind === "parameter" || this.viewsOfParams.has(t) });
    }
    this.tensors.set(out, { requiresGrad: records, producer: id, leaf: null, grad: "none", shape });
    if (records && options.savedOutput) saved.push({ tensor: out, bytes: bytesOf(out), isParameter: false });
    const module = options.module ?? null;
    const rec: OpRecord = {
      seq: this.seq++, id, op,
      gradFn: records ? options.gradFn ?? `${op[0].toUpperCase()}${op.slice(1)}Backward0` : null,
      inputs: inputs.map((t, i) => ({ tensor: t, producer: states[i].producer, requiresGrad: states[i].requiresGrad })),
      outputs: [out], shape, dtype, gradEnabled: this.gradEnabled,
      savedBytes: saved.reduce((a, s) => a + s.bytes, 0), saved, inPlace: false,
      module, modulePath: module === null ? null : this.trace.modules[module].path, site: this.site(line),
    };
    this.trace.ops.push(rec);
    return out;
  }

  /** Linear as F.linear records it: t(weight) (TBackward0), then addmm(bias, input, weightT) saving like PyTorch. */
  linear(x: number, weight: number, bias: number, line: number, module: number | null = null): number {
    const [outF, inF] = this.state(weight).shape;
    const wT = this.op("t", [weight], line, { module, shape: [inF, outF], gradFn: "TBackward0" });
    this.viewsOfParams.add(wT);
    const saved: number[] = [];
    if (this.state(wT).requiresGrad) saved.push(x);
    if (this.state(x).requiresGrad) saved.push(wT);
    return this.op("addmm", [bias, x, wT], line, { module, shape: [this.state(x).shape[0], outF], gradFn: "AddmmBackward0", saved });
  }

  relu(x: number, line: number, module: number | null = null): number {
    return this.op("relu", [x], line, { module, gradFn: "ReluBackward0", savedOutput: true });
  }

  detach(source: number, line: number, inPlace = false): number {
    const s = this.state(source);
    const result = inPlace ? source : this.nextTensor++;
    const rec: DetachRecord = {
      seq: this.seq++, source, result, inPlace, sourceProducer: s.producer, sourceRequiresGrad: s.requiresGrad,
      module: null, modulePath: null, site: this.site(line),
    };
    this.trace.detaches.push(rec);
    this.tensors.set(result, { requiresGrad: false, producer: null, leaf: null, grad: "none", shape: s.shape });
    return result;
  }

  noGrad<T>(line: number, endLine: number, body: () => T): T {
    this.gradMode("no-grad-enter", false, line);
    const prev = this.gradEnabled;
    this.gradEnabled = false;
    const out = body();
    this.gradEnabled = prev;
    this.gradMode("no-grad-exit", prev, endLine);
    return out;
  }

  setGradEnabled(flag: boolean, line: number): void {
    this.gradEnabled = flag;
    this.gradMode("set-grad-enabled", flag, line, flag);
  }

  private gradMode(kind: GradModeRecord["kind"], enabledAfter: boolean, line: number, enabled?: boolean): void {
    const rec: GradModeRecord = { seq: this.seq++, kind, enabledAfter, site: this.site(line) };
    if (enabled !== undefined) rec.enabled = enabled;
    this.trace.gradModes.push(rec);
    if (kind.endsWith("enter")) this.regionStack.push(rec);
  }

  setRequiresGrad(tensor: number, flag: boolean, line: number, via: RequiresGradChangeRecord["via"] = "requiresGrad", module: number | null = null): void {
    const s = this.state(tensor);
    s.requiresGrad = flag;
    if (s.leaf !== null) s.leaf.requiresGradAtEnd = flag;
    this.trace.requiresGradChanges.push({ seq: this.seq++, tensor, flag, via, module, site: this.site(line) });
  }

  /** module.requiresGrad_(flag): every parameter below it changes, all at the call's line. */
  moduleRequiresGrad(module: number, flag: boolean, line: number): void {
    this.trace.modules[module].requiresGradCalls.push({ seq: this.seq++, flag, site: this.site(line) });
    for (const t of this.paramsUnder(module)) this.setRequiresGrad(t, flag, line, "module", module);
  }

  train(module: number, mode: boolean, line: number): void {
    for (const m of this.modulesUnder(module)) {
      this.trace.modules[m].training = mode;
      this.trace.modules[m].trainCalls.push({ seq: this.seq++, mode, site: this.site(line) });
    }
  }

  bufferUpdate(module: number, buffer: number, name: string, line: number): void {
    const rec: BufferUpdateRecord = { seq: this.seq++, module, modulePath: this.trace.modules[module].path, name, tensor: buffer, site: this.site(line) };
    this.trace.bufferUpdates.push(rec);
  }

  private modulesUnder(module: number): number[] {
    const out = [module];
    for (const m of this.trace.modules) if (m.parent !== null && out.includes(m.parent) && !out.includes(m.id)) out.push(m.id);
    return out;
  }

  paramsUnder(module: number): number[] {
    return this.modulesUnder(module).flatMap((m) => this.trace.modules[m].parameters);
  }

  /** loss.backward(): reaches the leaves on real edges, like the engine. Returns the backward index. */
  backward(root: number, line: number, options: { retainGraph?: boolean; error?: string } = {}): number {
    const s = this.state(root);
    const reached = new Set<number>();
    const seen = new Set<number>();
    const visit = (t: number) => {
      const st = this.state(t);
      if (!st.requiresGrad) return;
      if (st.producer === null) {
        reached.add(t);
        return;
      }
      if (seen.has(st.producer)) return;
      seen.add(st.producer);
      for (const i of this.trace.ops[st.producer].inputs) if (i.requiresGrad) visit(i.tensor);
    };
    visit(root);
    for (const t of reached) this.state(t).grad = "value";
    const index = this.trace.backwards.length;
    const rec: BackwardRecord = {
      seq: this.seq++, index, root, rootProducer: s.producer, retainGraph: options.retainGraph ?? false, createGraph: false,
      reached: [...reached].sort((a, b) => a - b).map((tensor) => ({ tensor, gradNorm: 1 })),
      error: options.error ?? null, site: this.site(line, 3),
    };
    this.trace.backwards.push(rec);
    return index;
  }

  optimizer(name: string, className: string, groups: Array<{ params: number[]; lr: number; momentum?: number; weightDecay?: number }>, line: number): number {
    const id = this.trace.optimizers.length;
    const rec: OptimizerRecord = {
      seq: this.seq++, id, name, className, site: this.site(line),
      groups: groups.map((g) => ({ lr: g.lr, momentum: g.momentum ?? null, weightDecay: g.weightDecay ?? null, params: [...g.params] })),
    };
    this.trace.optimizers.push(rec);
    return id;
  }

  /** opt.step(): moves params with a gradient (and, with momentum, params that moved before). */
  step(optimizer: number, line: number): void {
    const o = this.trace.optimizers[optimizer];
    const changes: StepRecord["changes"] = [];
    for (const g of o.groups) {
      for (const t of g.params) {
        const st = this.state(t);
        const hadGrad = st.grad !== "none";
        const moves = g.lr !== 0 && (st.grad === "value" || (hadGrad && (g.momentum ?? 0) > 0 && this.moved.has(t)) || (hadGrad && (g.weightDecay ?? 0) > 0));
        if (moves) this.moved.add(t);
        changes.push({ tensor: t, changed: moves, hadGrad });
      }
    }
    const index = this.trace.steps.filter((s) => s.optimizer === optimizer).length;
    this.trace.steps.push({ seq: this.seq++, optimizer, index, lrs: o.groups.map((g) => g.lr), changes, site: this.site(line, 5) });
  }

  /** scaler.step(opt) that found inf/NaN gradients: torch's GradScaler does not call opt.step(), so nothing moves. */
  skippedStep(optimizer: number, line: number): void {
    const o = this.trace.optimizers[optimizer];
    const changes = o.groups.flatMap((g) => g.params.map((t) => ({ tensor: t, changed: false, hadGrad: this.state(t).grad !== "none" })));
    const index = this.trace.steps.filter((s) => s.optimizer === optimizer).length;
    this.trace.steps.push({ seq: this.seq++, optimizer, index, lrs: o.groups.map((g) => g.lr), changes, site: this.site(line, 5), skipped: true });
  }

  zeroGrad(owner: ZeroGradRecord["owner"], line: number, setToNone = true): void {
    const tensors =
      owner.kind === "optimizer" ? this.trace.optimizers[owner.optimizer].groups.flatMap((g) => g.params)
        : owner.kind === "module" ? this.paramsUnder(owner.module)
        : owner.kind === "assignment" ? owner.tensors : [];
    for (const t of tensors) {
      const st = this.state(t);
      st.grad = setToNone ? "none" : st.grad === "none" ? "none" : "zero";
    }
    this.trace.zeroGrads.push({ seq: this.seq++, owner, setToNone, site: this.site(line, 5) });
  }

  private state(t: number): TensorState {
    const s = this.tensors.get(t);
    if (s === undefined) throw new Error(`unknown tensor ${t}`);
    return s;
  }

  build(): Trace {
    return JSON.parse(JSON.stringify(this.trace)) as Trace;
  }
}
