import { Tensor } from "../tensor";
import { allocate, type DType, type TypedArray } from "../dtype";
import { Storage } from "../storage";
import { contiguousStrides } from "../shape";

// Low-level helpers the ops share: reading a tensor as a flat row-major array and making results.

export function makeTensor(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(new Storage(data), [...shape], contiguousStrides(shape), 0, dtype);
}

/**
 * An elementwise result laid out as PyTorch's TensorIterator lays it out: in the dimension order of its
 * first input when that input has the result's shape and is permuted (x.t().mul(2) is not contiguous,
 * so .view(-1) of it raises as in PyTorch); `data` is in row-major order. Contiguous otherwise.
 */
export function makeElementwise(data: TypedArray, shape: readonly number[], dtype: DType, first: Tensor): Tensor {
  const strides = first.shape.length === shape.length && first.shape.every((s, d) => s === shape[d]) ? permutedStrides(first) : null;
  if (strides === null) return makeTensor(data, shape, dtype);
  const out = allocate(dtype, data.length);
  scatterStrided(data, out, 0, shape, strides);
  return new Tensor(new Storage(out), [...shape], strides, 0, dtype);
}

/** Dense strides in the order of t's strides (largest first), or null when that order is row-major. */
function permutedStrides(t: Tensor): number[] | null {
  if (t.isContiguous()) return null;
  const { shape, strides } = t;
  const dims = shape.map((_, d) => d).filter((d) => shape[d] > 1);
  if (dims.some((d) => strides[d] === 0)) return null; // expanded memory: PyTorch's order there is its own
  const order = [...dims].sort((a, b) => strides[b] - strides[a] || a - b);
  if (order.every((d, i) => d === dims[i])) return null;
  const out = contiguousStrides(shape);
  let acc = 1;
  for (let i = order.length - 1; i >= 0; i--) {
    out[order[i]] = acc;
    acc *= shape[order[i]];
  }
  return out;
}

/** The tensor's elements in row-major order: a view of the storage when contiguous, else a copy. */
export function contiguousData(t: Tensor): TypedArray {
  const n = t.numel();
  if (t.isContiguous()) return t.storage.data.subarray(t.offset, t.offset + n);
  const out = allocate(t.dtype, n);
  gatherStrided(t.storage.data, t.offset, t.shape, t.strides, out);
  return out;
}

/** Copies a strided view into a dense array (row-major over `shape`). */
export function gatherStrided(src: TypedArray, offset: number, shape: readonly number[], strides: readonly number[], out: TypedArray): void {
  const nd = shape.length;
  const n = out.length;
  if (nd === 0) {
    if (n > 0) out[0] = src[offset];
    return;
  }
  const last = nd - 1;
  const lastSize = shape[last], lastStride = strides[last];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let o = 0; o < n; o += lastSize) {
    for (let j = 0, p = base; j < lastSize; j++, p += lastStride) out[o + j] = src[p];
    // advance the outer index
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Writes dense row-major values into a strided view (for in-place ops on views). */
export function scatterStrided(values: TypedArray, dst: TypedArray, offset: number, shape: readonly number[], strides: readonly number[]): void {
  const nd = shape.length;
  const n = values.length;
  if (nd === 0) {
    if (n > 0) dst[offset] = values[0];
    return;
  }
  const last = nd - 1;
  const lastSize = shape[last], lastStride = strides[last];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let o = 0; o < n; o += lastSize) {
    for (let j = 0, p = base; j < lastSize; j++, p += lastStride) dst[p] = values[o + j];
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function toTensor(v: Tensor | number, like: Tensor): Tensor {
  if (v instanceof Tensor) return v;
  const data = allocate(like.dtype, 1);
  data[0] = v;
  return makeTensor(data, [], like.dtype);
}
