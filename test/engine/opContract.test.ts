import { describe, expect, it } from "vitest";
import { Tensor, tensor } from "gradlens";
import { record } from "../../src/engine/autograd/record";
import { registerOp, registeredOps } from "../../src/engine/ops/registry";

// The op contract: record() accepts only registered op/grad_fn pairs, and backward checks every
// node's gradients against its inputs (count and shape raise naming the node; dtype is cast).

registerOp({ name: "contractTest", gradFns: ["ContractTestBackward0"] });

function opWithBackward(x: Tensor, backward: (g: Tensor) => Array<Tensor | null>): Tensor {
  return record("contractTest", "ContractTestBackward0", [x], x.detach().clone(), (g) => backward(g));
}

describe("the op registry", () => {
  it("refuses to record an op nobody registered, naming it", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => record("notAnOp", "NotAnOpBackward0", [x], x.detach(), () => [null])).toThrow(
      'record(): op "notAnOp" with grad_fn NotAnOpBackward0 is not registered',
    );
    expect(() => record("add", "MulBackward0", [x], x.detach(), () => [null])).toThrow(/op "add" with grad_fn MulBackward0/);
  });
  it("refuses a second registration of the same name", () => {
    expect(() => registerOp({ name: "add", gradFns: ["AddBackward0"] })).toThrow('op "add" is registered twice');
  });
  it("holds the ops of ops/ and of F", () => {
    expect(registeredOps()).toEqual(expect.arrayContaining(["add", "mm", "select", "copySlices", "conv2d", "mseLoss", "layerNorm"]));
  });
});

describe("backward validates every node's gradients (PyTorch's validate_outputs)", () => {
  it("a gradient of the wrong shape raises, naming the node and the index", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = opWithBackward(x, () => [tensor([1, 1, 1])]);
    expect(() => y.sum().backward()).toThrow(
      "Function ContractTestBackward0 returned an invalid gradient at index 0 - got [3] but expected shape compatible with [2]",
    );
  });
  it("a wrong number of gradients raises", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = opWithBackward(x, (g) => [g, g]);
    expect(() => y.sum().backward()).toThrow("Function ContractTestBackward0 returned an incorrect number of gradients (expected 1, got 2)");
  });
  it("a gradient of another dtype is cast to the input's dtype before hooks and accumulation see it", () => {
    const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const seen: string[] = [];
    const y = opWithBackward(x, (g) => [g.to("float32")]);
    x.registerHook((g) => void seen.push(g.dtype));
    y.sum().backward();
    expect(seen).toEqual(["float64"]);
    expect(x.grad!.dtype).toBe("float64");
  });
});
