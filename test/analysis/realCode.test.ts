import { describe, expect, it } from "vitest";
import { nn, optim, noGrad, randn, tensor, zerosLike, type Tensor } from "gradlens";
import { analyze } from "../../src/analysis";
import type { Report } from "../../src/protocol/report";
import { traceInProcess } from "./realTrace";

// Wrong results on real training code (issue 13), each on the real engine and tracer. Values come
// from PyTorch's semantics: a hand-written SGD step changes p by −lr·grad; `p.grad = g` is the
// gradient the next step reads; `.data` shares storage and is outside autograd.

const byName = (r: Report) => Object.fromEntries(r.parameters.map((p) => [p.name, p]));
const codes = (r: Report) => r.findings.map((f) => f.code);

/** A linear model, one loss, and the update written by `update` at "line" 5. */
function handTrained(update: (p: Tensor, lr: number) => void): { report: Report; before: number[]; after: number[]; grad: number[] } {
  let before: number[] = [], after: number[] = [], grad: number[] = [];
  const report = analyze(traceInProcess("sgd.ts", (at) => {
    at(1);
    const model = new nn.Linear(2, 1);
    at(3);
    const loss = model.call(tensor([[1, 2]])).sum();
    loss.backward();
    before = (model.weight.tolist() as number[][]).flat();
    grad = (model.weight.grad!.tolist() as number[][]).flat();
    at(5);
    for (const p of model.parameters()) update(p, 0.5);
    after = (model.weight.tolist() as number[][]).flat();
  }));
  return { report, before, after, grad };
}

describe("hand-written updates (item 1)", () => {
  const forms: Array<[string, (p: Tensor, lr: number) => void]> = [
    ["noGrad(() => p.sub_(p.grad.mul(lr)))", (p, lr) => noGrad(() => p.sub_(p.grad!.mul(lr)))],
    ["p.data.add_(p.grad, { alpha: -lr })", (p, lr) => p.data.add_(p.grad!, { alpha: -lr })],
    ["p.data = p.data.sub(p.grad.mul(lr))", (p, lr) => { p.data = p.data.sub(p.grad!.mul(lr)); }],
  ];
  for (const [form, update] of forms) {
    it(`${form}: every parameter is updated by hand at line 5, no finding`, () => {
      const { report, before, after, grad } = handTrained(update);
      after.forEach((v, i) => expect(v).toBeCloseTo(before[i] - 0.5 * grad[i], 6));
      for (const p of report.parameters) {
        expect(p).toMatchObject({ status: "updated", updated: true, cause: null, updatedByHand: { line: 5 } });
      }
      expect(report.findings).toEqual([]);
    });
  }

  it("in-place writes that do not use the gradient are not updates: a soft target update, noise", () => {
    const r = analyze(traceInProcess("soft.ts", (at) => {
      at(1);
      const w = randn(2, { requiresGrad: true });
      const target = randn(2);
      at(3);
      w.mul(2).sum().backward();
      at(5);
      noGrad(() => w.mul_(0.9).add_(target.mul(0.1)));
      at(6);
      w.data.add_(randn(2).mul(0.01));
    }));
    expect(r.parameters[0]).toMatchObject({ status: "grad-not-applied", updated: false, cause: { kind: "not-in-optimizer" } });
    expect(r.parameters[0].updatedByHand).toBeUndefined();
  });

  it("reading .data is not a cut: no detach record", () => {
    const r = analyze(traceInProcess("data.ts", (at) => {
      at(1);
      const w = randn(2, { requiresGrad: true });
      at(2);
      w.data.mul(3).sum();
    }));
    expect(r.cuts).toEqual([]);
  });
});

describe("status and updated from one fact (item 2)", () => {
  it("a step that applies an exactly-zero gradient: status updated, updated true, and a note explains the zero", () => {
    const r = analyze(traceInProcess("zero.ts", (at) => {
      at(1);
      const model = new nn.Linear(2, 1);
      at(2);
      const residual = new nn.Linear(2, 1);
      nn.init.zeros_(residual.weight);
      at(4);
      const opt = new optim.SGD([...model.parameters(), ...residual.parameters()], { lr: 0.1 });
      at(5);
      // the residual branch's bias gets +1 and −1: its gradient is exactly zero
      const x = tensor([[1, 2]]);
      const out = model.call(x).add(residual.call(x)).sum().sub(residual.call(x).sum());
      out.backward();
      at(7);
      opt.step();
    }));
    for (const p of r.parameters) expect(p.status === "updated").toBe(p.updated);
    const bias = r.parameters.find((p) => p.name.endsWith("bias") && p.gradNorm === 0)!;
    expect(bias).toMatchObject({ status: "updated", updated: true });
    expect(bias.note).toMatch(/exactly zero/);
  });
});

describe("phantom parameters (item 3)", () => {
  it("a tied-away decoder weight is not a row and raises nothing; it is named in orphans", () => {
    const r = analyze(traceInProcess("tied.ts", (at) => {
      at(1);
      const encoder = new nn.Embedding(5, 3);
      at(2);
      const decoder = new nn.Linear(3, 5);
      decoder.weight = encoder.weight; // weight tying, as word_language_model's --tied
      at(4);
      const opt = new optim.SGD([...encoder.parameters(), decoder.bias!], { lr: 0.1 });
      at(5);
      decoder.call(encoder.call(tensor([1, 2], { dtype: "int64" }))).sum().backward();
      at(6);
      opt.step();
    }));
    // in process there is no source text, so modules keep their fallback names
    expect(r.parameters.map((p) => [p.name, p.status])).toEqual([["Embedding#0.weight", "updated"], ["Linear#1.bias", "updated"]]);
    expect(r.orphans).toHaveLength(1);
    expect(r.findings).toEqual([]);
  });
});

describe("assigned gradients (item 8)", () => {
  it("p.grad = saved before the step (restoring a gradient): no GL009, the parameter is updated", () => {
    const r = analyze(traceInProcess("surgery.ts", (at) => {
      at(1);
      const model = new nn.Linear(2, 1);
      at(2);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      at(3);
      model.call(tensor([[1, 2]])).sum().backward();
      const saved = [...model.parameters()].map((p) => p.grad!.clone());
      at(5);
      opt.zeroGrad();
      at(6);
      [...model.parameters()].forEach((p, i) => { p.grad = saved[i].mul(0.5); });
      at(7);
      opt.step();
    }));
    expect(codes(r)).toEqual([]);
    for (const p of r.parameters) expect(p).toMatchObject({ status: "updated", updated: true });
  });

  it("p.grad = zerosLike(p) is still a clear: momentum moving it is GL009", () => {
    const r = analyze(traceInProcess("zeros.ts", (at) => {
      at(1);
      const model = new nn.Linear(2, 1);
      at(2);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      for (let i = 0; i < 2; i++) {
        at(4);
        opt.zeroGrad();
        if (i === 0) {
          at(6);
          model.call(tensor([[1, 2]])).sum().backward();
        } else {
          at(9);
          for (const p of model.parameters()) p.grad = zerosLike(p);
        }
        at(11);
        opt.step();
      }
    }));
    expect(codes(r)).toEqual(["GL009"]);
  });
});

describe("warm-up schedulers (item 9)", () => {
  it("the lr column shows the lr each step used, not the lr after scheduler.step()", () => {
    const r = analyze(traceInProcess("warmup.ts", (at) => {
      at(1);
      const model = new nn.Linear(2, 1);
      at(2);
      const opt = new optim.SGD(model.parameters(), { lr: 1 });
      at(3);
      const sched = new optim.LambdaLR(opt, (step: number) => (step + 1) / 4);
      for (let i = 0; i < 2; i++) {
        at(5);
        opt.zeroGrad();
        model.call(tensor([[1, 2]])).sum().backward();
        at(7);
        opt.step();
        sched.step();
      }
    }));
    // steps ran at 0.25 and 0.5; the group's lr is 0.75 afterwards
    expect(r.optimizers[0].stepLrs).toEqual([[0.25], [0.5]]);
    expect(r.parameters[0].groups).toEqual([{ optimizer: "SGD#0", group: 0, lr: 0.5 }]);
    expect(r.optimizers[0].groups[0].lr).toBe(0.75);
  });

  it("a group that only ever stepped at lr 0 (warm-up cut short): lr-zero, and the message says which step", () => {
    const r = analyze(traceInProcess("warmup0.ts", (at) => {
      at(1);
      const model = new nn.Linear(2, 1);
      at(2);
      const opt = new optim.SGD(model.parameters(), { lr: 1 });
      at(3);
      const sched = new optim.LambdaLR(opt, (step: number) => step / 4);
      at(4);
      model.call(tensor([[1, 2]])).sum().backward();
      at(5);
      opt.step();
      sched.step();
    }));
    expect(r.parameters[0]).toMatchObject({ status: "grad-not-applied", updated: false, cause: { kind: "lr-zero" } });
    expect(r.parameters[0].cause!.message).toContain("lr was 0 at step 1 of SGD#0 (scheduler: group 0's lr is 0.25 afterwards)");
  });
});

describe("failed runs (item 13)", () => {
  it("an error before a full iteration: no gradient-flow findings, complete false; the statuses say what was seen", () => {
    const trace = traceInProcess("fails.ts", (at) => {
      at(1);
      const model = new nn.Linear(2, 1);
      at(2);
      new optim.SGD(model.parameters(), { lr: 0.1 });
      at(3);
      model.call(tensor([[1, 2]])).sum().backward();
    });
    trace.error = { kind: "exception", message: "boom", file: "fails.ts", line: 4, column: 1 };
    trace.stopped = { reason: "error", message: "boom", file: "fails.ts", line: 4, column: 1 };
    const r = analyze(trace);
    expect(r.complete).toBe(false);
    expect(r.findings).toEqual([]);
    // the same trace without the error: the never-taken step is a finding (GL002)
    const clean = analyze({ ...trace, error: null, stopped: { reason: "end-of-file", message: "" } });
    expect(clean.complete).toBe(false);
    expect(codes(clean)).toEqual(["GL002"]);
  });
});
