// Backward keeps a gradient buffer as a leaf's `.grad` without copying only when nothing else can
// reach that memory; these are the cases where a copy is required.
import { describe, expect, it } from "vitest";
import { add, stack, tensor, type Tensor } from "gradlens";

const values = (t: Tensor) => Array.from(t.dataSync());

describe("gradient ownership in AccumulateGrad", () => {
  it("two leaves fed the same gradient get separate buffers", () => {
    const x = tensor([1, 2], { requiresGrad: true }), y = tensor([3, 4], { requiresGrad: true });
    add(x, y).sum().backward();
    x.grad!.dataSync()[0] = 100;
    expect(values(y.grad!)).toEqual([1, 1]);
  });

  it("the user's seed gradient is copied, not aliased", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seed = tensor([5, 6]);
    x.add(0).backward(seed);
    seed.dataSync()[0] = -1;
    expect(values(x.grad!)).toEqual([5, 6]);
  });

  it("a gradient a leaf hook saw is copied", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let seen: Tensor | null = null;
    x.registerHook((g) => {
      seen = g;
    });
    x.mul(3).sum().backward();
    seen!.dataSync()[0] = 0;
    expect(values(x.grad!)).toEqual([3, 3]);
  });

  it("a gradient a non-leaf hook saw is copied when it reaches a leaf unchanged", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.add(0);
    let seen: Tensor | null = null;
    h.registerHook((g) => {
      seen = g;
    });
    h.mul(2).sum().backward();
    seen!.dataSync()[1] = 0;
    expect(values(x.grad!)).toEqual([2, 2]);
  });

  it("a gradient also sent to another node is copied", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = tensor([0.5, 0.5], { requiresGrad: true });
    const h = z.mul(2);
    add(x, h).mul(3).sum().backward();
    x.grad!.dataSync()[0] = 100;
    expect(values(z.grad!)).toEqual([6, 6]);
    expect(values(x.grad!)).toEqual([100, 3]);
  });

  it("leaves given views of one gradient (stack's backward) get separate buffers", () => {
    const x = tensor([1, 2], { requiresGrad: true }), y = tensor([3, 4], { requiresGrad: true });
    stack([x, y]).mul(tensor([[1, 2], [3, 4]])).sum().backward();
    x.grad!.dataSync()[0] = 100;
    expect(values(y.grad!)).toEqual([3, 4]);
    expect(values(x.grad!)).toEqual([100, 2]);
  });

  it("a gradient passed on as a view (TBackward0) is kept whole by the leaf", () => {
    const w = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    w.t().mul(tensor([[1, 2], [3, 4], [5, 6]])).sum().backward();
    expect(w.grad!.shape).toEqual([2, 3]);
    expect(w.grad!.isContiguous()).toBe(true);
    expect(values(w.grad!)).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it("a kept gradient accumulates in place on the next backward", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(2).sum().backward();
    const first = x.grad!;
    x.mul(3).sum().backward();
    expect(x.grad).toBe(first);
    expect(values(x.grad!)).toEqual([5, 5]);
  });
});
