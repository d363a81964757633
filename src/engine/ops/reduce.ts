import type { Tensor } from "../tensor";
import { allocate, scalarTypeName, type DType } from "../dtype";
import { normalizeDim, numelOf } from "../shape";
import { record, recordNonDifferentiable } from "../autograd/record";
import { gatherStrided, makeTensor } from "./kernel";
import { mapUnary, zipBinary } from "./elementwise";
import { mul, div, sub, where } from "./binary";
import { expand, reshape } from "./shapeOps";
import { scatterAdd } from "./indexing";
import { registerOp } from "./registry";

// Reductions. The kernel moves the reduced dims last (one strided gather), then reduces contiguous runs.

interface Layout {
  dims: number[];
  /** output shape with reduced dims kept as 1 */
  keptShape: number[];
  outShape: number[];
  outer: number;
  inner: number;
}

function layout(x: Tensor, dim: number | number[] | null | undefined, keepdim: boolean): Layout {
  const nd = x.dim();
  const raw = dim === null || dim === undefined ? [...Array(nd).keys()] : Array.isArray(dim) ? dim : [dim];
  // a 0-d tensor accepts dim 0 / -1 (PyTorch wraps it as one dim of size 1): nothing to reduce
  const normalized = raw.map((d) => normalizeDim(d, nd));
  const repeated = normalized.find((d, i) => normalized.indexOf(d) !== i);
  if (repeated !== undefined) throw new Error(`dim ${repeated} appears multiple times in the list of dims`);
  const dims = [...new Set((raw.length === 0 ? [...Array(nd).keys()] : raw).map((d) => normalizeDim(d, nd)))]
    .filter((d) => d < nd)
    .sort((a, b) => a - b);
  const keptShape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = keepdim ? keptShape : x.shape.filter((_, i) => !dims.includes(i));
  const inner = numelOf(dims.map((d) => x.shape[d]));
  return { dims, keptShape, outShape, outer: numelOf(keptShape), inner };
}

/** The elements of x with the reduced dims moved last, as one dense array. */
function reducedLast(x: Tensor, dims: number[]): Float32Array | Float64Array | Uint8Array {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  const out = allocate(x.dtype, x.numel());
  gatherStrided(x.storage.data, x.offset, perm.map((p) => x.shape[p]), perm.map((p) => x.strides[p]), out);
  return out;
}

function reduceRaw(x: Tensor, l: Layout, f: (data: ArrayLike<number>, start: number, n: number) => number, dtype: DType): Tensor {
  const data = reducedLast(x, l.dims);
  const out = allocate(dtype, l.outer);
  for (let o = 0; o < l.outer; o++) out[o] = f(data, o * l.inner, l.inner);
  return makeTensor(out, l.outShape, dtype);
}

const sumRun = (d: ArrayLike<number>, s: number, n: number) => {
  let acc = 0;
  for (let i = s; i < s + n; i++) acc += d[i];
  return acc;
};

/** Gradient of a reduction: bring g back to the kept shape, then broadcast over x's shape. */
function expandBack(g: Tensor, l: Layout, shape: number[]): Tensor {
  return expand(reshape(g, l.keptShape), shape);
}

function sumDtype(x: Tensor): DType {
  return x.dtype === "bool" ? "int64" : x.dtype;
}

registerOp({ name: "sum", gradFns: ["SumBackward0", "SumBackward1"] });
export function sum(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  const l = layout(x, dim, keepdim);
  const out = reduceRaw(x, l, sumRun, sumDtype(x));
  const name = dim === null || dim === undefined ? "SumBackward0" : "SumBackward1";
  const shape = [...x.shape];
  return record("sum", name, [x], out, (g) => [expandBack(g, l, shape)]);
}

registerOp({ name: "mean", gradFns: ["MeanBackward0", "MeanBackward1"] });
export function mean(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  if (x.dtype === "int64" || x.dtype === "bool") {
    throw new Error(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)}`);
  }
  const l = layout(x, dim, keepdim);
  const out = reduceRaw(x, l, (d, s, n) => sumRun(d, s, n) / n, x.dtype);
  const name = dim === null || dim === undefined ? "MeanBackward0" : "MeanBackward1";
  const shape = [...x.shape];
  return record("mean", name, [x], out, (g) => [div(expandBack(g, l, shape), l.inner)]);
}

function better(kind: "max" | "min"): (a: number, b: number) => boolean {
  return kind === "max" ? (a, b) => a > b || (Number.isNaN(a) && !Number.isNaN(b)) : (a, b) => a < b || (Number.isNaN(a) && !Number.isNaN(b));
}

/** Weights 1/count on every element equal to the extremum of its reduced run (PyTorch splits ties evenly). */
function tieWeights(x: Tensor, l: Layout, values: Tensor, dtype: DType): Tensor {
  const extremum = expandBack(values, l, [...x.shape]);
  const hits = zipBinary(x, extremum, (a, b) => (a === b ? 1 : 0), dtype, "max");
  const counts = expandBack(reduceRaw(hits, l, sumRun, dtype), l, [...x.shape]);
  return zipBinary(hits, counts, (h, c) => h / c, dtype, "max");
}

registerOp({ name: "max", gradFns: ["MaxBackward0", "MaxBackward1"] });
registerOp({ name: "min", gradFns: ["MinBackward0", "MinBackward1"] });
export function maxAll(x: Tensor, kind: "max" | "min"): Tensor {
  if (x.numel() === 0) {
    throw new Error(`${kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const l = layout(x, null, false);
  const out = reduceRaw(x, l, extremumRun(kind), x.dtype);
  return record(kind, kind === "max" ? "MaxBackward1" : "MinBackward1", [x], out, (g, node) => {
    const input = node.saved(0);
    return [mul(expandBack(g, l, [...input.shape]), tieWeights(input, l, node.saved(1), g.dtype))];
  }, { saved: [x], savedOutputs: [out] });
}

function extremumRun(kind: "max" | "min") {
  const isBetter = better(kind);
  return (d: ArrayLike<number>, s: number, n: number) => {
    let best = d[s];
    for (let i = s + 1; i < s + n; i++) if (isBetter(d[i], best)) best = d[i];
    return best;
  };
}

registerOp({ name: "amax", gradFns: ["AmaxBackward0"] });
registerOp({ name: "amin", gradFns: ["AminBackward0"] });
export function amax(x: Tensor, dim: number | number[], keepdim: boolean, kind: "max" | "min"): Tensor {
  const l = layout(x, dim, keepdim);
  const out = reduceRaw(x, l, extremumRun(kind), x.dtype);
  return record(kind === "max" ? "amax" : "amin", kind === "max" ? "AmaxBackward0" : "AminBackward0", [x], out, (g, node) => {
    const input = node.saved(0);
    return [mul(expandBack(g, l, [...input.shape]), tieWeights(input, l, node.saved(1), g.dtype))];
  }, { saved: [x], savedOutputs: [out] });
}

function maxDimRaw(x: Tensor, d: number, l: Layout, kind: "max" | "min"): { values: Tensor; indices: Tensor } {
  const data = reducedLast(x, l.dims);
  const values = allocate(x.dtype, l.outer);
  const indices = new Float64Array(l.outer);
  const isBetter = better(kind);
  for (let o = 0; o < l.outer; o++) {
    const s = o * l.inner;
    let best = data[s], at = 0;
    for (let i = 1; i < l.inner; i++) if (isBetter(data[s + i], best)) { best = data[s + i]; at = i; }
    values[o] = best;
    indices[o] = at;
  }
  return { values: makeTensor(values, l.outShape, x.dtype), indices: makeTensor(indices, l.outShape, "int64") };
}

export function maxDim(x: Tensor, dim: number, keepdim: boolean, kind: "max" | "min"): { values: Tensor; indices: Tensor } {
  const d = normalizeDim(dim, x.dim());
  const l = layout(x, d, keepdim);
  const { values: valuesT, indices: indicesT } = maxDimRaw(x, d, l, kind);
  const shape = [...x.shape];
  record(kind, kind === "max" ? "MaxBackward0" : "MinBackward0", [x], valuesT, (g, node) => {
    // the gradient goes to the first index of the extremum only
    return [scatterAdd(zerosOf(shape, g), d, reshape(node.saved(0), l.keptShape), reshape(g, l.keptShape))];
  }, { saved: [indicesT] });
  return { values: valuesT, indices: indicesT };
}

/** Zeros of `shape` in g's dtype (a constant: the start of a differentiable scatter). */
function zerosOf(shape: number[], g: Tensor): Tensor {
  return makeTensor(allocate(g.dtype, numelOf(shape)), shape, g.dtype);
}

registerOp({ name: "var", gradFns: ["VarBackward0"] });
registerOp({ name: "std", gradFns: ["StdBackward0"] });
export function variance(
  x: Tensor,
  dim: number | number[] | null | undefined,
  options: { unbiased?: boolean; correction?: number; keepdim?: boolean } = {},
  isStd: boolean,
): Tensor {
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const l = layout(x, dim, options.keepdim ?? false);
  const n = l.inner;
  const varRun = (d: ArrayLike<number>, s: number, len: number) => {
    const m = sumRun(d, s, len) / len;
    let acc = 0;
    for (let i = s; i < s + len; i++) acc += (d[i] - m) * (d[i] - m);
    return acc / Math.max(0, len - correction);
  };
  const v = reduceRaw(x, l, varRun, x.dtype);
  const out = isStd ? mapUnary(v, Math.sqrt) : v;
  const shape = [...x.shape];
  return record(isStd ? "std" : "var", isStd ? "StdBackward0" : "VarBackward0", [x], out, (g, node) => {
    const input = node.saved(0);
    // PyTorch's std_backward: g / (2·std), 0 where std is 0 (not NaN); then var_backward. All from
    // differentiable ops, so createGraph works through them.
    let gv = g;
    if (isStd) {
      const std = node.saved(1);
      gv = where(mapUnary(std, (s) => (s === 0 ? 1 : 0), "bool"), 0, div(g, mul(std, 2)));
    }
    // PyTorch 1.13's var_backward (the fixtures' oracle) returns INFINITY * grad for a full or 0-d
    // reduction over as many elements as the correction, not 0 * inf = NaN
    if ((x.dim() === 0 || dim === undefined || dim === null) && n === correction) return [mul(expandBack(gv, l, shape), Infinity)];
    const centered = sub(input, mean(input, l.dims, true));
    return [mul(mul(expandBack(gv, l, shape), centered), 2 / (n - correction))];
  }, { saved: [x], savedOutputs: isStd ? [out] : [] });
}

export function argmax(x: Tensor, dim: number | undefined, keepdim: boolean, kind: "max" | "min"): Tensor {
  let result: Tensor;
  if (dim === undefined) {
    const flat = makeTensor(x.dataSync(), [x.numel()], x.dtype);
    result = maxDimRaw(flat, 0, layout(flat, 0, false), kind).indices;
    if (keepdim) result = makeTensor(result.dataSync(), x.shape.map(() => 1), "int64");
  } else {
    const d = normalizeDim(dim, x.dim());
    result = maxDimRaw(x, d, layout(x, d, keepdim), kind).indices;
  }
  recordNonDifferentiable(kind === "max" ? "argmax" : "argmin", [x], [result]);
  return result;
}

