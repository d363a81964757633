import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { record } from "../autograd/record";
import { isGradEnabled } from "../gradMode";
import { contiguousData, makeTensor } from "../ops/kernel";
import { normalizeDim, numelOf } from "../shape";
import { exp } from "../ops/unary";
import { mul, sub } from "../ops/binary";
import { sum } from "../ops/reduce";
import { softmaxRaw } from "../ops/softmax";

// log_softmax for the loss path (cross entropy): the same LogSoftmaxBackward0 node as the engine's
// op, with a one-pass backward (g − softmax·Σg per row) unless a double-backward graph is requested.

export function logSoftmaxFused(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d], inner = numelOf(x.shape.slice(d + 1)), outer = numelOf(x.shape.slice(0, d));
  const values = softmaxRaw(x, d, true);
  return record("logSoftmax", "LogSoftmaxBackward0", [x], values, (g, node) => {
    const y = node.saved(0);
    if (isGradEnabled()) return [sub(g, mul(exp(y), sum(g, d, true)))];
    const yd = contiguousData(y), gd = contiguousData(g);
    const res = allocate(g.dtype, yd.length);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let total = 0;
        for (let k = 0; k < size; k++) total += gd[base + k * inner];
        for (let k = 0; k < size; k++) {
          const at = base + k * inner;
          res[at] = gd[at] - Math.exp(yd[at]) * total;
        }
      }
    return [makeTensor(res, y.shape, g.dtype)];
  }, { savedOutputs: [values] });
}
