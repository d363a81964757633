import { describe, expect, it } from "vitest";
import { tensor, autograd, F } from "gradlens";

// Views, in-place ops and saved state as PyTorch 1.13 (python3-torch) gives them; each value below was
// printed by it. The differential corpus (autogradCorpus.test.ts) covers the random combinations.

const VIEW_ERROR =
  "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.";
const BACKWARD_TWICE = "Trying to backward through the graph a second time";
const OVERLAP = "unsupported operation: more than one element of the written-to tensor refers to a single memory location.";

describe("elementwise results keep their input's dimension order (PyTorch's TensorIterator)", () => {
  it("x.t().mul(2) has strides [1, 3], so view(-1) raises and reshape copies", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = x.t().mul(2);
    expect(y.strides).toEqual([1, 3]);
    expect(y.isContiguous()).toBe(false);
    expect(() => y.view(-1)).toThrow(VIEW_ERROR);
    expect(Array.from(y.reshape(-1).dataSync())).toEqual([2, 8, 4, 10, 6, 12]);
    expect(x.t().exp().strides).toEqual([1, 3]);
    expect(x.t().relu().strides).toEqual([1, 3]);
  });
  it("an in-place op on a view of such a result gives PyTorch's gradient", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = x.t().mul(2);
    y.select(0, 1).mul_(3);
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 6, 2, 2, 6, 2]);
  });
});

describe("views of a base changed in place", () => {
  it("a split output whose base changed raises when an op reads its history", () => {
    const a = tensor([1, 2, 3, 4], { requiresGrad: true });
    const b = a.mul(1);
    const p = b.split(2)[1];
    b.add_(1);
    expect(() => p.exp()).toThrow(
      "Output 1 of SplitBackward0 is a view and its base or another view of its base has been modified inplace. This view is the output of a function that returns multiple views.",
    );
  });
  it("a view requires grad while its base does, whenever that was set", () => {
    const a = tensor([1, 2]);
    const v = a.view(2, 1);
    expect(v.requiresGrad).toBe(false);
    a.requiresGrad_();
    expect(v.requiresGrad).toBe(true);
    expect(v.isLeaf).toBe(true);
  });
  it("p.data is no view of p: it does not require grad, and a view of it may be written in place", () => {
    const p = tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const d = p.data;
    expect([d.requiresGrad, d.base, d.isLeaf]).toEqual([false, null, true]);
    const v = d.narrow(1, 1, 1);
    expect([v.requiresGrad, v.base === d]).toEqual([false, true]);
    v.mul_(2);
    expect(p.detach().tolist()).toEqual([[1, 4], [3, 8]]);
  });
  it("p.data has its own version counter: writing through it (or a view of it) does not invalidate a saved p, detach() does", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const y = p.mul(p).sum();
    p.data.mul_(2);
    y.backward();
    expect(p.grad!.tolist()).toEqual([4, 8]); // 2·p with the new values
    const q = tensor([1, 2], { requiresGrad: true });
    const z = q.mul(q).sum();
    q.data.narrow(0, 0, 1).mul_(3);
    z.backward();
    expect(q.grad!.tolist()).toEqual([6, 4]);
    const r = tensor([1, 2], { requiresGrad: true });
    const w = r.mul(r).sum();
    r.detach().mul_(2);
    expect(() => w.backward()).toThrow("is at version 1; expected version 0 instead");
  });
  it("assigning p.data keeps p's version counter: a saved p stays valid and backward reads the new values", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const y = p.mul(p).sum();
    p.data = tensor([5, 6]);
    y.backward();
    expect([p.grad!.tolist(), p.version]).toEqual([[10, 12], 0]);
  });
  it("retainGrad() of a base rebased through its view reports the gradient at its old node", () => {
    // PyTorch's rebase_history moves retains_grad hooks only for the tensor modified itself
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(2);
    b.retainGrad();
    b.narrow(0, 1, 2).mul_(-1);
    b.sum().backward();
    expect(Array.from(b.grad!.dataSync())).toEqual([1, -1, -1]);
    expect(Array.from(a.grad!.dataSync())).toEqual([2, -2, -2]);
  });
  it("retainGrad() of a tensor modified itself reports the new version's gradient", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(2);
    b.retainGrad();
    b.mul_(-1);
    b.sum().backward();
    expect(Array.from(b.grad!.dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(a.grad!.dataSync())).toEqual([-2, -2, -2]);
  });
});

describe("expanded memory", () => {
  it("zero_() writes into it; a CopySlices over it raises at backward", () => {
    const a = tensor([1, 2]);
    a.expand(3, 2).zero_();
    expect(Array.from(a.dataSync())).toEqual([0, 0]);
    const x = tensor([1, 2], { requiresGrad: true });
    const e = x.mul(1).expand(3, 2);
    e.zero_();
    expect(() => e.sum().backward()).toThrow(OVERLAP);
  });
});

describe("what a backward frees", () => {
  it("a second backward through a multiplication by a number raises (PyTorch saves the wrapped scalar); addition does not", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const y = a.mul(3);
    y.sum().backward();
    expect(() => y.sum().backward()).toThrow(BACKWARD_TWICE);
    const b = tensor([1, 2], { requiresGrad: true });
    const z = b.add(3);
    z.sum().backward();
    z.sum().backward();
    expect(Array.from(b.grad!.dataSync())).toEqual([2, 2]);
  });
  it("a second backward through a CopySlices raises", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.add(1);
    b.narrow(0, 0, 1).neg_();
    b.sum().backward();
    expect(() => b.sum().backward()).toThrow(BACKWARD_TWICE);
  });
});

describe("createGraph gradients of masked backwards depend on the input", () => {
  it("relu: the gradient requires grad and differentiates to zeros (not None)", () => {
    const a = tensor([1, -2], { requiresGrad: true });
    const [g] = autograd.grad(a.relu().sum(), [a], { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    g!.sum().backward();
    expect(Array.from(a.grad!.dataSync())).toEqual([0, 0]);
  });
  it("leakyRelu and abs", () => {
    const a = tensor([1, -2], { requiresGrad: true });
    const [g] = autograd.grad(F.leakyRelu(a, 0.2).sum(), [a], { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    expect(Array.from(g!.dataSync())).toEqual([1, expect.closeTo(0.2, 6)]);
    const [h] = autograd.grad(a.abs().sum(), [a], { createGraph: true });
    expect(h!.requiresGrad).toBe(true);
  });
  it("abs'(NaN) is 0, as PyTorch's sgn", () => {
    const a = tensor([NaN, 0, -2], { requiresGrad: true });
    a.abs().sum().backward();
    expect(Array.from(a.grad!.dataSync())).toEqual([0, 0, -1]);
  });
});

describe("var of a 0-d tensor", () => {
  it("has PyTorch 1.13's infinite gradient (INFINITY * grad), not NaN", () => {
    const x = tensor(1.7, { requiresGrad: true });
    const v = x.var(-1);
    expect(Number.isNaN(v.item())).toBe(true);
    v.backward();
    expect(x.grad!.item()).toBe(Infinity);
  });
});
