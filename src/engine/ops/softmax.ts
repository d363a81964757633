import type { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { normalizeDim, numelOf } from "../shape";
import { record } from "../autograd/record";
import { contiguousData, makeTensor } from "./kernel";
import { mul, sub } from "./binary";
import { sum } from "./reduce";
import { exp } from "./unary";
import { registerOp } from "./registry";

// softmax / logSoftmax along one dim, computed stably (max subtracted) over [outer, size, inner].

/** softmax or log-softmax values along dim d, no graph (also the fused cross-entropy path's forward). */
export function softmaxRaw(x: Tensor, d: number, log: boolean): Tensor {
  const size = x.shape[d], inner = numelOf(x.shape.slice(d + 1)), outer = numelOf(x.shape.slice(0, d));
  const src = contiguousData(x);
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const out = allocate(dtype, src.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let m = -Infinity;
      for (let k = 0; k < size; k++) m = Math.max(m, src[base + k * inner]);
      let total = 0;
      for (let k = 0; k < size; k++) total += Math.exp(src[base + k * inner] - m);
      const logTotal = Math.log(total);
      for (let k = 0; k < size; k++) {
        const z = src[base + k * inner] - m;
        out[base + k * inner] = log ? z - logTotal : Math.exp(z) / total;
      }
    }
  return makeTensor(out, x.shape, dtype);
}

registerOp({ name: "softmax", gradFns: ["SoftmaxBackward0"] });
export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const out = softmaxRaw(x, d, false);
  return record("softmax", "SoftmaxBackward0", [x], out, (g, node) => {
    const y = node.saved(0);
    return [mul(y, sub(g, sum(mul(g, y), d, true)))];
  }, { savedOutputs: [out] });
}

registerOp({ name: "logSoftmax", gradFns: ["LogSoftmaxBackward0"] });
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const out = softmaxRaw(x, d, true);
  return record("logSoftmax", "LogSoftmaxBackward0", [x], out, (g, node) => {
    const y = node.saved(0);
    return [sub(g, mul(exp(y), sum(g, d, true)))];
  }, { savedOutputs: [out] });
}
