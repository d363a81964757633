import { describe, expect, it } from "vitest";
import { tensor, autograd, distributions, F, nn, randn, manualSeed, type Tensor } from "gradlens";
import { expectClose } from "../../helpers/expectClose";

// autograd.grad / backward({ inputs }) / Function, keyword options, in-place activations and
// distributions, against closed forms.

const f64 = { dtype: "float64" as const, requiresGrad: true };

describe("autograd.grad", () => {
  it("returns d(Σx³)/dx = 3x² and leaves every .grad alone", () => {
    const x = tensor([1, -2, 0.5], f64), w = tensor([2, 3, 4], f64);
    const y = x.pow(3).mul(w.detach()).sum().add(w.sum());
    const [g] = autograd.grad(y, [x]);
    expectClose(g!, [6, 36, 3]);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });
  it("createGraph: a gradient penalty differentiates the gradient (d/dx Σ(3x²)² = 36x³)", () => {
    const x = tensor([1, -2, 0.5], f64);
    const [g] = autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
    g!.pow(2).sum().backward();
    expectClose(x.grad!, [36, -288, 4.5]);
  });
  it("gradient of a non-leaf input, gradOutputs, and allowUnused", () => {
    const x = tensor([1, 2], f64);
    const h = x.mul(3), unused = tensor([1], f64);
    const out = h.pow(2);
    const [gh, gu] = autograd.grad([out], [h, unused], { gradOutputs: [tensor([1, 10], { dtype: "float64" })], allowUnused: true });
    expectClose(gh!, [6, 120]);
    expect(gu).toBeNull();
    const y = x.mul(2).sum();
    expect(() => autograd.grad(y, [unused])).toThrow(/appears to not have been used in the graph/);
  });
  it("backward({ inputs }) accumulates only into the given tensors", () => {
    const a = tensor([1, 2], f64), b = tensor([3, 4], f64);
    autograd.backward(a.mul(b).sum(), { inputs: [a] });
    expectClose(a.grad!, [3, 4]);
    expect(b.grad).toBeNull();
  });
  it("Function: a straight-through estimator passes the gradient through round()", () => {
    class RoundST extends autograd.Function {
      static override forward(_ctx: autograd.FunctionCtx, x: Tensor): Tensor {
        return x.round();
      }
      static override backward(_ctx: autograd.FunctionCtx, g: Tensor): Tensor {
        return g;
      }
    }
    const x = tensor([0.2, 1.7], f64);
    const y = RoundST.apply(x);
    expectClose(y, [0, 2]);
    expect(y.gradFn?.name).toBe("RoundSTBackward");
    y.mul(tensor([2, 5], { dtype: "float64" })).sum().backward();
    expectClose(x.grad!, [2, 5]);
  });
  it("Function with saved tensors: ctx.saveForBackward / savedTensors", () => {
    class Cube extends autograd.Function {
      static override forward(ctx: autograd.FunctionCtx, x: Tensor): Tensor {
        ctx.saveForBackward(x);
        return x.pow(3);
      }
      static override backward(ctx: autograd.FunctionCtx, g: Tensor): Tensor {
        const [x] = ctx.savedTensors;
        return g.mul(x.pow(2).mul(3));
      }
    }
    const x = tensor([1, 2], f64);
    Cube.apply(x).sum().backward();
    expectClose(x.grad!, [3, 12]);
  });
});

describe("autograd.graph.savedTensorsHooks", () => {
  // values: test/fixtures/torch/api.json (savedTensorsHooks_*); here, when the hooks run (PyTorch's docs example)
  it("packs every tensor an op saves, unpacks it in backward, only inside its scope", () => {
    const log: string[] = [];
    const a = tensor([1, 1], { ...f64, requiresGrad: true }), b = tensor([2, 2], { ...f64, requiresGrad: true });
    const y = autograd.graph.savedTensorsHooks((x) => { log.push(`pack ${x.tolist()}`); return x; }, (x) => { log.push("unpack"); return x as Tensor; }, () => a.mul(b));
    a.mul(b); // outside the scope: no hooks
    expect(log).toEqual(["pack 1,1", "pack 2,2"]);
    y.sum().backward();
    expect(log).toEqual(["pack 1,1", "pack 2,2", "unpack", "unpack"]);
    expectClose(a.grad!, [2, 2]);
  });
  it("only the innermost pair applies, and ctx.saveForBackward goes through it", () => {
    class Cube extends autograd.Function {
      static override forward(ctx: autograd.FunctionCtx, x: Tensor): Tensor {
        ctx.saveForBackward(x);
        return x.pow(3);
      }
      static override backward(ctx: autograd.FunctionCtx, g: Tensor): Tensor {
        return g.mul(ctx.savedTensors[0].pow(2).mul(3));
      }
    }
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const outer = () => { throw new Error("the outer hooks must not run"); };
    const y = autograd.graph.savedTensorsHooks(outer, outer, () => autograd.graph.savedTensorsHooks((t) => t, (t) => (t as Tensor).mul(0.5), () => Cube.apply(x)));
    y.sum().backward();
    expectClose(x.grad!, [0.75, 3]); // 3·(x/2)²
  });
  it("an unpack hook that returns no tensor raises", () => {
    const x = tensor([1, 2], { ...f64, requiresGrad: true });
    const y = autograd.graph.savedTensorsHooks((t) => t, () => 3 as unknown as Tensor, () => x.exp());
    expect(() => y.sum().backward()).toThrow(new TypeError("Output of saved tensor unpack_hook expected to be a Tensor but got result of type number"));
  });
});

describe("keyword options", () => {
  it("F.dropout(x, { p, training: false }) is the identity", () => {
    const x = randn([4, 5]);
    expect(F.dropout(x, { p: 0.5, training: false })).toBe(x);
  });
  it("unknown, snake_case and mistyped options raise PyTorch's TypeError", () => {
    const x = randn([3]);
    expect(() => F.dropout(x, { p: 0.5, trainig: true } as object)).toThrow(new TypeError("dropout() got an unexpected keyword argument 'trainig'"));
    expect(() => F.huberLoss(x, x, { reduction: "sum", delta_: 1 } as object)).toThrow(TypeError);
    expect(() => F.dropout(x, { p: {} } as object)).toThrow(new TypeError("dropout(): argument 'p' must be float, not object"));
    expect(() => F.normalize(x, { dim: 0, eps: "1" } as object)).toThrow(new TypeError("normalize(): argument 'eps' must be float, not str"));
  });
  it("new nn.ReLU(true) and LeakyReLU(0.2, true) overwrite their input, as PyTorch's inplace", () => {
    const x = tensor([-1, 2, -3]);
    const y = new nn.ReLU(true).forward(x);
    expect(y).toBe(x);
    expect(x.tolist()).toEqual([0, 2, 0]);
    const z = tensor([-1, 2]);
    new nn.LeakyReLU(0.5, true).forward(z);
    expect(z.tolist()).toEqual([-0.5, 2]);
    const h = tensor([-1, 2], f64).mul(1);
    F.relu(h, { inplace: true }).sum().backward();
  });
});

describe("distributions", () => {
  it("Normal: logProb, entropy and rsample's gradient", () => {
    const loc = tensor([0.5], f64), scale = tensor([2], f64);
    const d = new distributions.Normal(loc, scale);
    const lp = d.logProb(tensor([1.5], { dtype: "float64" }));
    expectClose(lp, [-0.5 * 0.25 - Math.log(2) - 0.5 * Math.log(2 * Math.PI)]);
    expectClose(d.entropy(), [0.5 + 0.5 * Math.log(2 * Math.PI) + Math.log(2)]);
    manualSeed(0);
    d.rsample().sum().backward();
    expectClose(loc.grad!, [1]);
  });
  it("Categorical: logProb, entropy, and samples within range", () => {
    const logits = tensor([[0, Math.log(3)], [Math.log(2), 0]], f64);
    const d = new distributions.Categorical({ logits });
    expectClose(d.logProb(tensor([1, 0], { dtype: "int64" })), [Math.log(0.75), Math.log(2 / 3)]);
    const h = (p: number[]) => -p.reduce((s, v) => s + v * Math.log(v), 0);
    expectClose(d.entropy(), [h([0.25, 0.75]), h([2 / 3, 1 / 3])]);
    manualSeed(1);
    const s = d.sample([100]);
    expect(s.shape).toEqual([100, 2]);
    expect(s.dataSync().every((v) => v === 0 || v === 1)).toBe(true);
    // REINFORCE: the gradient of logProb(a) w.r.t. logits is onehot(a) − p
    d.logProb(tensor([1, 0], { dtype: "int64" })).sum().backward();
    expectClose(logits.grad!, [-0.25, 0.25, 1 / 3, -1 / 3]);
  });
  it("Bernoulli: logProb and entropy", () => {
    const d = new distributions.Bernoulli({ probs: tensor([0.2, 0.9], { dtype: "float64" }) });
    expectClose(d.logProb(tensor([1, 0], { dtype: "float64" })), [Math.log(0.2), Math.log(0.1)], { rtol: 1e-6 });
    const h = (p: number) => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expectClose(d.entropy(), [h(0.2), h(0.9)], { rtol: 1e-6 });
  });
});
