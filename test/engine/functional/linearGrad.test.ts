// Fast backward paths of a training step: nn.Linear's weight gradient comes out contiguous (no
// strided copy when it is accumulated) with the values of the plain formula, and ReLU's fused
// backward matches PyTorch's threshold_backward, special values included.
import { describe, expect, it } from "vitest";
import { manualSeed, mm, nn, randn, relu, tensor } from "gradlens";

describe("linear backward", () => {
  it("weight gradient is contiguous and equals gᵀ·x; bias gradient the column sums", () => {
    manualSeed(7);
    const layer = new nn.Linear(5, 3);
    const x = randn(4, 5);
    const g = randn(4, 3);
    layer.call(x).backward(g);
    const w = layer.weight.grad!;
    expect(w.shape).toEqual([3, 5]);
    expect(w.isContiguous()).toBe(true);
    const want = mm(g.t(), x).dataSync();
    Array.from(w.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    const colSums = [0, 1, 2].map((j) => [0, 1, 2, 3].reduce((s, i) => s + g.dataSync()[i * 3 + j], 0));
    Array.from(layer.bias!.grad!.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(colSums[j], 5));
  });

  it("accumulates over two backward calls", () => {
    manualSeed(8);
    const layer = new nn.Linear(3, 2);
    const x = randn(2, 3);
    layer.call(x).sum().backward();
    const once = Array.from(layer.weight.grad!.dataSync());
    layer.call(x).sum().backward();
    Array.from(layer.weight.grad!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(2 * once[i], 5));
  });

  it("createGraph gives the same weight gradient", () => {
    manualSeed(9);
    const layer = new nn.Linear(4, 3);
    const x = randn(2, 4);
    layer.call(x).pow(2).sum().backward();
    const plain = Array.from(layer.weight.grad!.dataSync());
    layer.zeroGrad();
    layer.call(x).pow(2).sum().backward({ createGraph: true });
    Array.from(layer.weight.grad!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(plain[i], 5));
  });
});

describe("relu backward", () => {
  it("passes the gradient where the output is positive and 0 elsewhere, as PyTorch's threshold_backward", () => {
    const x = tensor([-1, 0, 2, 3, -4], { requiresGrad: true });
    relu(x).backward(tensor([5, 6, 7, NaN, Infinity]));
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 7, NaN, 0]);
  });

  it("keeps NaN and zeroes negatives, -0 and -∞ in float32 and float64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const y = relu(tensor([-2, -0, 0, 1.5, NaN, -Infinity, Infinity, -NaN], { dtype }));
      const v = Array.from(y.dataSync());
      expect(v).toEqual([0, 0, 0, 1.5, NaN, 0, Infinity, NaN]);
      expect(v.slice(0, 3).every((z) => Object.is(z, 0))).toBe(true);
    }
  });

  it("float64 backward follows the same rule", () => {
    const x = tensor([-1, 0, 2, 3, -4, NaN], { dtype: "float64", requiresGrad: true });
    relu(x).backward(tensor([5, 6, 7, NaN, Infinity, 8], { dtype: "float64" }));
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 7, NaN, 0, 8]);
  });

  it("a NaN input passes its gradient in float32 too", () => {
    const x = tensor([NaN, -1, 1e-30, -1e-30], { requiresGrad: true });
    relu(x).backward(tensor([2, 3, 4, 5]));
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 0, 4, 0]);
  });

  it("is differentiable under createGraph", () => {
    const x = tensor([-1, 2, 3], { requiresGrad: true });
    relu(x).pow(2).sum().backward({ createGraph: true });
    const gx = x.grad!;
    expect(Array.from(gx.dataSync())).toEqual([0, 4, 6]);
    expect(gx.requiresGrad).toBe(true);
  });
});
