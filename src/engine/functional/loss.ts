import type { Tensor } from "../tensor";
import { allocate, type DType, type TypedArray } from "../dtype";
import { record } from "../autograd/record";
import { registerOp } from "../ops/registry";
import { contiguousData, makeTensor } from "../ops/kernel";
import { unbroadcast } from "../ops/broadcast";
import { broadcastShapes, numelOf, shapesEqual } from "../shape";
import { add, mul, neg, div, where } from "../ops/binary";
import { sum } from "../ops/reduce";
import { reshape, unsqueeze } from "../ops/shapeOps";
import { isGradEnabled } from "../gradMode";
import { observer } from "../observer";
import { lossDerivatives, type LossDerivative } from "./lossDerivatives";
import { logSoftmaxFused as logSoftmax } from "./logSoftmax";
import { sigmoidScalar } from "../ops/unary";
import { compare } from "../ops/compare";
import { broadcastValues, checkReduction, floatDtypeOf, type Reduction } from "./raw";

// Losses. nll_loss and the pointwise losses are single nodes with PyTorch's names; cross_entropy is
// log_softmax + nll_loss (PyTorch's graph), with label smoothing and probability targets composed
// from ops exactly as ATen composes them.

export interface NllLossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

function reduceLosses(losses: TypedArray, shape: readonly number[], reduction: Reduction, dtype: DType, divisor: number): Tensor {
  if (reduction === "none") return makeTensor(losses, shape, dtype);
  let acc = 0;
  for (let i = 0; i < losses.length; i++) acc += losses[i];
  const out = allocate(dtype, 1);
  out[0] = reduction === "mean" ? acc / divisor : acc;
  return makeTensor(out, [], dtype);
}

registerOp({ name: "nllLoss", gradFns: ["NllLossBackward0", "NllLoss2DBackward0"] });
registerOp({ name: "mseLoss", gradFns: ["MseLossBackward0"] });
registerOp({ name: "l1Loss", gradFns: ["L1LossBackward0"] });
registerOp({ name: "smoothL1Loss", gradFns: ["SmoothL1LossBackward0"] });
registerOp({ name: "binaryCrossEntropy", gradFns: ["BinaryCrossEntropyBackward0"] });
registerOp({ name: "binaryCrossEntropyWithLogits", gradFns: ["BinaryCrossEntropyWithLogitsBackward0"] });
/** torch.nn.functional.nll_loss: input [C], [N, C] or [N, C, d1, ...] of log-probabilities, target class indices. */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const { weight = null, ignoreIndex = -100 } = options;
  const reduction = checkReduction(options.reduction ?? "mean");
  if (input.dim() < 1) throw new Error("input tensor should be 1D or more");
  const batched = input.dim() >= 2;
  const N = batched ? input.shape[0] : 1, C = batched ? input.shape[1] : input.shape[0];
  const S = numelOf(input.shape.slice(2));
  const expected = batched ? [N, ...input.shape.slice(2)] : [];
  if (!shapesEqual(target.shape, expected)) {
    if (batched && target.dim() >= 1 && target.shape[0] !== N) {
      throw new Error(`Expected input batch_size (${N}) to match target batch_size (${target.shape[0]}).`);
    }
    throw new Error(`Expected target size [${expected.join(", ")}], got [${target.shape.join(", ")}]`);
  }
  if (target.dtype !== "int64") throw new Error(`expected scalar type Long but found ${target.dtype === "float64" ? "Double" : "Float"}`);
  if (weight !== null && (weight.dim() !== 1 || weight.shape[0] !== C)) {
    throw new Error(`weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: [${weight.shape.join(", ")}]`);
  }
  const dtype = floatDtypeOf(input);
  const x = contiguousData(input), t = contiguousData(target);
  const w = weight ? contiguousData(weight) : null;
  const losses = allocate(dtype, N * S);
  let totalWeight = 0;
  for (let n = 0; n < N; n++)
    for (let s = 0; s < S; s++) {
      const k = n * S + s, cls = t[k];
      if (cls === ignoreIndex) continue;
      if (cls < 0 || cls >= C) throw new Error(`Target ${cls} is out of bounds.`);
      const wc = w ? w[cls] : 1;
      losses[k] = -wc * x[(n * C + cls) * S + s];
      totalWeight += wc;
    }
  const out = reduceLosses(losses, target.shape, reduction, dtype, totalWeight);
  const inShape = [...input.shape];
  const name = input.dim() === 4 ? "NllLoss2DBackward0" : "NllLossBackward0";
  return record("nllLoss", name, [input], out, (grad, node) => {
    // under createGraph: the gradient is linear in grad with constant coefficients, so grad · coef
    if (isGradEnabled()) return [nllGradComposed(grad, node.saved(0), w, ignoreIndex, reduction, totalWeight, inShape, batched)];
    const tv = contiguousData(node.saved(0));
    const gd = contiguousData(grad);
    const gx = allocate(grad.dtype, numelOf(inShape));
    const scale = reduction === "mean" ? 1 / totalWeight : 1;
    for (let n = 0; n < N; n++)
      for (let s = 0; s < S; s++) {
        const k = n * S + s, cls = tv[k];
        if (cls === ignoreIndex) continue;
        const g = reduction === "none" ? gd[k] : gd[0] * scale;
        gx[(n * C + cls) * S + s] = -(w ? w[cls] : 1) * g;
      }
    return [makeTensor(gx, inShape, grad.dtype)];
  }, { saved: weight ? [target, weight] : [target] });
}

/** nll_loss's input gradient as grad times a constant tensor (−w[class]/divisor at each target). */
function nllGradComposed(
  grad: Tensor, target: Tensor, w: TypedArray | null, ignoreIndex: number, reduction: Reduction, totalWeight: number,
  inShape: number[], batched: boolean,
): Tensor {
  const tv = contiguousData(target);
  const C = batched ? inShape[1] : inShape[0], S = numelOf(inShape.slice(2)), N = batched ? inShape[0] : 1;
  const coef = allocate(grad.dtype, numelOf(inShape));
  const scale = reduction === "mean" ? 1 / totalWeight : 1;
  for (let n = 0; n < N; n++)
    for (let s = 0; s < S; s++) {
      const cls = tv[n * S + s];
      if (cls !== ignoreIndex) coef[(n * C + cls) * S + s] = -(w ? w[cls] : 1) * scale;
    }
  const g = reduction === "none" && batched ? unsqueeze(grad, 1) : grad;
  return mul(g, makeTensor(coef, inShape, grad.dtype));
}

export interface CrossEntropyOptions extends NllLossOptions {
  labelSmoothing?: number;
}

/** weight reshaped to broadcast along the class dim of an input with `ndim` dims. */
function weightAlongClassDim(weight: Tensor, ndim: number, classDim: number): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[classDim] = weight.shape[0];
  return reshape(weight, shape);
}

/**
 * torch.nn.functional.cross_entropy. `target` holds class indices (int64, shape = input without the
 * class dim) or class probabilities (float, same shape as input).
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  if (observer === null) return crossEntropyOf(input, target, options);
  // its ops (log_softmax, nll_loss, ...) are one line of the user's: the tracer takes that line once
  observer.onEvent?.({ kind: "functional-enter", name: "crossEntropy" });
  try {
    return crossEntropyOf(input, target, options);
  } finally {
    if (observer !== null) observer.onEvent?.({ kind: "functional-exit", name: "crossEntropy" });
  }
}

function crossEntropyOf(input: Tensor, target: Tensor, options: CrossEntropyOptions): Tensor {
  const { weight = null, ignoreIndex = -100, labelSmoothing = 0 } = options;
  const reduction = checkReduction(options.reduction ?? "mean");
  if (labelSmoothing < 0 || labelSmoothing > 1) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${labelSmoothing}`);
  const classDim = input.dim() === 1 ? 0 : 1;
  const C = input.shape[classDim];
  const logp = logSoftmax(input, classDim);
  const w = weight ? weightAlongClassDim(weight, input.dim(), classDim) : null;
  if (target.isFloatingPoint()) {
    if (ignoreIndex !== -100) throw new Error("ignore_index is not supported for floating point target");
    if (!shapesEqual(target.shape, input.shape)) {
      throw new Error(`Expected target size [${input.shape.join(", ")}], got [${target.shape.join(", ")}]`);
    }
    const tgt = labelSmoothing > 0 ? add(mul(target, 1 - labelSmoothing), labelSmoothing / C) : target;
    let prod = mul(logp, tgt);
    if (w) prod = mul(prod, w);
    if (reduction === "none") return neg(sum(prod, classDim));
    if (reduction === "sum") return neg(sum(prod));
    return div(neg(sum(prod)), input.numel() / C);
  }
  const nll = nllLoss(logp, target, { weight, ignoreIndex, reduction });
  if (labelSmoothing <= 0) return nll;
  let smooth = neg(sum(w ? mul(logp, w) : logp, classDim));
  const ignored = compare(target, ignoreIndex, "eq");
  smooth = where(ignored, 0, smooth);
  let ret: Tensor;
  if (reduction === "none") ret = smooth;
  else if (reduction === "sum") ret = sum(smooth);
  else {
    const tv = contiguousData(target), wv = weight ? contiguousData(weight) : null;
    let denom = 0;
    for (const cls of tv) if (cls !== ignoreIndex) denom += wv ? wv[cls] : 1;
    ret = div(sum(smooth), denom);
  }
  return add(mul(nll, 1 - labelSmoothing), mul(ret, labelSmoothing / C));
}

/** A loss computed elementwise from (input, target) and reduced, as one node with both gradients. */
function pointwiseLoss(
  op: string, nodeName: string, input: Tensor, target: Tensor, reduction: Reduction,
  f: (x: number, y: number, i: number) => number,
  dx: (x: number, y: number, i: number) => number,
  dy: (x: number, y: number, i: number) => number,
  extraSaved: Tensor[] = [],
  composed: LossDerivative,
): Tensor {
  const shape = shapesEqual(input.shape, target.shape) ? [...input.shape] : broadcastShapes(input.shape, target.shape, op);
  const dtype = floatDtypeOf(input, target);
  const xs = broadcastValues(input, shape), ys = broadcastValues(target, shape);
  const n = numelOf(shape);
  const losses = allocate(dtype, n);
  for (let i = 0; i < n; i++) losses[i] = f(xs[i], ys[i], i);
  const out = reduceLosses(losses, shape, reduction, dtype, n);
  const inShape = [...input.shape], tShape = [...target.shape];
  return record(op, nodeName, [input, target], out, (grad, node) => {
    if (isGradEnabled()) {
      // createGraph: the same derivatives from differentiable ops, so they can be differentiated again
      const { dx: dX, dy: dY } = composed(node.saved(0), node.saved(1));
      const g = reduction === "mean" ? div(grad, n) : grad;
      return [
        node.needsInputGrad[0] ? unbroadcast(mul(g, dX), inShape) : null,
        node.needsInputGrad[1] ? unbroadcast(mul(g, dY), tShape) : null,
      ];
    }
    const x = broadcastValues(node.saved(0), shape), y = broadcastValues(node.saved(1), shape);
    const gd = contiguousData(grad);
    const gdt = grad.dtype;
    const scale = reduction === "mean" ? 1 / n : 1;
    const gradOf = (d: (x: number, y: number, i: number) => number, to: number[]) => {
      const res = allocate(gdt, n);
      for (let i = 0; i < n; i++) res[i] = (reduction === "none" ? gd[i] : gd[0] * scale) * d(x[i], y[i], i);
      return unbroadcast(makeTensor(res, shape, gdt), to);
    };
    return [node.needsInputGrad[0] ? gradOf(dx, inShape) : null, node.needsInputGrad[1] ? gradOf(dy, tShape) : null];
  }, { saved: [input, target, ...extraSaved] });
}

export interface ReductionOption {
  reduction?: Reduction;
}

export function mseLoss(input: Tensor, target: Tensor, options: ReductionOption = {}): Tensor {
  return pointwiseLoss("mseLoss", "MseLossBackward0", input, target, checkReduction(options.reduction ?? "mean"),
    (x, y) => (x - y) * (x - y), (x, y) => 2 * (x - y), (x, y) => -2 * (x - y), [], lossDerivatives.mse);
}

export function l1Loss(input: Tensor, target: Tensor, options: ReductionOption = {}): Tensor {
  return pointwiseLoss("l1Loss", "L1LossBackward0", input, target, checkReduction(options.reduction ?? "mean"),
    (x, y) => Math.abs(x - y), (x, y) => Math.sign(x - y), (x, y) => -Math.sign(x - y), [], lossDerivatives.l1);
}

export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOption & { beta?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  if (beta < 0) throw new Error("smooth_l1_loss does not support negative values for beta.");
  const d = (x: number, y: number) => {
    const diff = x - y;
    return Math.abs(diff) < beta ? diff / beta : Math.sign(diff);
  };
  return pointwiseLoss("smoothL1Loss", "SmoothL1LossBackward0", input, target, checkReduction(options.reduction ?? "mean"),
    (x, y) => {
      const a = Math.abs(x - y);
      return a < beta ? (0.5 * a * a) / beta : a - 0.5 * beta;
    }, d, (x, y) => -d(x, y), [], lossDerivatives.smoothL1(beta));
}

export interface BceOptions extends ReductionOption {
  weight?: Tensor | null;
}

function sameSizeTarget(input: Tensor, target: Tensor, withLogits: boolean): void {
  if (shapesEqual(input.shape, target.shape)) return;
  const size = (s: number[]) => `torch.Size([${s.join(", ")}])`;
  throw new Error(
    withLogits
      ? `Target size (${size(target.shape)}) must be the same as input size (${size(input.shape)})`
      : `Using a target size (${size(target.shape)}) that is different to the input size (${size(input.shape)}) is deprecated. Please ensure they have the same size.`,
  );
}

/** binary_cross_entropy on probabilities; logs are clamped at −100 as in PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BceOptions = {}): Tensor {
  sameSizeTarget(input, target, false);
  const w = options.weight ? broadcastValues(options.weight, input.shape) : null;
  for (const v of contiguousData(input)) {
    if (!(v >= 0 && v <= 1)) throw new Error("all elements of input should be between 0 and 1");
  }
  const wi = (i: number) => (w ? w[i] : 1);
  const logC = (v: number) => Math.max(Math.log(v), -100);
  return pointwiseLoss("binaryCrossEntropy", "BinaryCrossEntropyBackward0", input, target, checkReduction(options.reduction ?? "mean"),
    (x, y, i) => -wi(i) * (y * logC(x) + (1 - y) * logC(1 - x)),
    (x, y, i) => (wi(i) * (x - y)) / Math.max((1 - x) * x, 1e-12),
    (x, y, i) => -wi(i) * (logC(x) - logC(1 - x)),
    options.weight ? [options.weight] : [], lossDerivatives.bce(options.weight ?? null));
}

export interface BceWithLogitsOptions extends BceOptions {
  posWeight?: Tensor | null;
}

/** log(1 + e^(−x)) computed stably. */
function softplusNeg(x: number): number {
  return Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** binary_cross_entropy_with_logits: sigmoid + BCE in one stable formula, with optional posWeight. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  sameSizeTarget(input, target, true);
  const w = options.weight ? broadcastValues(options.weight, input.shape) : null;
  const pw = options.posWeight ? broadcastValues(options.posWeight, input.shape) : null;
  const wi = (i: number) => (w ? w[i] : 1);
  const pwi = (i: number) => (pw ? pw[i] : 1);
  const extra = [options.weight, options.posWeight].filter((t): t is Tensor => !!t);
  return pointwiseLoss("binaryCrossEntropyWithLogits", "BinaryCrossEntropyWithLogitsBackward0", input, target,
    checkReduction(options.reduction ?? "mean"),
    (x, y, i) => wi(i) * ((1 - y) * x + (1 + (pwi(i) - 1) * y) * softplusNeg(x)),
    (x, y, i) => wi(i) * ((1 - y) - (1 + (pwi(i) - 1) * y) * (1 - sigmoidScalar(x))),
    (x, y, i) => wi(i) * (-x + (pwi(i) - 1) * softplusNeg(x)),
    extra, lossDerivatives.bceWithLogits(options.weight ?? null, options.posWeight ?? null));
}
