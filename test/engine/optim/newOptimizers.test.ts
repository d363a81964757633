import { describe, it, expect } from "vitest";
import { optim, tensor, type Tensor } from "gradlens";
import { camel, expectClose, fromJson, loadFixture, type JsonTensor } from "../nn/torchFixtures";

// Adagrad, Adadelta, Adamax, NAdam and RAdam against PyTorch 1.13 (test/fixtures/torch/optim_more.json,
// scripts/make_optim_fixtures.py): four steps on explicit params and grads (RAdam also past rho_t > 5).

const fixture = loadFixture("optim_more") as unknown as { optimizers: any[] };

function options(kwargs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [camel(k), v]));
}

type Ctor = new (p: Tensor[], o?: unknown) => optim.Optimizer;
const ctor = (name: string) => (optim as unknown as Record<string, Ctor>)[name];

describe("new optimizers match PyTorch (optim_more.json)", () => {
  it("covers Adagrad, Adadelta, Adamax and RAdam (NAdam: 1.13 differs from 2.x, checked by hand below)", () => {
    expect(new Set(fixture.optimizers.map((c) => c.optimizer))).toEqual(new Set(["Adagrad", "Adadelta", "Adamax", "RAdam"]));
  });
  for (const c of fixture.optimizers) {
    it(c.name, () => {
      const params = (c.params as JsonTensor[]).map((j) => fromJson(j, true));
      const opt = new (ctor(c.optimizer))(params, options(c.kwargs));
      for (const [s, step] of (c.steps as Array<{ grads: JsonTensor[]; params: JsonTensor[] }>).entries()) {
        params.forEach((p, i) => (p.grad = fromJson(step.grads[i], false)));
        opt.step();
        params.forEach((p, i) => expectClose(p, step.params[i], 1e-9, 1e-12, `step ${s + 1} param ${i}`));
      }
    });
  }
});

describe("PyTorch 2.x options that 1.13 lacks (hand-computed)", () => {
  // one step from p = 1 with g = 0.5, lr 0.1, default betas: m = 0.05, v = 0.00025 → bias-corrected m̂ = 0.5, v̂ = 0.25
  it("RAdam maximize ascends: the first step (rho_t ≤ 5) moves by lr · m̂", () => {
    const p = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = new optim.RAdam([p], { lr: 0.1, maximize: true });
    p.grad = tensor([0.5], { dtype: "float64" });
    opt.step();
    expect(p.item()).toBeCloseTo(1 + 0.1 * 0.5, 12);
  });

  it("RAdam decoupledWeightDecay shrinks the parameter by lr · wd before the update", () => {
    const p = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = new optim.RAdam([p], { lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true });
    p.grad = tensor([0.5], { dtype: "float64" });
    opt.step();
    expect(p.item()).toBeCloseTo(1 * (1 - 0.1 * 0.5) - 0.1 * 0.5, 12);
  });

  it("NAdam maximize is the step of the negated gradient", () => {
    const a = tensor([1], { dtype: "float64", requiresGrad: true });
    const b = tensor([1], { dtype: "float64", requiresGrad: true });
    const up = new optim.NAdam([a], { lr: 0.1, maximize: true });
    const down = new optim.NAdam([b], { lr: 0.1 });
    a.grad = tensor([0.5], { dtype: "float64" });
    b.grad = tensor([-0.5], { dtype: "float64" });
    up.step();
    down.step();
    // mu = 0.9 (1 - 0.5 · 0.96^0.004), denominators √(v / bc2) + eps = 0.5 + 1e-8
    const mu = 0.9 * (1 - 0.5 * 0.96 ** 0.004), muNext = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
    const expected = 1 + (0.1 * (1 - mu) / (1 - mu)) * (0.5 / (0.5 + 1e-8)) + ((0.1 * muNext) / (1 - mu * muNext)) * (0.05 / (0.5 + 1e-8));
    expect(a.item()).toBeCloseTo(expected, 12);
    expect(b.item()).toBeCloseTo(expected, 12);
  });
});

describe("NAdam follows PyTorch 2.x (1.13 puts mu twice into mu_product_next)", () => {
  it("two steps with weight decay, by hand", () => {
    const p = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = new optim.NAdam([p], { lr: 0.1, betas: [0.8, 0.9], weightDecay: 0.1, momentumDecay: 0.01 });
    let x = 1, m = 0, v = 0, muProduct = 1;
    for (const [step, g0] of [[1, 0.5], [2, -0.25]]) {
      p.grad = tensor([g0], { dtype: "float64" });
      opt.step();
      const g = g0 + 0.1 * x;
      const mu = 0.8 * (1 - 0.5 * 0.96 ** (step * 0.01)), muNext = 0.8 * (1 - 0.5 * 0.96 ** ((step + 1) * 0.01));
      muProduct *= mu;
      m = 0.8 * m + 0.2 * g;
      v = 0.9 * v + 0.1 * g * g;
      const denom = Math.sqrt(v / (1 - 0.9 ** step)) + 1e-8;
      x -= ((0.1 * (1 - mu)) / (1 - muProduct)) * (g / denom) + ((0.1 * muNext) / (1 - muProduct * muNext)) * (m / denom);
      expect(p.item()).toBeCloseTo(x, 12);
    }
    expect(x).not.toBeCloseTo(1, 2);
  });
});

describe("constructor arguments are checked like PyTorch keyword arguments", () => {
  const p = () => [tensor([1], { requiresGrad: true })];
  it("a snake_case key names its camelCase spelling", () => {
    expect(() => new optim.Adagrad(p(), { lr_decay: 0.1 } as never)).toThrow(
      new TypeError("Adagrad() got an unexpected keyword argument 'lr_decay' (lr_decay: did you mean lrDecay?)"),
    );
    expect(() => new optim.NAdam(p(), { momentum_decay: 0.1 } as never)).toThrow(/did you mean momentumDecay\?/);
  });
  it("an unknown key and a wrong type raise TypeErrors", () => {
    expect(() => new optim.Adamax(p(), { momentum: 0.9 } as never)).toThrow(new TypeError("Adamax() got an unexpected keyword argument 'momentum'"));
    expect(() => new optim.Adadelta(p(), { rho: "0.9" } as never)).toThrow(new TypeError("Adadelta(): argument 'rho' must be float, not str"));
    expect(() => new optim.RAdam(p(), { maximize: 1 } as never)).toThrow(new TypeError("RAdam(): argument 'maximize' must be bool, not int"));
  });
  it("out-of-range values raise PyTorch's errors", () => {
    expect(() => new optim.Adagrad(p(), { lr: -1 })).toThrow("Invalid learning rate: -1");
    expect(() => new optim.Adadelta(p(), { rho: 1.5 })).toThrow("Invalid rho value: 1.5");
    expect(() => new optim.Adamax(p(), { betas: [0.9, 1] })).toThrow("Invalid beta parameter at index 1: 1");
  });
  it("param groups keep their own hyper-parameters", () => {
    const [a, b] = [tensor([1], { dtype: "float64", requiresGrad: true }), tensor([1], { dtype: "float64", requiresGrad: true })];
    const opt = new optim.Adagrad([{ params: [a] }, { params: [b], lr: 0 }], { lr: 0.1 });
    a.grad = tensor([1], { dtype: "float64" });
    b.grad = tensor([1], { dtype: "float64" });
    opt.step();
    expect(a.item()).toBeCloseTo(1 - 0.1 / (1 + 1e-10), 12);
    expect(b.item()).toBe(1);
  });
  it("optim.Optimizer accepts every new optimizer", () => {
    const all: optim.Optimizer[] = [new optim.Adagrad(p()), new optim.Adadelta(p()), new optim.Adamax(p()), new optim.NAdam(p()), new optim.RAdam(p()), new optim.LBFGS(p())];
    expect(all.every((o) => o instanceof optim.Optimizer)).toBe(true);
  });
});
