import { describe, it, expect } from "vitest";
import { optim, tensor } from "gradlens";
import { loadFixture } from "../nn/torchFixtures";

// The lr schedulers added for issue 15 against PyTorch 1.13 (optim_more.json): 12 epochs on two param
// groups (lr 0.1 and 0.05), the lrs in effect each epoch, getLastLr(), and the cycled momentum.

const fixture = loadFixture("optim_more") as unknown as { schedulers: any[]; plateau: any[] };
const S = optim.lrScheduler;
type Spec = { scheduler: string; kwargs?: Record<string, unknown>; schedulers?: Spec[] };

function camelKwargs(kw: Record<string, unknown> = {}): Record<string, unknown> {
  const names: Record<string, string> = { T_0: "T0", T_mult: "TMult" };
  return Object.fromEntries(Object.entries(kw).map(([k, v]) => [names[k] ?? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

function make(opt: optim.Optimizer<any>, spec: Spec): { step(): void; getLastLr(): number[] } {
  const k = camelKwargs(spec.kwargs);
  switch (spec.scheduler) {
    case "SequentialLR": return new S.SequentialLR(opt, { schedulers: spec.schedulers!.map((s) => make(opt, s) as optim.LRScheduler), ...k });
    case "ChainedScheduler": return new S.ChainedScheduler(spec.schedulers!.map((s) => make(opt, s) as optim.LRScheduler));
    case "MultiplicativeLR": return new S.MultiplicativeLR(opt, () => 0.9);
    case "StepLR": return new S.StepLR(opt, k as never);
    case "ExponentialLR": return new S.ExponentialLR(opt, k as never);
    case "CosineAnnealingLR": return new S.CosineAnnealingLR(opt, { tMax: k.TMax as number });
    default: return new (S as unknown as Record<string, new (o: optim.Optimizer<any>, k: unknown) => optim.LRScheduler>)[spec.scheduler](opt, k);
  }
}

function groupsFor(c: any) {
  const p = tensor([0], { dtype: "float64", requiresGrad: true }), q = tensor([0], { dtype: "float64", requiresGrad: true });
  const groups = [{ params: [p] }, { params: [q], lr: 0.05 }];
  const opt = c.optimizer === "Adam" ? new optim.Adam(groups, { lr: 0.1 }) : new optim.SGD(groups, { lr: 0.1, ...camelKwargs(c.opt) });
  return { p, q, opt };
}

describe("lr schedulers match PyTorch (optim_more.json)", () => {
  for (const c of fixture.schedulers) {
    it(c.name, () => {
      const { p, q, opt } = groupsFor(c);
      const sch = make(opt, c);
      (c.lrs as number[][]).forEach((expected, epoch) => {
        const where = `epoch ${epoch}`;
        opt.paramGroups.forEach((g, i) => expect(g.lr, `${where} group ${i} lr`).toBeCloseTo(expected[i], 12));
        sch.getLastLr().forEach((lr, i) => expect(lr, `${where} getLastLr ${i}`).toBeCloseTo(c.lastLrs[epoch][i], 12));
        opt.paramGroups.forEach((g, i) => {
          const m = "betas" in g ? (g.betas as number[])[0] : (g.momentum as number);
          expect(m, `${where} group ${i} momentum`).toBeCloseTo(c.momenta[epoch][i], 12);
        });
        p.grad = tensor([0], { dtype: "float64" });
        q.grad = tensor([0], { dtype: "float64" });
        opt.step();
        sch.step();
      });
    });
  }

  for (const c of fixture.plateau) {
    it(`ReduceLROnPlateau ${c.name}`, () => {
      const { opt } = groupsFor(c);
      const sch = new S.ReduceLROnPlateau(opt, camelKwargs(c.kwargs));
      (c.metrics as number[]).forEach((m, k) => {
        sch.step(k % 2 === 0 ? m : tensor(m));
        opt.paramGroups.forEach((g, i) => expect(g.lr, `after metric ${k} group ${i}`).toBeCloseTo(c.lrs[k][i], 12));
        expect(sch.getLastLr()).toEqual(opt.paramGroups.map((g) => g.lr));
      });
    });
  }
});

describe("scheduler arguments (positional or an options object, checked like keyword arguments)", () => {
  const opt = () => new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
  it("positional and options forms agree", () => {
    const a = opt(), b = opt();
    const s1 = new S.MultiStepLR(a, [1, 2], 0.5), s2 = new S.MultiStepLR(b, { milestones: [1, 2], gamma: 0.5 });
    for (let i = 0; i < 3; i++) [s1, s2].forEach((s) => s.step());
    expect(s1.getLastLr()).toEqual([0.025]);
    expect(s2.getLastLr()).toEqual([0.025]);
  });
  it("unknown, snake_case and mistyped keys raise TypeErrors", () => {
    expect(() => new S.LinearLR(opt(), { start_factor: 0.1 } as never)).toThrow(
      new TypeError("LinearLR() got an unexpected keyword argument 'start_factor' (start_factor: did you mean startFactor?)"),
    );
    expect(() => new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: "10" } as never)).toThrow(new TypeError("OneCycleLR(): argument 'totalSteps' must be int, not str"));
    expect(() => new S.ReduceLROnPlateau(opt(), { paitence: 3 } as never)).toThrow(new TypeError("ReduceLROnPlateau() got an unexpected keyword argument 'paitence'"));
    expect(() => new S.MultiStepLR(opt())).toThrow(new TypeError("MultiStepLR() missing 1 required positional argument: 'milestones'"));
  });
  it("PyTorch's value errors", () => {
    expect(() => new S.LinearLR(opt(), { startFactor: 0 })).toThrow("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    expect(() => new S.ReduceLROnPlateau(opt(), { factor: 1 })).toThrow("Factor should be < 1.0.");
    expect(() => new S.OneCycleLR(opt(), { maxLr: 0.1 })).toThrow("You must define either total_steps OR (epochs AND steps_per_epoch)");
    const one = new S.OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 2 });
    one.step();
    one.step();
    expect(() => one.step()).toThrow("Tried to step 3 times. The specified number of total steps is 2");
  });
  it("CosineAnnealingWarmRestarts.step(epoch) takes fractional epochs (closed form)", () => {
    const o = opt();
    const s = new S.CosineAnnealingWarmRestarts(o, { T0: 4, etaMin: 0 });
    s.step(5.5); // restarted at 4: T_cur = 1.5 of T_i = 4
    expect(o.paramGroups[0].lr).toBeCloseTo(0.05 * (1 + Math.cos((Math.PI * 1.5) / 4)), 14);
    expect(s.lastEpoch).toBe(5);
  });
  it("all are exported from optim and counted by api-coverage's lrScheduler namespace", () => {
    for (const n of ["MultiStepLR", "ReduceLROnPlateau", "OneCycleLR", "LinearLR", "CosineAnnealingWarmRestarts", "CyclicLR", "SequentialLR",
      "ConstantLR", "PolynomialLR", "LambdaLR", "MultiplicativeLR", "ChainedScheduler", "StepLR"]) {
      expect(typeof (S as Record<string, unknown>)[n], n).toBe("function");
      expect((optim as Record<string, unknown>)[n], n).toBe((S as Record<string, unknown>)[n]);
    }
  });
});
