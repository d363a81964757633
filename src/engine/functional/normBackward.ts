import type { Tensor } from "../tensor";
import { add, mul, sub } from "../ops/binary";
import { rsqrt } from "../ops/unary";
import { mean, sum } from "../ops/reduce";
import { reshape } from "../ops/shapeOps";

// layer_norm's and batch_norm's backward under createGraph, made of differentiable ops (the closed
// form of normalization.ts, dx = rstd·(d − mean(d) − x̂·mean(d·x̂)) with d = g·γ, with the statistics
// recomputed from x so that they too are differentiated). The first-order backward keeps its loops.

export type NormGrads = [Tensor | null, Tensor | null, Tensor | null];

/** Gradients over groups reduced along `dims` (keepdim), with γ broadcast as `gamma` (or none). */
function normalizedGrads(
  x: Tensor, gamma: Tensor | null, grad: Tensor, dims: number[], paramDims: number[], paramShape: readonly number[],
  stats: { mean: Tensor; rstd: Tensor } | { eps: number }, need: readonly boolean[],
): NormGrads {
  let xhat: Tensor, rstd: Tensor;
  const training = "eps" in stats;
  if (training) {
    const centered = sub(x, mean(x, dims, true));
    rstd = rsqrt(add(mean(mul(centered, centered), dims, true), stats.eps));
    xhat = mul(centered, rstd);
  } else {
    rstd = stats.rstd;
    xhat = mul(sub(x, stats.mean), rstd);
  }
  const d = gamma !== null ? mul(grad, gamma) : grad;
  let gx: Tensor | null = null;
  if (need[0]) {
    gx = training
      ? mul(rstd, sub(sub(d, mean(d, dims, true)), mul(xhat, mean(mul(d, xhat), dims, true))))
      : mul(d, rstd);
  }
  const reduceToParam = (t: Tensor) => reshape(paramDims.length > 0 ? sum(t, paramDims) : t, [...paramShape]);
  const gw = need[1] ? reduceToParam(mul(grad, xhat)) : null;
  const gb = need[2] ? reduceToParam(grad) : null;
  return [gx, gw, gb];
}

/** layer_norm over the trailing `k` dims; need = [input, weight, bias]. */
export function layerNormGradsComposed(
  x: Tensor, weight: Tensor | null, grad: Tensor, k: number, eps: number, need: readonly boolean[],
): NormGrads {
  const nd = x.dim();
  const dims = Array.from({ length: k }, (_, i) => nd - k + i);
  const lead = Array.from({ length: nd - k }, (_, i) => i);
  return normalizedGrads(x, weight, grad, dims, lead, x.shape.slice(nd - k), { eps }, need);
}

/** batch_norm over dim 1 of [N, C, *]: batch statistics when training, the saved running ones in eval. */
export function batchNormGradsComposed(
  x: Tensor, weight: Tensor | null, grad: Tensor, training: boolean, eps: number, mean: Tensor, rstd: Tensor,
  need: readonly boolean[],
): NormGrads {
  const C = x.shape[1];
  const perChannel = [1, C, ...Array<number>(x.dim() - 2).fill(1)];
  const dims = [0, ...Array.from({ length: x.dim() - 2 }, (_, i) => i + 2)];
  const gamma = weight !== null ? reshape(weight, perChannel) : null;
  const stats = training ? { eps } : { mean: reshape(mean, perChannel), rstd: reshape(rstd, perChannel) };
  return normalizedGrads(x, gamma, grad, dims, dims, [C], stats, need);
}
