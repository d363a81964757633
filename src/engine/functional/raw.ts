import { Tensor } from "../tensor";
import { allocate, promote, type DType, type TypedArray } from "../dtype";
import { contiguousData, makeTensor, scatterStrided } from "../ops/kernel";
import { expandRaw } from "../ops/elementwise";
import type { FloatArray } from "../kernels/matmulRef";

// Raw helpers for nn/F/optim: reading and writing tensor values without recording a graph or telling
// the observer (parameter updates, init, running stats and gradient clipping are not graph ops).

/** The elements in row-major order (a view when contiguous, else a copy). */
export function valuesOf(t: Tensor): TypedArray {
  return contiguousData(t);
}

/** Values as a float array of `dtype` (a copy only when the dtype differs). */
export function floatValues(t: Tensor, dtype: DType): FloatArray {
  const data = contiguousData(t);
  if (t.dtype === dtype) return data as FloatArray;
  const out = allocate(dtype, data.length) as FloatArray;
  out.set(data);
  return out;
}

/** Values of `t` broadcast to `shape`, row-major. */
export function broadcastValues(t: Tensor, shape: readonly number[]): TypedArray {
  return contiguousData(expandRaw(t, shape));
}

export function floatDtypeOf(...ts: Array<Tensor | null | undefined>): DType {
  let d: DType | null = null;
  for (const t of ts) if (t) d = d === null ? t.dtype : promote(d, t.dtype);
  return d === "float64" ? "float64" : "float32";
}

/** Overwrites t's elements (row-major values, cast to t's dtype) and bumps its version, like an in-place op under no_grad. */
export function writeValues(t: Tensor, values: ArrayLike<number>): void {
  if (t.isContiguous()) {
    const d = t.storage.data, o = t.offset, n = t.numel();
    for (let i = 0; i < n; i++) d[o + i] = values[i];
  } else {
    const tmp = allocate(t.dtype, t.numel());
    for (let i = 0; i < tmp.length; i++) tmp[i] = values[i];
    scatterStrided(tmp, t.storage.data, t.offset, t.shape, t.strides);
  }
  t._versionCounter.version++;
}

/** Applies `f(data, offset)` to a tensor's contiguous elements, writing back when it is a strided view. */
export function updateInPlace(t: Tensor, f: (data: TypedArray, offset: number, n: number) => void): void {
  if (t.isContiguous()) {
    f(t.storage.data, t.offset, t.numel());
  } else {
    const tmp = contiguousData(t).slice();
    f(tmp, 0, tmp.length);
    scatterStrided(tmp, t.storage.data, t.offset, t.shape, t.strides);
  }
  t._versionCounter.version++;
}

/** A view sharing t's storage, cut from the graph, made without telling the observer (state dicts). */
export function aliasOf(t: Tensor): Tensor {
  const out = new Tensor(t.storage, [...t.shape], [...t.strides], t.offset, t.dtype)._sameCounterAs(t);
  out.base = t.base ?? t;
  return out;
}

/** A fresh contiguous copy, no graph, no observer. */
export function copyOf(t: Tensor, dtype: DType = t.dtype): Tensor {
  const data = allocate(dtype, t.numel());
  data.set(contiguousData(t));
  return makeTensor(data, t.shape, dtype);
}

export function zerosOf(shape: readonly number[], dtype: DType): Tensor {
  let n = 1;
  for (const s of shape) n *= s;
  return makeTensor(allocate(dtype, n), shape, dtype);
}

/** Sum reduction of a loss vector, as PyTorch's Reduction enum. */
export type Reduction = "mean" | "sum" | "none";

export function checkReduction(r: string): Reduction {
  if (r !== "mean" && r !== "sum" && r !== "none") throw new Error(`${r} is not a valid value for reduction`);
  return r;
}
