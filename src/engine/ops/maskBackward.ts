import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { numelOf } from "../shape";
import { record } from "../autograd/record";
import { makeTensor } from "./kernel";
import { mapUnary } from "./elementwise";
import { mul, where } from "./binary";
import { registerOp } from "./registry";

// relu's and leakyRelu's backwards as ops of (grad, x), like PyTorch's threshold_backward and
// leaky_relu_backward: under createGraph the gradient depends on x too (its x-gradient is zeros, not
// None), so x.grad requires grad and a second backward reaches x with zeros, as in PyTorch.

registerOp({ name: "thresholdBackward", gradFns: ["ThresholdBackwardBackward0"] });
registerOp({ name: "leakyReluBackward", gradFns: ["LeakyReluBackwardBackward0"] });

/** g where y > 0 or y is NaN, else 0 (a select, so NaN or ∞ in g does not leak through the mask). */
export function thresholdBackward(g: Tensor, y: Tensor): Tensor {
  const out = where(mapUnary(y, (v) => (v > 0 || v !== v ? 1 : 0), "bool"), g.detach(), 0);
  return record("thresholdBackward", "ThresholdBackwardBackward0", [g, y], out, (gg, node) => [
    node.needsInputGrad[0] ? thresholdBackward(gg, node.saved(0)) : null,
    node.needsInputGrad[1] ? zerosOf(node.inputMeta[1].shape, gg) : null,
  ], { saved: [y] });
}

/** g where x > 0, else g · slope. */
export function leakyReluBackward(g: Tensor, x: Tensor, slope: number): Tensor {
  const out = mul(g.detach(), mapUnary(x, (v) => (v > 0 ? 1 : slope), g.dtype));
  return record("leakyReluBackward", "LeakyReluBackwardBackward0", [g, x], out, (gg, node) => [
    node.needsInputGrad[0] ? leakyReluBackward(gg, node.saved(0), slope) : null,
    node.needsInputGrad[1] ? zerosOf(node.inputMeta[1].shape, gg) : null,
  ], { saved: [x] });
}

function zerosOf(shape: readonly number[], like: Tensor): Tensor {
  return makeTensor(allocate(like.dtype, numelOf([...shape])), [...shape], like.dtype);
}
