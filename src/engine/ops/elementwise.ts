import type { Tensor } from "../tensor";
import { allocate, type DType } from "../dtype";
import { broadcastShapes, broadcastStrides, numelOf, shapesEqual } from "../shape";
import { contiguousData, makeElementwise, makeTensor } from "./kernel";

// Elementwise kernels with broadcasting. They record nothing: ops call them and then `record()`.

export function mapUnary(x: Tensor, f: (v: number) => number, outDtype: DType = x.dtype): Tensor {
  const src = contiguousData(x);
  const out = allocate(outDtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return makeElementwise(out, x.shape, outDtype, x);
}

export function zipBinary(
  a: Tensor,
  b: Tensor,
  f: (x: number, y: number) => number,
  outDtype: DType,
  opName: string,
): Tensor {
  const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, opName);
  const n = numelOf(shape);
  const out = allocate(outDtype, n);
  if (shapesEqual(a.shape, shape) && shapesEqual(b.shape, shape) && a.isContiguous() && b.isContiguous()) {
    const ad = a.storage.data, bd = b.storage.data, ao = a.offset, bo = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(ad[ao + i], bd[bo + i]);
    return makeTensor(out, shape, outDtype);
  }
  if (b.numel() === 1 && shapesEqual(a.shape, shape)) {
    const ad = contiguousData(a), y = b.storage.data[b.offset];
    for (let i = 0; i < n; i++) out[i] = f(ad[i], y);
    return makeElementwise(out, shape, outDtype, shapesEqual(a.shape, shape) ? a : b);
  }
  if (a.numel() === 1 && shapesEqual(b.shape, shape)) {
    const bd = contiguousData(b), x = a.storage.data[a.offset];
    for (let i = 0; i < n; i++) out[i] = f(x, bd[i]);
    return makeElementwise(out, shape, outDtype, shapesEqual(a.shape, shape) ? a : b);
  }
  stridedZip(a, b, shape, out, f);
  return makeElementwise(out, shape, outDtype, shapesEqual(a.shape, shape) ? a : b);
}

/** General case: walk the output in row-major order, advancing both inputs by broadcast strides. */
function stridedZip(a: Tensor, b: Tensor, shape: number[], out: Float32Array | Float64Array | Uint8Array, f: (x: number, y: number) => number): void {
  const nd = shape.length;
  const sa = broadcastStrides(a.shape, a.strides, shape);
  const sb = broadcastStrides(b.shape, b.strides, shape);
  const ad = a.storage.data, bd = b.storage.data;
  if (nd === 0) {
    out[0] = f(ad[a.offset], bd[b.offset]);
    return;
  }
  const last = nd - 1, inner = shape[last], ia = sa[last], ib = sb[last];
  const idx = new Array<number>(nd).fill(0);
  let pa = a.offset, pb = b.offset;
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0, qa = pa, qb = pb; j < inner; j++, qa += ia, qb += ib) out[o + j] = f(ad[qa], bd[qb]);
    for (let d = last - 1; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < shape[d]) break;
      pa -= sa[d] * shape[d];
      pb -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function zipTernary(
  c: Tensor,
  a: Tensor,
  b: Tensor,
  f: (c: number, x: number, y: number) => number,
  outDtype: DType,
  opName: string,
): Tensor {
  const shape = broadcastShapes(broadcastShapes(c.shape, a.shape, opName), b.shape, opName);
  const n = numelOf(shape);
  const cd = contiguousData(expandRaw(c, shape));
  const ad = contiguousData(expandRaw(a, shape));
  const bd = contiguousData(expandRaw(b, shape));
  const out = allocate(outDtype, n);
  for (let i = 0; i < n; i++) out[i] = f(cd[i], ad[i], bd[i]);
  return makeTensor(out, shape, outDtype);
}

/** A broadcast view of `t` as `shape` (stride 0 on broadcast dims); no graph. */
export function expandRaw(t: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(t.shape, shape)) return t;
  const Ctor = t.constructor as new (...args: ConstructorParameters<typeof Tensor>) => Tensor;
  return new Ctor(t.storage, [...shape], broadcastStrides(t.shape, t.strides, shape), t.offset, t.dtype)._sameCounterAs(t);
}
