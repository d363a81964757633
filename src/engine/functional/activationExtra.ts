import type { Tensor } from "../tensor";
import { add, mul, sub, div, neg, where } from "../ops/binary";
import { exp, log1p, sigmoid, tanh, clamp, relu as reluOp, leakyRelu as leakyReluOp, abs } from "../ops/unary";
import { compare } from "../ops/compare";
import { softmax as softmaxOp } from "../ops/softmax";
import { narrow } from "../ops/shapeOps";
import { applyInPlace } from "../ops/inplace";
import { checkOptions, checkArg, isOptionsObject } from "../options";
import { dropout as dropoutCore } from "./activation";
import { randomUniform } from "../random";
import { allocate } from "../dtype";
import { makeTensor } from "../ops/kernel";
import { normalizeDim } from "../shape";

// The activations of torch.nn.functional beyond the core ones, composed of the engine's ops, and the
// keyword forms PyTorch users write: F.relu(x, { inplace: true }), F.dropout(x, { p, training }).

type Inplace = boolean | { inplace?: boolean };

function inplaceFlag(fn: string, v: Inplace | undefined): boolean {
  if (v === undefined) return false;
  if (typeof v === "boolean") return v;
  return checkOptions(fn, v, { inplace: "bool" }).inplace ?? false;
}

/** F.relu(x, inplace?) — with inplace the input itself is overwritten (PyTorch's relu_). */
export function relu(x: Tensor, inplace?: Inplace): Tensor {
  return inplaceFlag("relu", inplace) ? applyInPlace(x, "relu_", (t) => reluOp(t)) : reluOp(x);
}

export function leakyRelu(x: Tensor, negativeSlope: number | { negativeSlope?: number; inplace?: boolean } = 0.01, inplace = false): Tensor {
  let slope = 0.01, inPlace = inplace;
  if (isOptionsObject(negativeSlope)) {
    const o = checkOptions("leaky_relu", negativeSlope, { negativeSlope: "float", inplace: "bool" });
    slope = o.negativeSlope ?? 0.01;
    inPlace = o.inplace ?? false;
  } else {
    checkArg("leaky_relu", "negative_slope", "float", negativeSlope);
    slope = negativeSlope;
  }
  return inPlace ? applyInPlace(x, "leakyRelu_", (t) => leakyReluOp(t, slope)) : leakyReluOp(x, slope);
}

export interface DropoutOptions { p?: number; training?: boolean; inplace?: boolean }

/** F.dropout(x, p?, training?) or F.dropout(x, { p, training, inplace }); the identity when not training. */
export function dropout(x: Tensor, p: number | DropoutOptions = 0.5, training = true, inplace = false): Tensor {
  let o: DropoutOptions;
  if (isOptionsObject(p)) o = checkOptions("dropout", p as DropoutOptions, { p: "float", training: "bool", inplace: "bool" });
  else {
    checkArg("dropout", "p", "float", p);
    checkArg("dropout", "training", "bool", training);
    o = { p: p as number, training, inplace };
  }
  const out = dropoutCore(x, o.p ?? 0.5, o.training ?? true);
  return o.inplace && out !== x ? applyInPlace(x, "dropout_", () => out) : out;
}

/** F.dropout2d: zeroes whole channels ([N, C, H, W] or [C, H, W]) with probability p. */
export function dropout2d(x: Tensor, p: number | DropoutOptions = 0.5, training = true): Tensor {
  const o = isOptionsObject(p) ? checkOptions("dropout2d", p as DropoutOptions, { p: "float", training: "bool", inplace: "bool" }) : { p: p as number, training };
  const prob = o.p ?? 0.5;
  if (prob < 0 || prob > 1) throw new Error(`dropout probability has to be between 0 and 1, but got ${prob}`);
  if (!(o.training ?? true) || prob === 0) return x;
  const channelDims = x.dim() === 3 ? 1 : 2;
  const maskShape = [...x.shape.slice(0, channelDims), ...Array(x.dim() - channelDims).fill(1)];
  const n = maskShape.reduce((a, b) => a * b, 1);
  const m = allocate(x.dtype, n);
  for (let i = 0; i < n; i++) m[i] = randomUniform() >= prob ? (prob === 1 ? 0 : 1 / (1 - prob)) : 0;
  return mul(x, makeTensor(m, maskShape, x.dtype));
}

export const hardtanh = (x: Tensor, minVal = -1, maxVal = 1): Tensor => clamp(x, minVal, maxVal);
export const relu6 = (x: Tensor): Tensor => clamp(x, 0, 6);
/** ELU: x for x > 0, alpha·(exp(x) − 1) otherwise (exp of min(x, 0), so no overflow leaks into the gradient). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return where(compare(x, 0, "gt"), x, mul(sub(exp(clamp(x, null, 0)), 1), alpha));
}
const SELU_ALPHA = 1.6732632423543772848170429916717, SELU_SCALE = 1.0507009873554804934193349852946;
export const selu = (x: Tensor): Tensor => mul(elu(x, SELU_ALPHA), SELU_SCALE);
export function celu(x: Tensor, alpha = 1): Tensor {
  return where(compare(x, 0, "gt"), x, mul(sub(exp(div(clamp(x, null, 0), alpha)), 1), alpha));
}
export const silu = (x: Tensor): Tensor => mul(x, sigmoid(x));
/** softplus(x) = log(1 + exp(βx))/β, linear above `threshold` as PyTorch. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = mul(x, beta);
  return where(compare(bx, threshold, "gt"), x, div(log1p(exp(clamp(bx, null, threshold))), beta));
}
export const mish = (x: Tensor): Tensor => mul(x, tanh(softplus(x)));
export const softsign = (x: Tensor): Tensor => div(x, add(abs(x), 1));
export const hardsigmoid = (x: Tensor): Tensor => div(clamp(add(x, 3), 0, 6), 6);
export const hardswish = (x: Tensor): Tensor => mul(x, hardsigmoid(x));
export const logsigmoid = (x: Tensor): Tensor => neg(softplus(neg(x)));
export function softmin(x: Tensor, dim: number): Tensor {
  return softmaxOp(neg(x), dim);
}
/** GLU: the first half of dim gated by the sigmoid of the second. */
export function glu(x: Tensor, dim = -1): Tensor {
  const d = normalizeDim(dim, x.dim()), n = x.shape[d];
  if (n % 2 !== 0) throw new Error(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  return mul(narrow(x, d, 0, n / 2), sigmoid(narrow(x, d, n / 2, n / 2)));
}
/** PReLU with a learnable slope per channel (dim 1) or one shared slope. */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const w = weight.numel() === 1 || x.dim() < 2 ? weight.reshape(weight.numel() === 1 ? [] : [-1]) : weight.reshape([-1, ...Array(x.dim() - 2).fill(1)]);
  return where(compare(x, 0, "gt"), x, mul(x, w));
}
