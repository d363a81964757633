import type { Tensor } from "../tensor";
import { allocate, type DType, type TypedArray } from "../dtype";
import { allocateUninitialized } from "../bufferPool";
import { batchNormBackward, batchNormForward, scaleRun } from "../kernels/batchNorm";
import type { FloatArray } from "../kernels/matmulRef";
import { record } from "../autograd/record";
import { registerOp } from "../ops/registry";
import { contiguousData, makeTensor } from "../ops/kernel";
import { numelOf } from "../shape";
import { floatDtypeOf, updateInPlace } from "./raw";
import { isGradEnabled } from "../gradMode";
import { batchNormGradsComposed, layerNormGradsComposed, type NormGrads } from "./normBackward";

/** The composed gradients [input, weight, bias] as the node's list (only the inputs it has). */
function present(grads: NormGrads, hasWeight: boolean, hasBias: boolean): Array<Tensor | null> {
  return [grads[0], ...(hasWeight ? [grads[1]] : []), ...(hasBias ? [grads[2]] : [])];
}

/** needsInputGrad of [input, weight?, bias?] as [input, weight, bias]. */
function needs(node: { needsInputGrad: boolean[] }, hasWeight: boolean, hasBias: boolean): boolean[] {
  const n = node.needsInputGrad;
  return [n[0], hasWeight && n[1], hasBias && n[hasWeight ? 2 : 1]];
}

// layer_norm and batch_norm as single nodes (NativeLayerNormBackward0 / NativeBatchNormBackward0) with
// the closed-form backward: for x̂ = (x − μ)·rstd over a group of n values and d = g·γ,
//   dx = rstd/n · (n·d − Σd − x̂·Σ(d·x̂)).
// Under createGraph the same formula is made of ops (normBackward.ts), so it differentiates again.

registerOp({ name: "layerNorm", gradFns: ["NativeLayerNormBackward0"] });
registerOp({ name: "batchNorm", gradFns: ["NativeBatchNormBackward0"] });
/** torch.nn.functional.layer_norm over the trailing `normalizedShape` dims. */
export function layerNorm(
  input: Tensor, normalizedShape: number | number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5,
): Tensor {
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape;
  const tail = input.shape.slice(input.dim() - shape.length);
  if (shape.length > input.dim() || tail.some((s, i) => s !== shape[i])) {
    throw new Error(
      `Given normalized_shape=[${shape.join(", ")}], expected input with shape [*, ${shape.join(", ")}], but got input of size[${input.shape.join(", ")}]`,
    );
  }
  const n = numelOf(shape), rows = input.numel() / Math.max(n, 1);
  const dtype: DType = floatDtypeOf(input, weight, bias);
  const x = contiguousData(input);
  const w = weight ? contiguousData(weight) : null, b = bias ? contiguousData(bias) : null;
  const out = allocateUninitialized(dtype, input.numel());
  const mean = allocate(dtype, rows), rstd = allocate(dtype, rows);
  layerNormRows(x, w, b, out, mean, rstd, rows, n, eps);
  const inputs = [input, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  const meanT = makeTensor(mean, [rows], dtype), rstdT = makeTensor(rstd, [rows], dtype);
  const inShape = [...input.shape];
  return record("layerNorm", "NativeLayerNormBackward0", inputs, makeTensor(out, inShape, dtype), (grad, node) => {
    if (isGradEnabled()) {
      const grads = layerNormGradsComposed(node.saved(0), weight ? node.saved(3) : null, grad, shape.length, eps, needs(node, !!weight, !!bias));
      return present(grads, !!weight, !!bias);
    }
    const xs = contiguousData(node.saved(0));
    const mu = contiguousData(node.saved(1)), rsd = contiguousData(node.saved(2));
    const gd = contiguousData(grad);
    const gdt = grad.dtype;
    const w = weight ? contiguousData(node.saved(3)) : null;
    const gx = node.needsInputGrad[0] ? allocateUninitialized(gdt, xs.length) : null;
    // the parameters' gradients summed over the rows in double, rounded once
    const gw = weight ? new Float64Array(n) : null, gb = bias ? new Float64Array(n) : null;
    layerNormBackwardRows(xs, mu, rsd, gd, w, gx, gw, gb, rows, n);
    const res: Array<Tensor | null> = [gx ? makeTensor(gx, inShape, gdt) : null];
    if (weight) res.push(node.needsInputGrad[1] ? makeTensor(rounded(gw!, gdt), weight.shape, gdt) : null);
    if (bias) res.push(node.needsInputGrad[res.length] ? makeTensor(rounded(gb!, gdt), bias.shape, gdt) : null);
    return res;
  }, { saved: weight ? [input, meanT, rstdT, weight] : [input, meanT, rstdT] });
}

/** out = (x − mean)·rstd·w + b per row of n; each row's mean and 1/std kept for backward. One loop per case, no per-element branch. */
function layerNormRows(
  x: TypedArray, w: TypedArray | null, b: TypedArray | null, out: TypedArray, mean: TypedArray, rstd: TypedArray, rows: number, n: number, eps: number,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[o + i]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const c = x[o + i]! - m;
      v += c * c;
    }
    const rs = 1 / Math.sqrt(v / n + eps);
    mean[r] = m;
    rstd[r] = rs;
    if (w !== null && b !== null) for (let i = 0; i < n; i++) out[o + i] = (x[o + i]! - m) * rs * w[i]! + b[i]!;
    else if (w !== null) for (let i = 0; i < n; i++) out[o + i] = (x[o + i]! - m) * rs * w[i]!;
    else if (b !== null) for (let i = 0; i < n; i++) out[o + i] = (x[o + i]! - m) * rs + b[i]!;
    else for (let i = 0; i < n; i++) out[o + i] = (x[o + i]! - m) * rs;
  }
}

/** For x̂ = (x − μ)·rstd and d = g·γ: gx = rstd/n · (n·d − Σd − x̂·Σ(d·x̂)); gw += g·x̂, gb += g over the rows. */
function layerNormBackwardRows(
  xs: TypedArray, mu: TypedArray, rsd: TypedArray, gd: TypedArray, w: TypedArray | null,
  gx: TypedArray | null, gw: Float64Array | null, gb: Float64Array | null, rows: number, n: number,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    const m = mu[r]!, rs = rsd[r]!;
    let sumD = 0, sumDX = 0;
    if (w !== null && gw !== null && gb !== null) {
      // LayerNorm's usual case in one pass
      for (let i = 0; i < n; i++) {
        const g = gd[o + i]!, xh = (xs[o + i]! - m) * rs, d = g * w[i]!;
        sumD += d;
        sumDX += d * xh;
        gw[i] += g * xh;
        gb[i] += g;
      }
    } else if (w !== null) {
      for (let i = 0; i < n; i++) {
        const d = gd[o + i]! * w[i]!;
        sumD += d;
        sumDX += d * ((xs[o + i]! - m) * rs);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const d = gd[o + i]!;
        sumD += d;
        sumDX += d * ((xs[o + i]! - m) * rs);
      }
    }
    if (w === null || gw === null || gb === null) {
      if (gw !== null) for (let i = 0; i < n; i++) gw[i] += gd[o + i]! * ((xs[o + i]! - m) * rs);
      if (gb !== null) for (let i = 0; i < n; i++) gb[i] += gd[o + i]!;
    }
    if (gx !== null) {
      const k = rs / n;
      if (w !== null) for (let i = 0; i < n; i++) gx[o + i] = k * (n * (gd[o + i]! * w[i]!) - sumD - (xs[o + i]! - m) * rs * sumDX);
      else for (let i = 0; i < n; i++) gx[o + i] = k * (n * gd[o + i]! - sumD - (xs[o + i]! - m) * rs * sumDX);
    }
  }
}

/** A double accumulator as an array of the gradient's dtype. */
function rounded(acc: Float64Array, dtype: DType): TypedArray {
  if (dtype === "float64") return acc;
  const out = allocate(dtype, acc.length);
  out.set(acc);
  return out;
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  /** null: cumulative moving average (the caller passes 1/numBatchesTracked instead) */
  momentum?: number;
  eps?: number;
}

/**
 * torch.nn.functional.batch_norm over dim 1 of [N, C, *]. In training mode it normalises with the
 * batch statistics and, when running stats are given, updates them in place (biased variance for the
 * output, unbiased for running_var, as PyTorch); in eval mode it uses the running stats.
 */
export function batchNorm(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {},
): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (input.dim() < 2) throw new Error(`batch_norm: expected input with at least 2 dims, got [${input.shape.join(", ")}]`);
  const [N, C] = input.shape;
  const S = numelOf(input.shape.slice(2));
  const count = N * S;
  if (training && count <= 1) {
    throw new Error(`Expected more than 1 value per channel when training, got input size [${input.shape.join(", ")}]`);
  }
  if (!training && (runningMean === null || runningVar === null)) {
    throw new Error("running_mean and running_var must be defined in evaluation mode");
  }
  const dtype: DType = floatDtypeOf(input, weight, bias);
  const x = contiguousData(input);
  const w = weight ? contiguousData(weight) : null, b = bias ? contiguousData(bias) : null;
  const mean = allocate(dtype, C), rstd = allocate(dtype, C);
  const batchVar = allocate("float64", C);
  const out = allocateUninitialized(dtype, input.numel()); // batchNormForward writes every element
  const moments = training ? new Float64Array(2 * C) : null;
  batchNormForward(x as FloatArray, out as FloatArray, N, C, S, moments, (scale, shift) => {
    if (moments !== null) {
      for (let c = 0; c < C; c++) {
        const m = moments[2 * c]! / count, v = moments[2 * c + 1]! / count;
        mean[c] = m;
        batchVar[c] = v;
        rstd[c] = 1 / Math.sqrt(v + eps);
      }
      if (runningMean !== null && runningVar !== null) {
        updateInPlace(runningMean, (d, o) => {
          for (let c = 0; c < C; c++) d[o + c] = (1 - momentum) * d[o + c] + momentum * mean[c];
        });
        updateInPlace(runningVar, (d, o) => {
          for (let c = 0; c < C; c++) d[o + c] = (1 - momentum) * d[o + c] + momentum * batchVar[c] * (count / (count - 1));
        });
      }
    } else {
      const rm = contiguousData(runningMean!), rv = contiguousData(runningVar!);
      for (let c = 0; c < C; c++) {
        mean[c] = rm[c];
        rstd[c] = 1 / Math.sqrt(rv[c] + eps);
      }
    }
    for (let c = 0; c < C; c++) {
      scale[c] = w ? w[c] * rstd[c] : rstd[c];
      shift[c] = (b ? b[c] : 0) - mean[c] * scale[c]!;
    }
  });
  const inputs = [input, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  const meanT = makeTensor(mean, [C], dtype), rstdT = makeTensor(rstd, [C], dtype);
  const inShape = [...input.shape];
  return record("batchNorm", "NativeBatchNormBackward0", inputs, makeTensor(out, inShape, dtype), (grad, node) => {
    if (isGradEnabled()) {
      const grads = batchNormGradsComposed(node.saved(0), weight ? node.saved(3) : null, grad, training, eps,
        node.saved(1), node.saved(2), needs(node, !!weight, !!bias));
      return present(grads, !!weight, !!bias);
    }
    const xs = contiguousData(node.saved(0));
    const mu = contiguousData(node.saved(1)), rsd = contiguousData(node.saved(2));
    const gd = contiguousData(grad);
    const gdt = grad.dtype;
    const w = weight ? contiguousData(node.saved(3)) : null;
    const gx = node.needsInputGrad[0] ? allocateUninitialized(gdt, xs.length) : null; // every element is written below
    const gw = allocate(gdt, C), gb = allocate(gdt, C);
    const sums = new Float64Array(2 * C);
    // eval mode: gx = w·rs·g (the statistics are constants), after the sums
    batchNormBackward(gd as FloatArray, xs as FloatArray, training ? (gx as FloatArray | null) : null, N, C, S, Float64Array.from(mu), sums, () => {
      // gx = w·rs/count · (count·g − ΣG − x̂·ΣGx̂) with x̂ = (x − m)·rs, as a·g + b·(x − m) + k
      const abk = new Float64Array(3 * C);
      for (let c = 0; c < C; c++) {
        const rs = rsd[c], a = (w ? w[c] : 1) * rs, sumGX = sums[2 * c + 1]! * rs;
        abk[3 * c] = a;
        abk[3 * c + 1] = (-a * rs * sumGX) / count;
        abk[3 * c + 2] = (-a * sums[2 * c]!) / count;
      }
      return abk;
    });
    for (let c = 0; c < C; c++) {
      gw[c] = sums[2 * c + 1]! * rsd[c];
      gb[c] = sums[2 * c]!;
      if (gx !== null && !training) {
        const a = (w ? w[c] : 1) * rsd[c];
        for (let n = 0; n < N; n++) scaleRun(gd as FloatArray, gx as FloatArray, (n * C + c) * S, S, a);
      }
    }
    const res: Array<Tensor | null> = [gx ? makeTensor(gx, inShape, gdt) : null];
    if (weight) res.push(node.needsInputGrad[1] ? makeTensor(gw, [C], gdt) : null);
    if (bias) res.push(node.needsInputGrad[res.length] ? makeTensor(gb, [C], gdt) : null);
    return res;
  }, { saved: weight ? [input, meanT, rstdT, weight] : [input, meanT, rstdT] });
}
