import type { Tensor } from "../tensor";
import { add, mul, sub, div } from "../ops/binary";
import { rsqrt } from "../ops/unary";
import { reshape } from "../ops/shapeOps";
import { checkOptions } from "../options";
import { batchNorm } from "./normalization";
import { updateInPlace, valuesOf } from "./raw";
import { noGrad } from "../gradMode";

// group_norm and instance_norm, composed of mean/var ops (biased variance, as PyTorch).

/** F.group_norm(x [N, C, *], numGroups, { weight, bias, eps }). */
export function groupNorm(x: Tensor, numGroups: number, options: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = checkOptions("group_norm", options, { weight: "Tensor?", bias: "Tensor?", eps: "float" });
  const [N, C] = x.shape;
  if (C % numGroups !== 0) {
    throw new Error(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${x.shape.join(", ")}] and num_groups=${numGroups}`);
  }
  const g = reshape(x, [N, numGroups, -1]);
  const mean = g.mean(-1, true);
  const centered = sub(g, mean);
  const v = mul(centered, centered).mean(-1, true);
  const normed = reshape(mul(centered, rsqrt(add(v, eps))), [...x.shape]);
  return affine(normed, weight, bias);
}

function affine(y: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const shape = [1, y.shape[1], ...Array(y.dim() - 2).fill(1)];
  let out = y;
  if (weight !== null) out = mul(out, reshape(weight, shape));
  if (bias !== null) out = add(out, reshape(bias, shape));
  return out;
}

export interface InstanceNormOptions {
  runningMean?: Tensor | null; runningVar?: Tensor | null; weight?: Tensor | null; bias?: Tensor | null;
  useInputStats?: boolean; momentum?: number; eps?: number;
}

/** F.instance_norm: each (sample, channel) normalised over its spatial dims. */
export function instanceNorm(x: Tensor, options: InstanceNormOptions = {}): Tensor {
  const o = checkOptions("instance_norm", options, {
    runningMean: "Tensor?", runningVar: "Tensor?", weight: "Tensor?", bias: "Tensor?", useInputStats: "bool", momentum: "float", eps: "float",
  });
  const { weight = null, bias = null, eps = 1e-5, useInputStats = true, runningMean = null, runningVar = null, momentum = 0.1 } = o;
  if (!useInputStats) {
    return batchNorm(x, runningMean, runningVar, { weight, bias, training: false, eps });
  }
  const [N, C] = x.shape;
  const flat = reshape(x, [N, C, -1]);
  const mean = flat.mean(-1, true);
  const centered = sub(flat, mean);
  const v = mul(centered, centered).mean(-1, true);
  if (runningMean !== null && runningVar !== null) {
    // running stats: the batch average of the per-instance stats (unbiased variance), as PyTorch
    noGrad(() => {
      const n = flat.shape[2];
      const m = valuesOf(mean.mean(0).reshape([C])), vv = valuesOf(div(mul(v, n / Math.max(n - 1, 1)).mean(0), 1).reshape([C]));
      updateInPlace(runningMean, (d, off) => { for (let c = 0; c < C; c++) d[off + c] = (1 - momentum) * d[off + c] + momentum * m[c]; });
      updateInPlace(runningVar, (d, off) => { for (let c = 0; c < C; c++) d[off + c] = (1 - momentum) * d[off + c] + momentum * vv[c]; });
    });
  }
  const normed = reshape(mul(centered, rsqrt(add(v, eps))), [...x.shape]);
  return affine(normed, weight, bias);
}
