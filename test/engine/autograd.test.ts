import { describe, expect, it } from "vitest";
import { Tensor, AccumulateGrad, tensor, ones, maximum, minimum, mm } from "gradlens";

describe("leaves and non-leaves", () => {
  it("factory tensors are leaves; op results that need grad are not", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    expect(x.isLeaf).toBe(true);
    expect(c.isLeaf).toBe(true);
    expect(c.requiresGrad).toBe(false);
    const y = x.mul(c);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    const z = c.mul(2);
    expect(z.isLeaf).toBe(true); // nothing required grad: no graph
    expect(z.gradFn).toBeNull();
  });
  it("grad is null until a backward reaches the leaf, and stays null for unreached leaves", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const unused = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    expect(x.grad).toBeNull();
    x.mul(c).sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 4]);
    expect(unused.grad).toBeNull();
    expect(c.grad).toBeNull();
  });
  it("non-leaves keep no grad unless retainGrad()", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const z = x.mul(3);
    z.retainGrad();
    expect(z.retainsGrad).toBe(true);
    y.add(z).sum().backward();
    expect(y.grad).toBeNull();
    expect(z.grad!.tolist()).toEqual([1, 1]);
    expect(x.grad!.tolist()).toEqual([5, 5]);
  });
  it("requiresGrad_ on a leaf turns tracking on and off", () => {
    const x = tensor([1, 2]);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.mul(2).requiresGrad).toBe(true);
    x.requiresGrad = false;
    expect(x.mul(2).requiresGrad).toBe(false);
  });
});

describe("gradFn", () => {
  it("names nodes as PyTorch does and links them through nextFunctions", () => {
    const x = tensor([[1, 2]], { requiresGrad: true });
    const w = tensor([[3], [4]], { requiresGrad: true });
    const a = x.add(1);
    const m = a.mul(x);
    const p = m.pow(2);
    const o = mm(p, w);
    expect([a, m, p, o].map((t) => t.gradFn!.name)).toEqual(["AddBackward0", "MulBackward0", "PowBackward0", "MmBackward0"]);
    expect(x.pow(x).gradFn!.name).toBe("PowBackward1");
    const [[first], [second]] = o.gradFn!.nextFunctions;
    expect(first).toBe(p.gradFn);
    expect(second).toBeInstanceOf(AccumulateGrad);
    expect(second!.name).toBe("AccumulateGrad");
    expect((second as AccumulateGrad).variable).toBe(w);
    // the same leaf has one AccumulateGrad node, shared by every use
    const [[fromAdd]] = a.gradFn!.nextFunctions;
    expect(m.gradFn!.nextFunctions[1][0]).toBe(fromAdd);
    expect(x.add(1).gradFn!.nextFunctions[0][0]).toBe(fromAdd);
  });
  it("an input that does not require grad has no next function", () => {
    const x = tensor([1], { requiresGrad: true });
    const y = x.mul(tensor([2]));
    expect(y.gradFn!.nextFunctions[1][0]).toBeNull();
    expect(y.gradFn!.toString()).toBe("<MulBackward0>");
  });
  it("more node names", () => {
    const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const names: Array<[Tensor, string]> = [
      [x.sum(), "SumBackward0"], [x.sum(1), "SumBackward1"], [x.mean(), "MeanBackward0"], [x.max(), "MaxBackward1"],
      [x.max(1).values, "MaxBackward0"], [x.amax(0), "AmaxBackward0"], [x.var(), "VarBackward0"], [x.std(), "StdBackward0"],
      [x.view(4), "ViewBackward0"], [x.t().reshape(4), "UnsafeViewBackward0"], [x.T, "PermuteBackward0"], [x.t(), "TBackward0"],
      [x.transpose(0, 1), "TransposeBackward0"], [x.narrow(0, 0, 1), "SliceBackward0"], [x.select(0, 0), "SelectBackward0"],
      [x.unsqueeze(0), "UnsqueezeBackward0"], [x.squeeze(), "SqueezeBackward0"], [x.expand(2, 2, 2), "ExpandBackward0"],
      [x.split(1)[0], "SplitBackward0"], [x.split([1, 1])[0], "SplitWithSizesBackward0"], [x.unbind()[0], "UnbindBackward0"],
      [x.softmax(1), "SoftmaxBackward0"], [x.logSoftmax(1), "LogSoftmaxBackward0"], [x.relu(), "ReluBackward0"],
      [x.clamp(0, 1), "ClampBackward1"], [x.exp(), "ExpBackward0"], [x.neg(), "NegBackward0"], [x.div(2), "DivBackward0"],
      [x.sub(1), "SubBackward0"], [x.tanh(), "TanhBackward0"], [x.sigmoid(), "SigmoidBackward0"], [x.square(), "PowBackward0"],
      [x.maskedFill(x.gt(2), 0), "MaskedFillBackward0"], [x.clone(), "CloneBackward0"], [x.double(), "ToCopyBackward0"],
      [x.select(0, 0).matmul(x.select(0, 1)), "DotBackward0"], [x.matmul(x.select(0, 1)), "MvBackward0"],
      [x.mul(1).zero_(), "ZeroBackward0"], [x.mul(1).fill_(1), "FillBackward2"], [x.mul(1).copy_(x), "CopyBackwards"],
    ];
    for (const [t, name] of names) expect(t.gradFn!.name).toBe(name);
  });
});

describe("backward", () => {
  it("backward(gradient) for a non-scalar output", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).backward(tensor([1, 0.5, 0]));
    expect(x.grad!.tolist()).toEqual([2, 2, 0]);
  });
  it("grads accumulate across backward calls", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([5, 7]);
  });
  it("backward({ retainGraph }) and backward(gradient, { retainGraph })", () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.pow(2);
    y.backward({ retainGraph: true });
    y.backward(tensor([10]), { retainGraph: true });
    y.backward();
    expect(x.grad!.tolist()).toEqual([4 + 40 + 4]);
  });
  it("saved tensors are freed after a backward without retainGraph", () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.mul(x);
    expect(y.gradFn!.savedForBackward().length).toBe(2);
    y.backward({ retainGraph: true });
    expect(y.gradFn!.released).toBe(false);
    y.backward();
    expect(y.gradFn!.released).toBe(true);
    expect(y.gradFn!.savedForBackward()).toEqual([]);
  });
  it("a leaf's own backward accumulates the seed", () => {
    const x = tensor(3, { requiresGrad: true });
    x.backward();
    expect(x.grad!.item()).toBe(1);
  });
  it("grads have the leaf's dtype and are not aliased between leaves", () => {
    const a = tensor([1, 2], { requiresGrad: true, dtype: "float64" });
    const b = tensor([1, 2], { requiresGrad: true });
    a.add(b).sum().backward();
    expect(a.grad!.dtype).toBe("float64");
    expect(b.grad!.dtype).toBe("float32");
    a.grad!.add_(1);
    expect(b.grad!.tolist()).toEqual([1, 1]);
  });
  it("createGraph gives differentiable grads: the second derivative of x^3 is 6x", () => {
    const x = tensor([2, -1], { requiresGrad: true, dtype: "float64" });
    x.pow(3).sum().backward({ createGraph: true });
    const g = x.grad!;
    expect(g.tolist()).toEqual([12, 3]);
    expect(g.requiresGrad).toBe(true);
    x.grad = null;
    g.sum().backward();
    expect(x.grad!.tolist()).toEqual([12, -6]);
  });
});

describe("hooks", () => {
  it("registerHook on a leaf sees and can replace the gradient before accumulation", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return g.mul(10);
    });
    x.mul(3).sum().backward();
    expect(seen).toEqual([[3, 3]]);
    expect(x.grad!.tolist()).toEqual([30, 30]);
  });
  it("registerHook on a non-leaf changes what flows further down; remove() detaches it", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const handle = y.registerHook((g) => g.mul(0.5));
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1]);
    handle.remove();
    x.grad = null;
    x.mul(2).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });
  it("a hook returning nothing leaves the gradient unchanged", () => {
    const x = tensor([1], { requiresGrad: true });
    let called = 0;
    x.registerHook(() => {
      called++;
    });
    x.mul(4).sum().backward();
    expect(called).toBe(1);
    expect(x.grad!.tolist()).toEqual([4]);
  });
  it("retainGrad sees the gradient after the tensor's hooks (PyTorch 2.x order)", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = a.mul(2);
    b.retainGrad();
    b.registerHook((g) => g.mul(10));
    b.sum().backward();
    expect(b.grad!.tolist()).toEqual([10, 10]);
    expect(a.grad!.tolist()).toEqual([20, 20]);
  });
});

describe("ties follow PyTorch", () => {
  it("max() and min() over all elements split the gradient evenly among ties", () => {
    const x = tensor([[1, 5], [5, 2]], { requiresGrad: true });
    x.max().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0.5], [0.5, 0]]);
    const y = tensor([1, 1, 1, 3], { requiresGrad: true });
    y.min().backward();
    expect(y.grad!.dataSync()[0]).toBeCloseTo(1 / 3, 7);
  });
  it("amax splits evenly within each reduced slice", () => {
    const x = tensor([[1, 3, 3], [2, 0, 2]], { requiresGrad: true });
    x.amax(1).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0.5, 0.5], [0.5, 0, 0.5]]);
  });
  it("max(dim) returns the first index of the maximum and sends the gradient there only", () => {
    const x = tensor([[1, 3, 3], [2, 0, 2]], { requiresGrad: true });
    const { values, indices } = x.max(1);
    expect(values.tolist()).toEqual([3, 2]);
    expect(indices.tolist()).toEqual([1, 0]);
    expect(indices.dtype).toBe("int64");
    values.sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 1, 0], [1, 0, 0]]);
    const m = tensor([[4, 4], [1, 1]]).min(0, true);
    expect(m.indices.tolist()).toEqual([[1, 1]]);
  });
  it("maximum/minimum split the gradient evenly on equal elements", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([1, 0, 4], { requiresGrad: true });
    maximum(a, b).sum().backward();
    expect(a.grad!.tolist()).toEqual([0.5, 1, 0]);
    expect(b.grad!.tolist()).toEqual([0.5, 0, 1]);
    a.grad = null;
    b.grad = null;
    minimum(a, b).sum().backward();
    expect(a.grad!.tolist()).toEqual([0.5, 0, 1]);
    expect(b.grad!.tolist()).toEqual([0.5, 1, 0]);
  });
});

describe("graph shapes", () => {
  it("a diamond sums both paths before running the shared node", () => {
    const x = tensor([3], { requiresGrad: true });
    const h = x.mul(2);
    h.exp().add(h.pow(2)).sum().backward();
    expect(x.grad!.dataSync()[0]).toBeCloseTo(2 * Math.exp(6) + 2 * 2 * 6, 1);
  });
  it("a long chain does not overflow the stack", () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.backward(ones(1));
    expect(x.grad!.tolist()).toEqual([1]);
  });
});
