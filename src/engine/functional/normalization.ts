import type { Tensor } from "../tensor";
import { allocate, type DType } from "../dtype";
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
  const out = allocate(dtype, input.numel());
  const mean = allocate(dtype, rows), rstd = allocate(dtype, rows);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = 0;
    for (let i = 0; i < n; i++) m += x[o + i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[o + i] - m) * (x[o + i] - m);
    const rs = 1 / Math.sqrt(v / n + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let i = 0; i < n; i++) {
      const xh = (x[o + i] - m) * rs;
      out[o + i] = w ? xh * w[i] + (b ? b[i] : 0) : b ? xh + b[i] : xh;
    }
  }
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
    const needX = node.needsInputGrad[0];
    const gx = needX ? allocate(gdt, xs.length) : null;
    const gw = weight ? allocate(gdt, n) : null, gb = bias ? allocate(gdt, n) : null;
    for (let r = 0; r < rows; r++) {
      const o = r * n, m = mu[r], rs = rsd[r];
      let sumD = 0, sumDX = 0;
      for (let i = 0; i < n; i++) {
        const xh = (xs[o + i] - m) * rs, g = gd[o + i];
        const d = w ? g * w[i] : g;
        sumD += d;
        sumDX += d * xh;
        if (gw) gw[i] += g * xh;
        if (gb) gb[i] += g;
      }
      if (gx) {
        for (let i = 0; i < n; i++) {
          const xh = (xs[o + i] - m) * rs;
          const d = w ? gd[o + i] * w[i] : gd[o + i];
          gx[o + i] = (rs / n) * (n * d - sumD - xh * sumDX);
        }
      }
    }
    const res: Array<Tensor | null> = [gx ? makeTensor(gx, inShape, gdt) : null];
    if (weight) res.push(node.needsInputGrad[1] ? makeTensor(gw!, weight.shape, gdt) : null);
    if (bias) res.push(node.needsInputGrad[res.length] ? makeTensor(gb!, bias.shape, gdt) : null);
    return res;
  }, { saved: weight ? [input, meanT, rstdT, weight] : [input, meanT, rstdT] });
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
