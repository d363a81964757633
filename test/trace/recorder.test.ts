import { afterEach, describe, expect, it } from "vitest";
import { noGrad, randn, setGradEnabled, tensor, zeros } from "gradlens";
import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";
import { validateTrace, type Site, type Trace } from "../../src/trace/schema";
import { StopSignal, type StopPolicy } from "../../src/trace/stop";
import type { EngineEvent } from "../../src/engine/observer";

// The recorder on the real core engine, in process. Sites come from `at(line)` so each record's
// line says which statement made it; nn/optim are stood in for by plain objects that emit the same
// events the real ones do.

let line = 0;
const at = (l: number) => {
  line = l;
};
const sites = { capture: (): Site | null => (line === 0 ? null : { file: "model.ts", line, column: 1 }) };

function record(body: (r: TraceRecorder) => void, stop?: StopPolicy): Trace {
  line = 0;
  const recorder = new TraceRecorder({ file: "model.ts", sites, stop });
  setObserver(recorder);
  try {
    body(recorder);
  } catch (e) {
    if (!(e instanceof StopSignal)) throw e;
  } finally {
    setObserver(null);
  }
  const trace = recorder.finish({ stopped: recorder.stopInfo ?? { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });
  expect(validateTrace(JSON.parse(JSON.stringify(trace)))).toEqual([]);
  return trace;
}

afterEach(() => setObserver(null));


describe("TraceRecorder on the core engine", () => {
  it("records leaves, ops with their producers, a detach and the backward that followed", () => {
    const trace = record(() => {
      at(1); const x = randn(3, { requiresGrad: true });
      at(2); const q = randn(3, { requiresGrad: true });
      at(3); const y = x.mul(2);
      at(4); const z = y.detach().add(q);
      at(5); const loss = z.sum();
      at(6); loss.backward();
    });
    expect(trace.leaves.map((l) => [l.kind, l.factory, l.requiresGrad, l.site?.line])).toEqual([
      ["leaf", "randn", true, 1],
      ["leaf", "randn", true, 2],
    ]);
    const [x, q] = trace.leaves;
    expect(trace.ops.map((o) => [o.op, o.gradFn, o.site?.line])).toEqual([
      ["mul", "MulBackward0", 3],
      ["add", "AddBackward0", 4],
      ["sum", "SumBackward0", 5],
    ]);
    const [mul, add, sum] = trace.ops;
    expect(mul.inputs[0]).toEqual({ tensor: x.id, producer: null, requiresGrad: true });
    expect(trace.detaches).toHaveLength(1);
    const d = trace.detaches[0];
    expect([d.source, d.sourceProducer, d.sourceRequiresGrad, d.inPlace, d.site?.line]).toEqual([mul.outputs[0], mul.id, true, false, 4]);
    expect(add.inputs.map((i) => [i.tensor, i.producer])).toEqual([[d.result, null], [q.id, null]]);
    expect(sum.inputs[0].producer).toBe(add.id);
    expect(trace.backwards).toHaveLength(1);
    const b = trace.backwards[0];
    expect([b.root, b.rootProducer, b.site?.line, b.error]).toEqual([sum.outputs[0], sum.id, 6, null]);
    // q got ones(3) → norm √3; x was cut
    expect(b.reached.map((r) => r.tensor)).toEqual([q.id]);
    expect(b.reached[0].gradNorm).toBeCloseTo(Math.sqrt(3), 6);
  });

  it("ignores the ops backward runs, and records saved bytes and grad mode per op", () => {
    const trace = record(() => {
      at(1); const w = randn(4, 5, { requiresGrad: true });
      at(2); const x = randn(3, 4);
      at(3); const h = x.matmul(w).tanh();
      at(4); const frozen = noGrad(() => x.matmul(w));
      at(5); h.sum().add(frozen.sum()).backward();
    });
    expect(trace.ops.map((o) => o.op)).toEqual(["mm", "tanh", "mm", "sum", "sum", "add"]);
    const [mm, tanh, mmNoGrad] = trace.ops;
    // as in PyTorch, mm saves only what a needed gradient reads: x (3×4 float32) for w's gradient
    expect(mm.savedBytes).toBe(12 * 4);
    expect(mm.saved.map((s) => [s.bytes, s.isParameter])).toEqual([[48, false]]);
    expect(tanh.saved.map((s) => s.bytes)).toEqual([60]);
    expect([mmNoGrad.gradEnabled, mmNoGrad.gradFn, mmNoGrad.site?.line]).toEqual([false, null, 4]);
    expect(trace.gradModes.map((g) => [g.kind, g.enabledAfter, g.site?.line])).toEqual([
      ["no-grad-enter", false, 4],
      ["no-grad-exit", true, 4],
    ]);
  });

  it("records requiresGrad changes, setGradEnabled and the state at the end", () => {
    const trace = record(() => {
      at(1); const w = zeros(2, { requiresGrad: true });
      at(2); w.requiresGrad = false;
      at(3); setGradEnabled(false);
      at(4); setGradEnabled(true);
    });
    expect(trace.leaves[0].requiresGrad).toBe(true);
    expect(trace.leaves[0].requiresGradAtEnd).toBe(false);
    expect(trace.requiresGradChanges.map((c) => [c.flag, c.via, c.site?.line])).toEqual([[false, "requiresGrad", 2]]);
    expect(trace.gradModes.map((g) => [g.kind, g.enabled, g.site?.line])).toEqual([
      ["set-grad-enabled", false, 3],
      ["set-grad-enabled", true, 4],
    ]);
  });

  it("attributes an in-place op to the tensor it wrote, keeping the old value's producer as its input", () => {
    const trace = record(() => {
      at(1); const a = randn(3, { requiresGrad: true });
      at(2); const b = a.mul(3);
      at(3); b.add_(1);
      at(4); b.sum().backward();
    });
    const [mul, addInPlace, sum] = trace.ops;
    expect([addInPlace.op, addInPlace.inPlace, addInPlace.outputs[0]]).toEqual(["add", true, mul.outputs[0]]);
    expect(addInPlace.inputs[0]).toMatchObject({ tensor: mul.outputs[0], producer: mul.id });
    expect(sum.inputs[0].producer).toBe(addInPlace.id);
    expect(trace.inplaces.map((i) => [i.op, i.producer, i.site?.line])).toEqual([["add_", addInPlace.id, 3]]);
  });

  it("names free leaves after a fallback when no source text is known, de-duplicating repeats", () => {
    const trace = record(() => {
      for (let i = 0; i < 3; i++) {
        at(7);
        tensor([1, 2]);
      }
    });
    expect(trace.leaves.map((l) => l.name)).toEqual(["tensor@7", "tensor@7#2", "tensor@7#3"]);
  });
});

// ---- stand-ins for nn and optim -----------------------------------------------------------------

class FakeModule {
  training = true;
  constructor(
    readonly params: Array<[string, ReturnType<typeof randn>]>,
    readonly kids: Array<[string, FakeModule]> = [],
  ) {}
  *namedChildren() {
    yield* this.kids;
  }
  *namedParameters(_prefix = "", recurse = true): Generator<[string, ReturnType<typeof randn>]> {
    yield* this.params;
    if (recurse) for (const [n, k] of this.kids) for (const [pn, p] of k.namedParameters()) yield [`${n}.${pn}`, p];
  }
  *namedBuffers() {}
}

class FakeSGD {
  paramGroups: Array<{ params: Array<ReturnType<typeof randn>>; lr: number; momentum: number }>;
  constructor(params: Array<ReturnType<typeof randn>>, lr: number) {
    this.paramGroups = [{ params, lr, momentum: 0 }];
  }
  step(send: (e: EngineEvent) => void) {
    send({ kind: "optimizer-step", optimizer: this, phase: "before" });
    noGrad(() => {
      for (const g of this.paramGroups) for (const p of g.params) if (p.grad) p.sub_(p.grad.mul(g.lr));
    });
    send({ kind: "optimizer-step", optimizer: this, phase: "after" });
  }
}

describe("TraceRecorder with modules and optimizers", () => {
  it("builds qualified names, module paths, steps with changes, and skips the optimizer's own ops", () => {
    let fc1!: FakeModule, net!: FakeModule;
    const trace = record((r) => {
      const send = (e: EngineEvent) => r.onEvent(e);
      at(1);
      net = new FakeModule([]);
      send({ kind: "module-created", module: net });
      fc1 = new FakeModule([]);
      send({ kind: "module-created", module: fc1 });
      const w = randn(2, 3, { requiresGrad: true });
      const b = zeros(2, { requiresGrad: true });
      fc1.params.push(["weight", w], ["bias", b]);
      net.kids.push(["fc1", fc1]);
      at(5);
      const opt = new FakeSGD([w, b], 0.5);
      send({ kind: "optimizer-created", optimizer: opt });
      at(6);
      send({ kind: "module-enter", module: net });
      send({ kind: "module-enter", module: fc1 });
      const y = randn(4, 3).matmul(w.t()).add(b);
      send({ kind: "module-exit", module: fc1 });
      send({ kind: "module-exit", module: net });
      at(7); y.sum().backward();
      at(8); send({ kind: "zero-grad", owner: opt, setToNone: true });
      at(9); opt.step(send);
      at(10); send({ kind: "module-requires-grad", module: fc1, flag: false });
      w.requiresGrad_(false);
      b.requiresGrad_(false);
    });
    expect(trace.modules.map((m) => [m.path, m.className, m.parent])).toEqual([
      ["FakeModule#0", "FakeModule", null],
      ["FakeModule#0.fc1", "FakeModule", 0],
    ]);
    expect(trace.leaves.filter((l) => l.requiresGrad).map((l) => [l.name, l.kind, l.modulePath])).toEqual([
      ["FakeModule#0.fc1.weight", "parameter", "FakeModule#0.fc1"],
      ["FakeModule#0.fc1.bias", "parameter", "FakeModule#0.fc1"],
    ]);
    const forward = trace.ops.filter((o) => o.site?.line === 6);
    expect(forward.map((o) => o.modulePath)).toEqual(forward.map(() => "FakeModule#0.fc1"));
    // the step's sub_/mul under noGrad are not forward ops
    expect(trace.ops.filter((o) => o.site?.line === 9)).toEqual([]);
    expect(trace.optimizers).toMatchObject([{ name: "FakeSGD#0", className: "FakeSGD", groups: [{ lr: 0.5, momentum: 0, weightDecay: null }] }]);
    expect(trace.steps).toHaveLength(1);
    const step = trace.steps[0];
    expect([step.optimizer, step.index, step.lrs, step.site?.line]).toEqual([0, 0, [0.5], 9]);
    // d(sum(x·wᵀ + b))/db = 4 per element → bias moves by 0.5 · 4 = 2, and the weight too
    expect(step.changes.map((c) => c.changed)).toEqual([true, true]);
    expect(step.changes.every((c) => c.hadGrad)).toBe(true);
    expect(trace.zeroGrads).toEqual([expect.objectContaining({ owner: { kind: "optimizer", optimizer: 0 }, setToNone: true })]);
    expect(trace.requiresGradChanges.map((c) => [c.via, c.module])).toEqual([["module", 1], ["module", 1]]);
    expect(trace.modules[1].requiresGradCalls.map((c) => [c.flag, c.site?.line])).toEqual([[false, 10]]);
  });

  it("throws a StopSignal from the step the policy stops at, with the step's site", () => {
    const seen: string[] = [];
    const trace = record(
      (r) => {
        const send = (e: EngineEvent) => r.onEvent(e);
        const w = randn(2, { requiresGrad: true });
        const opt = new FakeSGD([w], 0.1);
        send({ kind: "optimizer-created", optimizer: opt });
        for (let i = 0; i < 100; i++) {
          at(20 + i);
          w.mul(2).sum().backward();
          opt.step(send);
          seen.push(`step ${i}`);
        }
      },
      { beforeStep: (_o, counts) => (counts.stepsByOptimizer[0] >= 1 ? { reason: "step-budget", message: "enough" } : null) },
    );
    expect(seen).toEqual(["step 0"]);
    expect(trace.stopped).toEqual({ reason: "step-budget", message: "enough", file: "model.ts", line: 21, column: 1 });
    expect(trace.steps).toHaveLength(1);
    expect(trace.backwards).toHaveLength(2);
  });
});
