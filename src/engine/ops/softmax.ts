import type { Tensor } from "../tensor";
import { allocateUninitialized } from "../bufferPool";
import { isGradEnabled } from "../gradMode";
import type { TypedArray } from "../dtype";
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
  const size = x.shape[d] ?? 1, inner = numelOf(x.shape.slice(d + 1)), outer = numelOf(x.shape.slice(0, d));
  const src = contiguousData(x);
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const out = allocateUninitialized(dtype, src.length);
  if (inner === 1 && !log) {
    softmaxRows(src, out, outer, size);
    return makeTensor(out, x.shape, dtype);
  }
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

let rowScratch = new Float64Array(256);

/** softmax of contiguous rows (the last dim; attention's scores): each exp once, kept in double, so
 *  the values are those of the general loop above. */
function softmaxRows(src: TypedArray, out: TypedArray, rows: number, size: number): void {
  if (rowScratch.length < size) rowScratch = new Float64Array(size);
  const e = rowScratch;
  for (let r = 0, base = 0; r < rows; r++, base += size) {
    let m = -Infinity;
    for (let k = 0; k < size; k++) {
      const v = src[base + k]!;
      if (!(v <= m)) m = Math.max(m, v); // Math.max keeps NaN and −0 as the general loop does
    }
    let total = 0;
    for (let k = 0; k < size; k++) {
      const v = Math.exp(src[base + k]! - m);
      e[k] = v;
      total += v;
    }
    for (let k = 0; k < size; k++) out[base + k] = e[k]! / total;
  }
}

/** softmax's input gradient y·(g − Σ g·y) along dim d in one pass (no double-backward graph). */
function softmaxBackwardRaw(y: Tensor, g: Tensor, d: number): Tensor {
  const size = y.shape[d] ?? 1, inner = numelOf(y.shape.slice(d + 1)), outer = numelOf(y.shape.slice(0, d));
  const yd = contiguousData(y), gd = contiguousData(g);
  const dtype = y.dtype === "float64" || g.dtype === "float64" ? "float64" : "float32";
  const out = allocateUninitialized(dtype, yd.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let dot = 0;
      for (let k = 0, at = base; k < size; k++, at += inner) dot += gd[at]! * yd[at]!;
      for (let k = 0, at = base; k < size; k++, at += inner) out[at] = yd[at]! * (gd[at]! - dot);
    }
  return makeTensor(out, y.shape, dtype);
}

registerOp({ name: "softmax", gradFns: ["SoftmaxBackward0"] });
export function softmax(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const out = softmaxRaw(x, d, false);
  return record("softmax", "SoftmaxBackward0", [x], out, (g, node) => {
    const y = node.saved(0);
    // under createGraph the gradient is made of ops, so it differentiates again
    if (!isGradEnabled()) return [softmaxBackwardRaw(y, g, d)];
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
