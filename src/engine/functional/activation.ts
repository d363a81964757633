import type { Tensor } from "../tensor";
import { allocateUninitialized } from "../bufferPool";
import { record } from "../autograd/record";
import { registerOp } from "../ops/registry";
import { contiguousData, makeTensor } from "../ops/kernel";
import { fillKeepMask } from "../random";
import * as unary from "../ops/unary";
import * as softmaxOps from "../ops/softmax";
import { mul } from "../ops/binary";
import { isGradEnabled } from "../gradMode";

// Activations: the elementwise ones are the engine's own ops; dropout draws its mask from the
// seeded generator (manualSeed), so a seeded run drops the same units every time.

export const relu = (x: Tensor): Tensor => unary.relu(x);
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => unary.leakyRelu(x, negativeSlope);
export const gelu = (x: Tensor, approximate: "none" | "tanh" = "none"): Tensor => unary.gelu(x, approximate);
export const tanh = (x: Tensor): Tensor => unary.tanh(x);
export const sigmoid = (x: Tensor): Tensor => unary.sigmoid(x);

/** PyTorch's legacy implicit softmax dim (used when dim is omitted). */
function implicitDim(x: Tensor): number {
  const nd = x.dim();
  return nd === 0 || nd === 1 || nd === 3 ? 0 : 1;
}

export function softmax(x: Tensor, dim?: number): Tensor {
  return softmaxOps.softmax(x, dim ?? implicitDim(x));
}

export function logSoftmax(x: Tensor, dim?: number): Tensor {
  return softmaxOps.logSoftmax(x, dim ?? implicitDim(x));
}

// the backward (grad · mask · scale) is made of ops, so it is differentiable again
registerOp({ name: "dropout", gradFns: ["NativeDropoutBackward0"] });
/** Zeroes each element with probability p and scales the rest by 1/(1−p); the identity when not training. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  const n = x.numel();
  const mask = new Uint8Array(n);
  fillKeepMask(mask, p);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const src = contiguousData(x);
  const out = allocateUninitialized(x.dtype, n);
  for (let i = 0; i < n; i++) out[i] = mask[i] ? src[i] * scale : 0;
  const maskT = makeTensor(mask, x.shape, "bool");
  return record("dropout", "NativeDropoutBackward0", [x], makeTensor(out, x.shape, x.dtype), (grad, node) => {
    if (isGradEnabled()) return [mul(mul(grad, node.saved(0)), scale)];
    // no double-backward graph to record: grad · mask · scale in one pass, without the float mask
    const gd = contiguousData(grad), m = contiguousData(node.saved(0));
    const gx = allocateUninitialized(grad.dtype, gd.length);
    for (let i = 0; i < gd.length; i++) gx[i] = gd[i]! * m[i]! * scale;
    return [makeTensor(gx, grad.shape, grad.dtype)];
  }, { saved: [maskT] });
}
