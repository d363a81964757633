import { describe, expect, it } from "vitest";
import {
  Tensor, tensor, zeros, ones, full, arange, eye, rand, randn, randint, zerosLike, onesLike, manualSeed, float64,
} from "gradlens";

describe("creation", () => {
  it("tensor from nested arrays, numbers and booleans", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    expect(t.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(3.5).shape).toEqual([]);
    expect(tensor(3.5).item()).toBe(3.5);
    expect(tensor([true, false]).dtype).toBe("bool");
    expect(tensor([true, false]).tolist()).toEqual([true, false]);
    expect(tensor([1.7, -2.2], { dtype: "int64" }).tolist()).toEqual([1, -2]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor(new Float64Array([1, 2])).dtype).toBe("float64");
  });
  it("ragged nested arrays are rejected with PyTorch's message", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow("expected sequence of length 2 at dim 1 (got 1)");
  });
  it("tensor(t) copies", () => {
    const a = tensor([1, 2]);
    const b = tensor(a.t());
    a.add_(1);
    expect(b.tolist()).toEqual([1, 2]);
  });
  it("zeros / ones / rand / randn take the shape as numbers or one array, then options", () => {
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(zeros([2, 3]).shape).toEqual([2, 3]);
    expect(ones(2, { dtype: float64 }).dtype).toBe("float64");
    expect(ones([2, 2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(ones(3).tolist()).toEqual([1, 1, 1]);
    expect(zeros().shape).toEqual([]);
    expect(rand(4, 5).shape).toEqual([4, 5]);
    expect(randn([3], { dtype: "float64", requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => zeros(-1)).toThrow("Trying to create tensor with negative dimension -1: [-1]");
  });
  it("full, arange, eye, randint, zerosLike, onesLike", () => {
    expect(full([2, 2], 7).tolist()).toEqual([[7, 7], [7, 7]]);
    expect(full(3, 0.5, { dtype: "float64" }).dtype).toBe("float64");
    expect(arange(4).tolist()).toEqual([0, 1, 2, 3]);
    expect(arange(4).dtype).toBe("int64");
    expect(arange(1, 2, 0.25).tolist()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(1, 2, 0.25).dtype).toBe("float32");
    expect(arange(3, { dtype: "float64" }).dtype).toBe("float64");
    expect(eye(2).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(2, { dtype: "float64" }).dtype).toBe("float64");
    const r = randint(2, 5, [100]);
    expect(r.dtype).toBe("int64");
    expect(Math.min(...r.dataSync())).toBeGreaterThanOrEqual(2);
    expect(Math.max(...r.dataSync())).toBeLessThan(5);
    expect(randint(3, [2, 2]).shape).toEqual([2, 2]);
    const like = tensor([[1, 2]], { dtype: "float64" });
    expect(zerosLike(like).tolist()).toEqual([[0, 0]]);
    expect(zerosLike(like).dtype).toBe("float64");
    expect(onesLike(like, { requiresGrad: true }).requiresGrad).toBe(true);
  });
  it("manualSeed makes rand, randn and randint repeat", () => {
    manualSeed(42);
    const a = [rand(5).tolist(), randn(5).tolist(), randint(0, 100, [5]).tolist()];
    manualSeed(42);
    const b = [rand(5).tolist(), randn(5).tolist(), randint(0, 100, [5]).tolist()];
    expect(b).toEqual(a);
    manualSeed(43);
    expect(rand(5).tolist()).not.toEqual(a[0]);
  });
  it("randn is roughly standard normal and rand uniform in [0, 1)", () => {
    manualSeed(1);
    const n = Array.from(randn(20000).dataSync());
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const variance = n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const u = rand(20000).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
  });
});

describe("dtypes and promotion", () => {
  it("follows PyTorch's category rules", () => {
    const i = tensor([1, 2], { dtype: "int64" });
    const f = tensor([1, 2]);
    const d = tensor([1, 2], { dtype: "float64" });
    expect(i.add(f).dtype).toBe("float32");
    expect(f.add(d).dtype).toBe("float64");
    expect(i.mul(2).dtype).toBe("int64");
    expect(i.mul(2.5).dtype).toBe("float32");
    expect(i.div(i).dtype).toBe("float32");
    expect(i.div(i).tolist()).toEqual([1, 1]);
    expect(f.add(tensor(1.5, { dtype: "float64" })).dtype).toBe("float32"); // 0-dim does not promote within a category
    expect(i.add(tensor(1.5, { dtype: "float64" })).dtype).toBe("float64"); // but does across categories
    expect(d.mul(2).dtype).toBe("float64");
  });
  it("comparisons give bool tensors; summing bools gives int64", () => {
    const c = tensor([1, 5, 3]).gt(2);
    expect(c.dtype).toBe("bool");
    expect(c.tolist()).toEqual([false, true, true]);
    expect(c.sum().dtype).toBe("int64");
    expect(c.sum().item()).toBe(2);
    expect(tensor([1, 2]).eq(tensor([1, 3])).tolist()).toEqual([true, false]);
    expect(tensor([1, 2]).lt(2).tolist()).toEqual([true, false]);
    expect(tensor([1, 2]).ge(2).tolist()).toEqual([false, true]);
    expect(tensor([[1, 9, 9], [7, 2, 7]]).argmax(1).tolist()).toEqual([1, 0]);
    expect(tensor([[1, 9, 9], [7, 2, 7]]).argmax().item()).toBe(1);
  });
  it("conversions", () => {
    const x = tensor([1.7, -2.5]);
    expect(x.double().dtype).toBe("float64");
    expect(x.long().tolist()).toEqual([1, -2]);
    expect(x.long().float().dtype).toBe("float32");
  });
});

describe("metadata and data access", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  it("shape, dim(), numel(), size()", () => {
    expect(t.shape).toEqual([2, 3]);
    expect(t.dim()).toBe(2);
    expect(t.ndim).toBe(2);
    expect(t.numel()).toBe(6);
    expect(t.size()).toEqual([2, 3]);
    expect(t.size(-1)).toBe(3);
  });
  it("item() and tolist() of views", () => {
    expect(t.select(1, 2).select(0, 1).item()).toBe(6);
    expect(t.t().tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(t.sum().item()).toBe(21);
  });
});

describe("toString in PyTorch's print style (texts printed by torch)", () => {
  const cases: Array<[() => Tensor, string]> = [
    [() => tensor([1, 2, 3]), "tensor([1., 2., 3.])"],
    [() => tensor([[1.0, 2.5]], { requiresGrad: true }), "tensor([[1.0000, 2.5000]], requires_grad=True)"],
    [() => tensor([7], { requiresGrad: true }).mul(8), "tensor([56.], grad_fn=<MulBackward0>)"],
    [() => tensor([1, 2], { dtype: "float64" }), "tensor([1., 2.], dtype=torch.float64)"],
    [() => tensor([1, 2], { dtype: "float64", requiresGrad: true }).mul(2), "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)"],
    [() => tensor([1, 2], { dtype: "int64" }), "tensor([1, 2])"],
    [() => tensor([true, false]), "tensor([ True, False])"],
    [() => tensor([true, true]), "tensor([True, True])"],
    [() => tensor(3), "tensor(3.)"],
    [() => tensor(2.5, { dtype: "float64" }), "tensor(2.5000, dtype=torch.float64)"],
    [() => tensor([], { dtype: "int64" }), "tensor([], dtype=torch.int64)"],
    [() => zeros(2, 0), "tensor([], size=(2, 0))"],
    [() => tensor([[1, 2], [3, 4]]), "tensor([[1., 2.],\n        [3., 4.]])"],
    [() => arange(12).float().reshape(2, 2, 3), "tensor([[[ 0.,  1.,  2.],\n         [ 3.,  4.,  5.]],\n\n        [[ 6.,  7.,  8.],\n         [ 9., 10., 11.]]])"],
    [() => tensor([0.001, 1000]), "tensor([1.0000e-03, 1.0000e+03])"],
    [() => tensor([-1.5, 2.25, NaN, Infinity]), "tensor([-1.5000,  2.2500,     nan,     inf])"],
    [() => tensor([100, 2.5]), "tensor([100.0000,   2.5000])"],
    [() => tensor([0, 100]), "tensor([  0., 100.])"],
    [() => tensor([-0, 1]), "tensor([-0., 1.])"],
    [() => tensor([1.03125, 2]), "tensor([1.0312, 2.0000])"],
    [() => tensor([[-1, 20], [300, 4]], { dtype: "int64" }), "tensor([[ -1,  20],\n        [300,   4]])"],
    [() => arange(30).mul(1.5), "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])"],
    [() => arange(2000).float(), "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])"],
  ];
  for (const [make, text] of cases) it(text.split("\n")[0], () => expect(make().toString()).toBe(text));
});

describe("storage sharing and the version counter", () => {
  it("detach, view, reshape (contiguous), transpose, narrow, select share storage with their base", () => {
    const x = arange(6).float().reshape(2, 3);
    const views = [x.detach(), x.view(3, 2), x.reshape(6), x.t(), x.narrow(1, 1, 2), x.select(0, 1), x.unsqueeze(0), x.flatten()];
    for (const v of views) expect(v.storage).toBe(x.storage);
    x.narrow(1, 1, 2).mul_(10);
    expect(x.tolist()).toEqual([[0, 10, 20], [3, 40, 50]]);
    expect(views[3].tolist()).toEqual([[0, 3], [10, 40], [20, 50]]);
    x.t().select(0, 0).fill_(-1);
    expect(x.tolist()).toEqual([[-1, 10, 20], [-1, 40, 50]]);
    expect(views[0].tolist()).toEqual(x.tolist());
  });
  it("clone and reshape of a non-contiguous tensor copy", () => {
    const x = ones(2, 3);
    const c = x.clone();
    const r = x.t().reshape(6);
    x.zero_();
    expect(c.sum().item()).toBe(6);
    expect(r.sum().item()).toBe(6);
  });
  it("every in-place op bumps the shared version", () => {
    const x = ones(3);
    const v = x.view(3);
    const d = x.detach();
    expect(x.version).toBe(0);
    x.add_(1);
    v.mul_(2);
    d.zero_();
    expect(x.version).toBe(3);
    expect(v.version).toBe(3);
    expect(x.mul(2).version).toBe(0);
  });
});

describe("in-place ops", () => {
  it("add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_ change values and return this", () => {
    const x = tensor([1, 2, 3]);
    expect(x.add_(1)).toBe(x);
    expect(x.tolist()).toEqual([2, 3, 4]);
    x.sub_(tensor([1, 1, 1]), { alpha: 2 });
    expect(x.tolist()).toEqual([0, 1, 2]);
    x.mul_(3).div_(2);
    expect(x.tolist()).toEqual([0, 1.5, 3]);
    x.clamp_(0.5, 2);
    expect(x.tolist()).toEqual([0.5, 1.5, 2]);
    x.copy_(tensor([7]));
    expect(x.tolist()).toEqual([7, 7, 7]);
    x.fill_(4);
    expect(x.tolist()).toEqual([4, 4, 4]);
    x.zero_();
    expect(x.tolist()).toEqual([0, 0, 0]);
  });
  it("an in-place op that broadcasts the tensor itself fails", () => {
    expect(() => ones(3).add_(ones(2, 3))).toThrow("output with shape [3] doesn't match the broadcast shape [2, 3]");
  });
  it("autograd goes through an in-place op on a non-leaf", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    y.add_(1).mul_(x);
    expect(y.gradFn!.name).toBe("MulBackward0");
    expect(y.tolist()).toEqual([4, 14]);
    y.sum().backward();
    // y = (3x + 1)·x → dy/dx = 6x + 1
    expect(x.grad!.tolist()).toEqual([7, 13]);
  });
  it("an in-place op on a view rewrites its base's history (CopySlices)", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(1);
    y.narrow(0, 1, 2).mul_(tensor([10, 100]));
    expect(y.gradFn!.name).toBe("CopySlices");
    expect(y.tolist()).toEqual([1, 20, 300]);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 10, 100]);
  });
  it("an in-place op with an input requiring grad makes a plain tensor part of the graph", () => {
    const w = tensor([2, 3], { requiresGrad: true });
    const buf = zeros(2);
    buf.add_(w);
    expect(buf.requiresGrad).toBe(true);
    expect(buf.isLeaf).toBe(false);
    buf.mul(w).sum().backward();
    expect(w.grad!.tolist()).toEqual([4, 6]);
  });
});
