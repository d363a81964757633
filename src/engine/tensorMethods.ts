import { Tensor } from "./tensor";
import { aliasOf } from "./functional/raw";
import { allocate, type DType } from "./dtype";
import { parseShapeArgs } from "./shape";
import { makeTensor } from "./ops/kernel";
import { applyInPlace, fillInPlace } from "./ops/inplace";
import { addmm as addmmF } from "./functional/linear";
import * as s from "./ops/shapeExtra";
import * as r from "./ops/reduceExtra";
import * as m from "./ops/mathExtra";
import * as ix from "./ops/indexExtra";
import * as linalg from "./ops/linalg";
import { expand, reshape, squeeze, unsqueeze, transpose, permute } from "./ops/shapeOps";
import { mul, add } from "./ops/binary";
import { clamp } from "./ops/unary";
import { randomUniform } from "./random";
import { bmm, mv } from "./ops/matmul";
import { tensor as tensorFactory } from "./creation";
import type { NestedArray } from "./tensor";

// The Tensor methods of the wider PyTorch API, as one-line forwarders to the op files (kept out of
// tensor.ts so that file stays the core; `import "gradlens"` loads this with the rest of the engine).

type Operand = Tensor | number;
type Dims = number | number[] | null | undefined;

declare module "./tensor" {
  interface Tensor {
    acos(): Tensor; asin(): Tensor; atan(): Tensor; atan2(other: Tensor): Tensor; ceil(): Tensor; cosh(): Tensor;
    erf(): Tensor; exp2(): Tensor; expm1(): Tensor; floor(): Tensor; frac(): Tensor; log10(): Tensor; log2(): Tensor;
    logit(eps?: number | null): Tensor; reciprocal(): Tensor; round(decimals?: number): Tensor; sinh(): Tensor; tan(): Tensor;
    trunc(): Tensor; fmod(other: Operand): Tensor; remainder(other: Operand): Tensor; floorDivide(other: Operand): Tensor;
    fmax(other: Tensor): Tensor; fmin(other: Tensor): Tensor; hypot(other: Tensor): Tensor; lerp(end: Tensor, weight: Operand): Tensor;
    addcmul(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor; addcdiv(t1: Tensor, t2: Tensor, options?: { value?: number }): Tensor;
    logaddexp(other: Tensor): Tensor; xlogy(other: Operand): Tensor; clampMin(min: number): Tensor; clampMax(max: number): Tensor;
    clip(min?: number | null, max?: number | null): Tensor; nanToNum(nan?: number, posinf?: number | null, neginf?: number | null): Tensor;
    isnan(): Tensor; isinf(): Tensor; isfinite(): Tensor; logicalAnd(other: Tensor): Tensor; logicalOr(other: Tensor): Tensor;
    logicalNot(): Tensor; bitwiseAnd(other: Tensor | number): Tensor; equal(other: Tensor): boolean;
    allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean;
    isclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor;
    prod(dim?: number, keepdim?: boolean): Tensor; norm(p?: number | "fro", dim?: Dims, keepdim?: boolean): Tensor;
    logsumexp(dim: number | number[], keepdim?: boolean): Tensor; cumsum(dim: number): Tensor; cumprod(dim: number): Tensor;
    cummax(dim: number): { values: Tensor; indices: Tensor }; all(dim?: number, keepdim?: boolean): Tensor; any(dim?: number, keepdim?: boolean): Tensor;
    median(): Tensor; median(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
    mode(dim?: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
    sort(dim?: number | r.SortOptions, descending?: boolean): { values: Tensor; indices: Tensor };
    argsort(dim?: number, descending?: boolean): Tensor;
    topk(k: number, dim?: number | r.TopkOptions, largest?: boolean): { values: Tensor; indices: Tensor };
    kthvalue(k: number, dim?: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
    countNonzero(dim?: number | number[]): Tensor; nansum(dim?: Dims, keepdim?: boolean): Tensor; nanmean(dim?: Dims, keepdim?: boolean): Tensor;
    unique(options?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean }): Tensor | Tensor[];
    outer(other: Tensor): Tensor; addmm(mat1: Tensor, mat2: Tensor, options?: { beta?: number; alpha?: number }): Tensor;
    baddbmm(b1: Tensor, b2: Tensor, options?: { beta?: number; alpha?: number }): Tensor;
    addmv(mat: Tensor, vec: Tensor, options?: { beta?: number; alpha?: number }): Tensor;
    diag(offset?: number): Tensor; diagonal(offset?: number, dim1?: number, dim2?: number): Tensor; trace(): Tensor;
    tril(diagonal?: number): Tensor; triu(diagonal?: number): Tensor;
    viewAs(other: Tensor): Tensor; reshapeAs(other: Tensor): Tensor; unflatten(dim: number, sizes: number[]): Tensor;
    broadcastTo(shape: number[]): Tensor; swapaxes(a: number, b: number): Tensor;
    movedim(source: number | number[], destination: number | number[]): Tensor; readonly mT: Tensor;
    flip(dims: number | number[]): Tensor; roll(shifts: number | number[], dims?: number | number[]): Tensor;
    repeat(...sizes: Array<number | number[]>): Tensor; repeatInterleave(repeats: number | Tensor, dim?: number): Tensor;
    tile(reps: number[]): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number, options?: { reduce?: "add" | "multiply" }): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): Tensor;
    indexFill(dim: number, index: Tensor, value: number | Tensor): Tensor; indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    maskedSelect(mask: Tensor): Tensor; maskedScatter(mask: Tensor, source: Tensor): Tensor; take(index: Tensor): Tensor;
    takeAlongDim(indices: Tensor, dim?: number): Tensor; nonzero(options?: { asTuple?: boolean }): Tensor | Tensor[];
    unfold(dimension: number, size: number, step: number): Tensor;
    /** PyTorch's `x[...]`: ints, slices (":", "1:5:2", { start, stop, step }), null, "...", long indices, bool masks. */
    index(...items: ix.IndexItem[]): Tensor;
    /** PyTorch's `x[...] = values` (`accumulate`: `+=`), in place. */
    indexPut_(indices: ix.IndexItem[], values: Tensor | number, accumulate?: boolean): this;
    int(): Tensor; bool(): Tensor; typeAs(other: Tensor): Tensor;
    newZeros(...shape: Array<number | number[]>): Tensor; newOnes(...shape: Array<number | number[]>): Tensor;
    newFull(shape: number[], value: number): Tensor; newTensor(data: NestedArray): Tensor; newEmpty(...shape: Array<number | number[]>): Tensor;
    abs_(): this; exp_(): this; log_(): this; sigmoid_(): this; tanh_(): this; clampMin_(min: number): this; clampMax_(max: number): this;
    leakyRelu_(negativeSlope?: number): this;
    indexAdd_(dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }): this;
    scatter_(dim: number, index: Tensor, src: Tensor | number, options?: { reduce?: "add" | "multiply" }): this;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): this; indexFill_(dim: number, index: Tensor, value: number): this;
    bernoulli_(p?: number): this; unsqueeze_(dim: number): this; squeeze_(dim?: number): this; t_(): this;
    transpose_(dim0: number, dim1: number): this; resize_(...shape: Array<number | number[]>): this;
    lerp_(end: Tensor, weight: Operand): this; addcmul_(t1: Tensor, t2: Tensor, options?: { value?: number }): this;
    addcdiv_(t1: Tensor, t2: Tensor, options?: { value?: number }): this;
    det(): Tensor; inverse(): Tensor;
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
  }
}

const P = Tensor.prototype as unknown as Record<string, unknown>;
function def(methods: Record<string, (this: Tensor, ...args: any[]) => unknown>): void {
  for (const [name, fn] of Object.entries(methods)) Object.defineProperty(P, name, { value: fn, writable: true, configurable: true });
}

/** Re-points a tensor's metadata at a new shape (the `_` shape methods, which are views of themselves). */
function restride(t: Tensor, v: Tensor): Tensor {
  t.shape = [...v.shape];
  t.strides = [...v.strides];
  t.offset = v.offset;
  return t;
}

function creationLike(t: Tensor, shape: number[], fill: number): Tensor {
  const data = allocate(t.dtype, shape.reduce((a, b) => a * b, 1));
  if (fill !== 0) data.fill(fill);
  return makeTensor(data, shape, t.dtype);
}

const coreSlice = P.slice as (this: Tensor, dim: number, start?: number, end?: number) => Tensor;

def({
  acos() { return m.acos(this); }, asin() { return m.asin(this); }, atan() { return m.atan(this); },
  atan2(o: Tensor) { return m.atan2(this, o); }, ceil() { return m.ceil(this); }, cosh() { return m.cosh(this); },
  erf() { return m.erf(this); }, exp2() { return m.exp2(this); }, expm1() { return m.expm1(this); },
  floor() { return m.floor(this); }, frac() { return m.frac(this); }, log10() { return m.log10(this); },
  log2() { return m.log2(this); }, logit(eps?: number | null) { return m.logit(this, eps ?? null); },
  reciprocal() { return m.reciprocal(this); }, round(decimals = 0) { return m.round(this, decimals); },
  sinh() { return m.sinh(this); }, tan() { return m.tan(this); }, trunc() { return m.trunc(this); },
  fmod(o: Operand) { return m.fmod(this, o); }, remainder(o: Operand) { return m.remainder(this, o); },
  floorDivide(o: Operand) { return m.floorDivide(this, o); }, fmax(o: Tensor) { return m.fmax(this, o); },
  fmin(o: Tensor) { return m.fmin(this, o); }, hypot(o: Tensor) { return m.hypot(this, o); },
  lerp(e: Tensor, w: Operand) { return m.lerp(this, e, w); },
  addcmul(a: Tensor, b: Tensor, o?: { value?: number }) { return m.addcmul(this, a, b, o?.value); },
  addcdiv(a: Tensor, b: Tensor, o?: { value?: number }) { return m.addcdiv(this, a, b, o?.value); },
  logaddexp(o: Tensor) { return m.logaddexp(this, o); }, xlogy(o: Operand) { return m.xlogy(this, o); },
  clampMin(v: number) { return r.clampMin(this, v); }, clampMax(v: number) { return r.clampMax(this, v); },
  clip(lo: number | null = null, hi: number | null = null) { return clamp(this, lo, hi); },
  nanToNum(nan = 0, posinf?: number | null, neginf?: number | null) { return m.nanToNum(this, nan, posinf, neginf); },
  isnan() { return m.isnan(this); }, isinf() { return m.isinf(this); }, isfinite() { return m.isfinite(this); },
  logicalAnd(o: Tensor) { return m.logicalAnd(this, o); }, logicalOr(o: Tensor) { return m.logicalOr(this, o); },
  logicalNot() { return m.logicalNot(this); }, bitwiseAnd(o: Tensor | number) { return m.bitwiseAnd(this, o); },
  equal(o: Tensor) { return m.equal(this, o); }, allclose(o: Tensor, opts?: object) { return m.allclose(this, o, opts); },
  isclose(o: Tensor, opts?: object) { return m.isclose(this, o, opts); },
  prod(dim?: number, keepdim = false) { return r.prod(this, dim, keepdim); },
  norm(p: number | "fro" = 2, dim?: Dims, keepdim = false) { return r.norm(this, p, dim, keepdim); },
  logsumexp(dim: number | number[], keepdim = false) { return r.logsumexp(this, dim, keepdim); },
  cumsum(dim: number) { return r.cumsum(this, dim); }, cumprod(dim: number) { return r.cumprod(this, dim); },
  cummax(dim: number) { return r.cummax(this, dim); },
  all(dim?: number, keepdim = false) { return r.all(this, dim, keepdim); }, any(dim?: number, keepdim = false) { return r.any(this, dim, keepdim); },
  median(dim?: number, keepdim = false) { return dim === undefined ? r.median(this) : r.median(this, dim, keepdim); },
  mode(dim = -1, keepdim = false) { return r.mode(this, dim, keepdim); },
  sort(dim: number | r.SortOptions = -1, descending = false) { return r.sort(this, dim, descending); },
  argsort(dim = -1, descending = false) { return r.argsort(this, dim, descending); },
  topk(k: number, dim: number | r.TopkOptions = -1, largest = true) { return r.topk(this, k, dim, largest); },
  kthvalue(k: number, dim = -1, keepdim = false) { return r.kthvalue(this, k, dim, keepdim); },
  countNonzero(dim?: number | number[]) { return r.countNonzero(this, dim); },
  nansum(dim?: Dims, keepdim = false) { return r.nansum(this, dim, keepdim); }, nanmean(dim?: Dims, keepdim = false) { return r.nanmean(this, dim, keepdim); },
  unique(o?: object) { return r.unique(this, o); },
  outer(o: Tensor) { return s.outer(this, o); },
  addmm(a: Tensor, b: Tensor, o: { beta?: number; alpha?: number } = {}) {
    return (o.beta ?? 1) === 1 && (o.alpha ?? 1) === 1 ? addmmF(this, a, b) : add(mul(this, o.beta ?? 1), mul(a.mm(b), o.alpha ?? 1));
  },
  baddbmm(a: Tensor, b: Tensor, o: { beta?: number; alpha?: number } = {}) { return add(mul(this, o.beta ?? 1), mul(bmm(a, b), o.alpha ?? 1)); },
  addmv(a: Tensor, v: Tensor, o: { beta?: number; alpha?: number } = {}) { return add(mul(this, o.beta ?? 1), mul(mv(a, v), o.alpha ?? 1)); },
  diag(offset = 0) { return s.diag(this, offset); }, diagonal(o = 0, d1 = 0, d2 = 1) { return s.diagonal(this, o, d1, d2); },
  trace() { return s.trace(this); }, tril(d = 0) { return s.tril(this, d); }, triu(d = 0) { return s.triu(this, d); },
  viewAs(o: Tensor) { return this.view(o.shape); }, reshapeAs(o: Tensor) { return reshape(this, [...o.shape]); },
  unflatten(dim: number, sizes: number[]) { return s.unflatten(this, dim, sizes); },
  broadcastTo(shape: number[]) { return expand(this, shape); }, swapaxes(a: number, b: number) { return transpose(this, a, b); },
  movedim(a: number | number[], b: number | number[]) { return s.movedim(this, a, b); },
  flip(dims: number | number[]) { return s.flip(this, dims); },
  roll(sh: number | number[], dims?: number | number[]) { return s.roll(this, sh, dims); },
  repeat(...sizes: Array<number | number[]>) { return s.repeat(this, parseShapeArgs(sizes)); },
  repeatInterleave(rep: number | Tensor, dim?: number) { return s.repeatInterleave(this, rep, dim); },
  tile(reps: number[]) { return s.tile(this, reps); },
  scatter(d: number, i: Tensor, src: Tensor | number, o?: { reduce?: "add" | "multiply" }) { return ix.scatter(this, d, i, src, o); },
  indexAdd(d: number, i: Tensor, src: Tensor, o?: { alpha?: number }) { return ix.indexAdd(this, d, i, src, o?.alpha); },
  indexFill(d: number, i: Tensor, v: number | Tensor) { return ix.indexFill(this, d, i, v); },
  indexCopy(d: number, i: Tensor, src: Tensor) { return ix.indexCopy(this, d, i, src); },
  maskedSelect(mask: Tensor) { return s.maskedSelect(this, mask); },
  maskedScatter(mask: Tensor, src: Tensor) { return ix.maskedScatter(this, mask, src); },
  take(i: Tensor) { return ix.take(this, i); }, takeAlongDim(i: Tensor, d?: number) { return ix.takeAlongDim(this, i, d); },
  nonzero(o?: { asTuple?: boolean }) { return ix.nonzero(this, o); },
  unfold(d: number, size: number, step: number) { return ix.unfoldWindows(this, d, size, step); },
  index(...items: ix.IndexItem[]) { return ix.index(this, ...items); },
  indexPut_(indices: ix.IndexItem[], values: Tensor | number, acc = false) { return ix.indexPut_(this, indices, values, acc); },
  int() { return this.to("int64"); }, bool() { return this.to("bool"); }, typeAs(o: Tensor) { return this.to(o.dtype); },
  newZeros(...shape: Array<number | number[]>) { return creationLike(this, parseShapeArgs(shape), 0); },
  newOnes(...shape: Array<number | number[]>) { return creationLike(this, parseShapeArgs(shape), 1); },
  newEmpty(...shape: Array<number | number[]>) { return creationLike(this, parseShapeArgs(shape), 0); },
  newFull(shape: number[], v: number) { return creationLike(this, shape, v); },
  newTensor(data: NestedArray) { return tensorFactory(data, { dtype: this.dtype as DType }); },
  abs_() { return m.inplace.abs_(this); }, exp_() { return m.inplace.exp_(this); }, log_() { return m.inplace.log_(this); },
  sigmoid_() { return m.inplace.sigmoid_(this); }, tanh_() { return m.inplace.tanh_(this); },
  clampMin_(v: number) { return applyInPlace(this, "clampMin_", (x) => r.clampMin(x, v)); },
  clampMax_(v: number) { return applyInPlace(this, "clampMax_", (x) => r.clampMax(x, v)); },
  leakyRelu_(slope = 0.01) { return applyInPlace(this, "leakyRelu_", (x) => x.leakyRelu(slope)); },
  indexAdd_(d: number, i: Tensor, src: Tensor, o?: { alpha?: number }) { return applyInPlace(this, "indexAdd_", (x) => ix.indexAdd(x, d, i, src, o?.alpha)); },
  scatter_(d: number, i: Tensor, src: Tensor | number, o?: { reduce?: "add" | "multiply" }) { return applyInPlace(this, "scatter_", (x) => ix.scatter(x, d, i, src, o)); },
  scatterAdd_(d: number, i: Tensor, src: Tensor) { return applyInPlace(this, "scatterAdd_", (x) => x.scatterAdd(d, i, src)); },
  indexFill_(d: number, i: Tensor, v: number) { return applyInPlace(this, "indexFill_", (x) => ix.indexFill(x, d, i, v)); },
  bernoulli_(p = 0.5) { return fillInPlace(this, "bernoulli_", () => (randomUniform() < p ? 1 : 0)); },
  unsqueeze_(d: number) { return restride(this, unsqueeze(aliasOf(this), d)); },
  squeeze_(d?: number) { return restride(this, squeeze(aliasOf(this), d)); },
  t_() { return restride(this, aliasOf(this).t()); },
  transpose_(a: number, b: number) { return restride(this, transpose(aliasOf(this), a, b)); },
  resize_(...shape: Array<number | number[]>) {
    const sh = parseShapeArgs(shape), n = sh.reduce((a, b) => a * b, 1);
    if (n > this.storage.data.length - this.offset) {
      const data = allocate(this.dtype, n);
      data.set(this.storage.data.subarray(this.offset, this.offset + Math.min(n, this.numel())));
      this.storage = makeTensor(data, sh, this.dtype).storage;
      this.offset = 0;
    }
    return restride(this, makeTensor(this.storage.data, [this.storage.data.length], this.dtype).narrow(0, this.offset, n).view(sh));
  },
  lerp_(e: Tensor, w: Operand) { return applyInPlace(this, "lerp_", (x) => m.lerp(x, e, w)); },
  addcmul_(a: Tensor, b: Tensor, o?: { value?: number }) { return applyInPlace(this, "addcmul_", (x) => m.addcmul(x, a, b, o?.value)); },
  addcdiv_(a: Tensor, b: Tensor, o?: { value?: number }) { return applyInPlace(this, "addcdiv_", (x) => m.addcdiv(x, a, b, o?.value)); },
  slice(dim: number, start: number | null = null, end: number | null = null, step = 1) {
    return step === 1 ? coreSlice.call(this, dim, start ?? 0, end ?? undefined) : ix.sliceStep(this, dim, start, end, step);
  },
});

Object.defineProperty(P, "mT", {
  get(this: Tensor) {
    if (this.dim() < 2) throw new Error("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.");
    return transpose(this, -2, -1);
  },
  configurable: true,
});

void permute;

def({
  det() { return linalg.det(this); },
  inverse() { return linalg.inverse(this); },
});
