import type { Tensor } from "../tensor";
import { allocate, type DType, type TypedArray } from "../dtype";
import { broadcastShapes, numelOf, shapesEqual } from "../shape";
import { makeTensor } from "./kernel";
import { zipBinary } from "./elementwise";

// add / sub / mul / div without a per-element closure: the hot cases of a training step (same
// shape, a scalar operand, a bias broadcast along rows) get one plain loop each; every other layout
// goes through the general broadcasting kernel. Values are the closures' exactly (same formulas).

export type Arith = 0 | 1 | 2 | 3;
export const Arith = { Add: 0, Sub: 1, Mul: 2, Div: 3 } as const;

/** out[o + i] = x[xo + i] op y[yo + i] for i < n (y advances with step 0 for a scalar). */
function run(kind: Arith, alpha: number, out: TypedArray, o: number, x: TypedArray, xo: number, y: TypedArray, yo: number, ys: number, n: number): void {
  switch (kind) {
    case Arith.Add:
      if (alpha === 1) {
        if (ys === 1) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] + y[yo + i];
        else {
          const v = y[yo];
          for (let i = 0; i < n; i++) out[o + i] = x[xo + i] + v;
        }
      } else if (ys === 1) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] + alpha * y[yo + i];
      else {
        const v = y[yo];
        for (let i = 0; i < n; i++) out[o + i] = x[xo + i] + alpha * v;
      }
      return;
    case Arith.Sub:
      if (ys === 1) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] - alpha * y[yo + i];
      else {
        const v = y[yo];
        for (let i = 0; i < n; i++) out[o + i] = x[xo + i] - alpha * v;
      }
      return;
    case Arith.Mul:
      if (ys === 1) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] * y[yo + i];
      else {
        const v = y[yo];
        for (let i = 0; i < n; i++) out[o + i] = x[xo + i] * v;
      }
      return;
    case Arith.Div:
      if (ys === 1) for (let i = 0; i < n; i++) out[o + i] = x[xo + i] / y[yo + i];
      else {
        const v = y[yo];
        for (let i = 0; i < n; i++) out[o + i] = x[xo + i] / v;
      }
      return;
  }
}

/** The same with the scalar on the left: out[o + i] = v op y[yo + i]. */
function runScalarLeft(kind: Arith, alpha: number, out: TypedArray, o: number, v: number, y: TypedArray, yo: number, n: number): void {
  switch (kind) {
    case Arith.Add:
      for (let i = 0; i < n; i++) out[o + i] = alpha === 1 ? v + y[yo + i] : v + alpha * y[yo + i];
      return;
    case Arith.Sub:
      for (let i = 0; i < n; i++) out[o + i] = v - alpha * y[yo + i];
      return;
    case Arith.Mul:
      for (let i = 0; i < n; i++) out[o + i] = v * y[yo + i];
      return;
    case Arith.Div:
      for (let i = 0; i < n; i++) out[o + i] = v / y[yo + i];
      return;
  }
}

const closures: Record<Arith, (alpha: number) => (p: number, q: number) => number> = {
  [Arith.Add]: (alpha) => (alpha === 1 ? (p, q) => p + q : (p, q) => p + alpha * q),
  [Arith.Sub]: (alpha) => (p, q) => p - alpha * q,
  [Arith.Mul]: () => (p, q) => p * q,
  [Arith.Div]: () => (p, q) => p / q,
};

/** True when `small` (contiguous) broadcasts onto `shape` as a repeated trailing block (a bias row). */
function isTrailingBlock(small: Tensor, shape: readonly number[]): boolean {
  const s = small.shape;
  let lead = 0;
  while (lead < s.length && s[lead] === 1) lead++;
  const tail = s.length - lead;
  if (tail === 0 || tail > shape.length) return false;
  for (let i = 0; i < tail; i++) if (s[lead + i] !== shape[shape.length - tail + i]) return false;
  return small.isContiguous();
}

export function arith(kind: Arith, a: Tensor, b: Tensor, alpha: number, outDtype: DType, opName: string): Tensor {
  const same = shapesEqual(a.shape, b.shape);
  const shape = same ? a.shape : broadcastShapes(a.shape, b.shape, opName);
  const n = numelOf(shape);
  const aFull = same || shapesEqual(a.shape, shape);
  const bFull = same || shapesEqual(b.shape, shape);
  const ad = a.storage.data, bd = b.storage.data;
  if (aFull && a.isContiguous()) {
    if (bFull && b.isContiguous()) {
      const out = allocate(outDtype, n);
      run(kind, alpha, out, 0, ad, a.offset, bd, b.offset, 1, n);
      return makeTensor(out, shape, outDtype);
    }
    if (b.numel() === 1) {
      const out = allocate(outDtype, n);
      run(kind, alpha, out, 0, ad, a.offset, bd, b.offset, 0, n);
      return makeTensor(out, shape, outDtype);
    }
    if (n > 0 && isTrailingBlock(b, shape)) {
      const out = allocate(outDtype, n);
      const inner = b.numel();
      for (let r = 0; r < n; r += inner) run(kind, alpha, out, r, ad, a.offset + r, bd, b.offset, 1, inner);
      return makeTensor(out, shape, outDtype);
    }
  } else if (bFull && b.isContiguous() && a.numel() === 1) {
    const out = allocate(outDtype, n);
    runScalarLeft(kind, alpha, out, 0, ad[a.offset], bd, b.offset, n);
    return makeTensor(out, shape, outDtype);
  }
  return zipBinary(a, b, closures[kind](alpha), outDtype, opName);
}
