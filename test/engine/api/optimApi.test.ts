import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tensor, optim, zeros, type Tensor } from "gradlens";
import { expectClose } from "../../helpers/expectClose";

// The added optimizers and schedulers against torch (test/fixtures/torch/api-optim.json, written by
// scripts/make_api_fixtures.py): 5 steps on f(w) = Σ(A·w − b)² + Σw⁴, and 12 scheduler steps.

const fx = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/torch/api-optim.json", import.meta.url)), "utf8"));
const A = tensor(fx.A, { dtype: "float64" }), b = tensor(fx.b, { dtype: "float64" });
const makers: Record<string, (p: Tensor[], o: any) => optim.Optimizer> = {
  Adagrad: (p, o) => new optim.Adagrad(p, o), Adadelta: (p, o) => new optim.Adadelta(p, o), Adamax: (p, o) => new optim.Adamax(p, o),
  NAdam: (p, o) => new optim.NAdam(p, o), RAdam: (p, o) => new optim.RAdam(p, o), RAdam_rectified: (p, o) => new optim.RAdam(p, o),
  LBFGS: (p, o) => new optim.LBFGS(p, o),
};

describe("optimizers match torch step by step", () => {
  for (const c of fx.optimizers as Array<{ name: string; options: object; trajectory: number[][] }>) {
    it(c.name, () => {
      const w = tensor(fx.w0, { dtype: "float64", requiresGrad: true });
      const opt = makers[c.name]([w], c.options);
      c.trajectory.forEach((expected, step) => {
        opt.step(() => {
          opt.zeroGrad();
          const loss = A.matmul(w).sub(b).pow(2).sum().add(w.pow(4).sum());
          loss.backward();
          return loss;
        });
        expectClose(w, expected, { rtol: 1e-9, atol: 1e-12, label: `${c.name} step ${step + 1}` });
      });
    });
  }
});

const S = optim.lrScheduler;
const schedulers: Record<string, (o: optim.Optimizer) => { step(m?: any): void }> = {
  MultiStepLR: (o) => new S.MultiStepLR(o, [3, 7], 0.5),
  ConstantLR: (o) => new S.ConstantLR(o, 0.25, 4),
  LinearLR: (o) => new S.LinearLR(o, { startFactor: 0.2, endFactor: 1, totalIters: 6 }),
  PolynomialLR: (o) => new S.PolynomialLR(o, 8, 2),
  CosineAnnealingWarmRestarts: (o) => new S.CosineAnnealingWarmRestarts(o, 3, 2, 0.01),
  OneCycleLR: (o) => new S.OneCycleLR(o, { maxLr: 1, totalSteps: 12 }),
  CyclicLR: (o) => new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, mode: "triangular2" }),
  ReduceLROnPlateau: (o) => new S.ReduceLROnPlateau(o, { factor: 0.5, patience: 2 }),
};

describe("lr schedulers match torch", () => {
  for (const c of fx.schedulers as Array<{ name: string; lrs: number[]; metric?: number[] }>) {
    it(c.name, () => {
      const p = zeros([1], { requiresGrad: true });
      const opt = new optim.SGD([p], { lr: 0.1 });
      const s = schedulers[c.name](opt);
      const lrs = [opt.paramGroups[0].lr];
      for (let i = 0; i < c.lrs.length - 1; i++) {
        s.step(c.metric?.[i] as number);
        lrs.push(opt.paramGroups[0].lr);
      }
      expectClose(lrs, c.lrs, { rtol: 1e-9, atol: 1e-12, label: c.name });
    });
  }
});

describe("optimizer options are checked", () => {
  const w = () => [zeros([2], { requiresGrad: true })];
  it("a snake_case key in a param group names its camelCase key", () => {
    expect(() => new optim.AdamW([{ params: w(), weight_decay: 0 }], { lr: 1e-3 })).toThrow(
      new TypeError("AdamW param group() got an unexpected keyword argument 'weight_decay' (weight_decay: did you mean weightDecay?)"),
    );
  });
  it("an unknown constructor option raises", () => {
    expect(() => new optim.SGD(w(), { lr: 0.1, momentun: 0.9 } as object)).toThrow(/SGD\(\) got an unexpected keyword argument 'momentun'/);
    expect(() => new optim.Adagrad(w(), { lr: "0.1" } as object)).toThrow(new TypeError("Adagrad(): argument 'lr' must be float, not str"));
  });
  it("param groups may still carry keys of their own (names for logging)", () => {
    const opt = new optim.SGD([{ params: w(), name: "head" }], { lr: 0.1 });
    expect(opt.paramGroups[0].name).toBe("head");
  });
  it("optim.Optimizer is a parameter type for any optimizer", () => {
    const lrOf = (o: optim.Optimizer): number => o.paramGroups[0].lr as number;
    expect([lrOf(new optim.SGD(w(), { lr: 0.1 })), lrOf(new optim.AdamW(w(), { lr: 0.2 })), lrOf(new optim.NAdam(w(), { lr: 0.3 }))]).toEqual([0.1, 0.2, 0.3]);
  });
});

describe("SparseAdam (the engine's gradients are dense)", () => {
  it("raises PyTorch's error on a dense gradient, and steps over parameters without one", () => {
    const p = zeros([2], { requiresGrad: true });
    const opt = new optim.SparseAdam([p], { lr: 0.01, betas: [0.8, 0.9] });
    expect(() => opt.step()).not.toThrow();
    p.grad = tensor([1, 1]);
    expect(() => opt.step()).toThrow(new Error(fx.sparseAdamDenseError));
  });
  it("checks its options as PyTorch", () => {
    expect(() => new optim.SparseAdam([zeros([1], { requiresGrad: true })], { lr: 0 })).toThrow("Invalid learning rate: 0");
    expect(() => new optim.SparseAdam([zeros([1], { requiresGrad: true })], { weightDecay: 0.1 } as object)).toThrow(/SparseAdam\(\) got an unexpected keyword argument 'weightDecay'/);
  });
});
