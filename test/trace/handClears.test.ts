import { afterEach, describe, expect, it } from "vitest";
import { nn, optim, tensor, zerosLike, type Tensor } from "gradlens";
import { setObserver } from "../../src/engine/observer";
import { TraceRecorder } from "../../src/trace/recorder";
import { validateTrace, type Site, type Trace } from "../../src/trace/schema";

// Gradients cleared by hand (`p.grad = null`, `p.grad = zerosLike(p)`, `p.grad.zero_()`) are recorded
// as zeroGrad records with owner kind "assignment", listing the leaves and the user's line.

let line = 0;
const at = (l: number) => {
  line = l;
};
const sites = { capture: (): Site | null => (line === 0 ? null : { file: "model.ts", line, column: 1 }) };

function record(body: () => void): Trace {
  line = 0;
  const recorder = new TraceRecorder({ file: "model.ts", sites });
  setObserver(recorder);
  try {
    body();
  } finally {
    setObserver(null);
  }
  const trace = recorder.finish({ stopped: { reason: "end-of-file", message: "" }, error: null, console: [], durationMs: 0 });
  expect(validateTrace(JSON.parse(JSON.stringify(trace)))).toEqual([]);
  return trace;
}

const leafId = (trace: Trace, name: string) => trace.leaves.find((l) => l.name === name)?.id ?? -1;
const clears = (trace: Trace) =>
  trace.zeroGrads.map((z) => [z.owner.kind === "assignment" ? z.owner.tensors : z.owner.kind, z.setToNone, z.site?.line]);

afterEach(() => setObserver(null));

describe("hand-written gradient clears", () => {
  it("a loop with x.grad = null / q.grad = null records one clear per line per iteration, before that iteration's backward", () => {
    let x!: Tensor, q!: Tensor;
    const trace = record(() => {
      at(1); x = tensor([1.0], { requiresGrad: true }); x.name = "x";
      at(2); q = tensor([2.0], { requiresGrad: true }); q.name = "q";
      for (let step = 0; step < 2; step++) {
        at(4); x.grad = null;
        at(5); q.grad = null;
        at(6); x.mul(q).backward();
      }
    });
    expect(clears(trace)).toEqual([
      [[x.id], true, 4], [[q.id], true, 5],
      [[x.id], true, 4], [[q.id], true, 5],
    ]);
    const [c0, c1, c2, c3] = trace.zeroGrads.map((z) => z.seq);
    const [b0, b1] = trace.backwards.map((b) => b.seq);
    expect(c0 < c1 && c1 < b0 && b0 < c2 && c2 < c3 && c3 < b1).toBe(true);
    expect(leafId(trace, "x")).toBe(x.id);
  });

  it("clears of several leaves at one line (a loop over parameters) are one record; a backward starts a new one", () => {
    let lin!: nn.Linear;
    const trace = record(() => {
      at(1); lin = new nn.Linear(2, 1);
      for (let step = 0; step < 2; step++) {
        at(3); for (const p of lin.parameters()) p.grad = null;
        at(4); lin.forward(tensor([[1, 2]])).sum().backward();
      }
      at(6); for (const p of lin.parameters()) p.grad = zerosLike(p);
    });
    const ids = [lin.weight.id, lin.bias!.id];
    expect(clears(trace)).toEqual([[ids, true, 3], [ids, true, 3], [ids, false, 6]]);
    expect(lin.weight.grad!.tolist()).toEqual([[0, 0]]);
  });

  it("p.grad.zero_() on a leaf's current gradient is a clear; zero_ on other tensors or a replaced grad is not; a non-zero assigned grad is a gradient", () => {
    let x!: Tensor;
    const trace = record(() => {
      at(1); x = tensor([1.0, 2.0], { requiresGrad: true });
      at(2); x.mul(3).sum().backward();
      at(3); const old = x.grad!;
      at(4); x.grad!.zero_();
      at(5); tensor([4.0]).zero_();
      at(6); x.grad = tensor([7.0, 7.0]);
      at(7); old.zero_();
      at(8); x.grad.zero_();
    });
    expect(x.grad!.tolist()).toEqual([0, 0]);
    expect(clears(trace)).toEqual([[[x.id], false, 4], [[x.id], false, 8]]);
    // `x.grad = tensor([7, 7])` sets a gradient (gradient surgery, restoring one): not a clear
    expect(trace.gradAssignments!.map((a) => [a.tensor, a.site?.line])).toEqual([[x.id, 6]]);
    // the in-place writes themselves are still recorded
    expect(trace.inplaces.map((r) => [r.op, r.site?.line])).toEqual([["zero_", 4], ["zero_", 5], ["zero_", 7], ["zero_", 8]]);
  });

  it("the engine's own writes (backward, retainGrad, zeroGrad, step) and non-leaf assignments record no hand clear", () => {
    const trace = record(() => {
      at(1); const lin = new nn.Linear(2, 1);
      at(2); const opt = new optim.SGD(lin.parameters(), { lr: 0.1 });
      at(3); const y = lin.forward(tensor([[1, 2]]));
      at(4); y.retainGrad();
      at(5); y.sum().backward();
      at(6); y.grad = null;
      at(7); opt.step();
      at(8); opt.zeroGrad();
      at(9); lin.zeroGrad(false);
    });
    expect(trace.zeroGrads.map((z) => [z.owner.kind, z.site?.line])).toEqual([["optimizer", 8], ["module", 9]]);
  });
});
