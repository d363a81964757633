import { describe, expect, it } from "vitest";
import { Tensor, tensor, autograd } from "gradlens";
import { record } from "../../src/engine/autograd/record";
import { registerOp } from "../../src/engine/ops/registry";
import { ONCE_DIFFERENTIABLE } from "../../src/engine/errors";

// The once-differentiable declaration (PyTorch's @once_differentiable). No registered op of the engine
// declares it today (all of PyTorch's conv/pool/norm/loss backwards differentiate twice), so a test op
// keeps the mechanism checked: first order works, createGraph gradients raise when differentiated.

registerOp({ name: "onceTest", gradFns: ["OnceTestBackward"], onceDifferentiable: true });

/** y = x³ whose backward (3x²·g) is computed outside the graph, as a once-differentiable op would. */
function cube(x: Tensor): Tensor {
  return record("onceTest", "OnceTestBackward", [x], x.detach().pow(3), (g, node) => [g.mul(node.saved(0).detach().pow(2).mul(3))], { saved: [x] });
}

describe("once-differentiable ops", () => {
  it("give first-order gradients", () => {
    const x = tensor([1, -2], { dtype: "float64", requiresGrad: true });
    cube(x).sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 12]);
  });
  it("raise PyTorch's error when their createGraph gradient is differentiated", () => {
    const x = tensor([1, -2], { dtype: "float64", requiresGrad: true });
    const [g] = autograd.grad(cube(x).sum(), x, { createGraph: true });
    expect(Array.from(g!.dataSync())).toEqual([3, 12]);
    expect(g!.requiresGrad).toBe(true);
    expect(() => g!.sum().backward()).toThrow(ONCE_DIFFERENTIABLE);
  });
});
