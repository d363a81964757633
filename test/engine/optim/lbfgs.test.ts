import { describe, it, expect } from "vitest";
import { optim, tensor, type Tensor } from "gradlens";
import { loadFixture } from "../nn/torchFixtures";

// LBFGS on the Rosenbrock function against PyTorch 1.13 (optim_more.json): three step(closure) calls,
// with and without the strong-Wolfe line search — parameters, losses and closure-call counts.

const fixture = loadFixture("optim_more") as unknown as { lbfgs: any[] };

function camelKwargs(kw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kw).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

describe("LBFGS matches PyTorch (optim_more.json)", () => {
  for (const c of fixture.lbfgs) {
    it(c.name, () => {
      const a = tensor([c.start[0]], { dtype: "float64", requiresGrad: true });
      const b = tensor([c.start[1]], { dtype: "float64", requiresGrad: true });
      const opt = new optim.LBFGS([a, b], camelKwargs(c.kwargs));
      let calls = 0;
      const closure = (): Tensor => {
        calls++;
        opt.zeroGrad();
        const loss = a.neg().add(1).pow(2).add(b.sub(a.mul(a)).pow(2).mul(100)).sum();
        loss.backward();
        return loss;
      };
      for (const [k, s] of (c.steps as any[]).entries()) {
        const loss = opt.step(closure) as Tensor;
        expect(loss.item(), `step ${k + 1} loss`).toBeCloseTo(s.loss, 9);
        expect(a.item(), `step ${k + 1} a`).toBeCloseTo(s.a, 9);
        expect(b.item(), `step ${k + 1} b`).toBeCloseTo(s.b, 9);
        expect(calls, `step ${k + 1} closure calls`).toBe(s.closureCalls);
        expect(opt.state.get(a)?.funcEvals).toBe(s.funcEvals);
        expect(opt.state.get(a)?.nIter).toBe(s.nIter);
      }
    });
  }
});

describe("LBFGS arguments", () => {
  const p = () => [tensor([1], { requiresGrad: true })];
  it("step() needs a closure", () => {
    expect(() => new optim.LBFGS(p()).step()).toThrow(TypeError);
  });
  it("takes one parameter group only, as PyTorch", () => {
    expect(() => new optim.LBFGS([{ params: p() }, { params: p() }])).toThrow("LBFGS doesn't support per-parameter options (parameter groups)");
  });
  it("checks keyword arguments", () => {
    expect(() => new optim.LBFGS(p(), { line_search_fn: "strong_wolfe" } as never)).toThrow(/did you mean lineSearchFn\?/);
    expect(() => new optim.LBFGS(p(), { maxIter: 2.5 })).toThrow(new TypeError("LBFGS(): argument 'maxIter' must be int, not float"));
    expect(() => new optim.LBFGS(p(), { lineSearchFn: "backtracking" as never })).toThrow("only 'strong_wolfe' is supported");
  });
  it("maxEval defaults to maxIter · 5 / 4 rounded down", () => {
    expect(new optim.LBFGS(p(), { maxIter: 7 }).paramGroups[0].maxEval).toBe(8);
  });
});
