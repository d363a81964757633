import { type DType, type TypedArray, allocate, isFloating } from "./dtype";
import { Storage } from "./storage";
import { contiguousStrides, numelOf, normalizeDim, parseShapeArgs, shapesEqual } from "./shape";
import { AccumulateGrad, type GradHook, type Node } from "./autograd/node";
import { runBackward, type BackwardOptions } from "./autograd/backward";
import { INT_REQUIRES_GRAD, NON_LEAF_REQUIRES_GRAD, NON_LEAF_REQUIRES_GRAD_SHORT } from "./errors";
import { observer } from "./observer";
import { formatTensor } from "./format";
import { contiguousData, makeTensor } from "./ops/kernel";
import * as binary from "./ops/binary";
import * as unary from "./ops/unary";
import * as reduce from "./ops/reduce";
import * as shapeOps from "./ops/shapeOps";
import * as indexing from "./ops/indexing";
import * as softmaxOps from "./ops/softmax";
import * as compare from "./ops/compare";
import * as inplace from "./ops/inplace";
import { regenerateView } from "./ops/inplace";
import { matmul, mm, bmm, dot, mv } from "./ops/matmul";

let nextTensorId = 1;

/** The id the next tensor gets, and setting it back: the check's child rehearses the engine before
 *  the user's run (src/runner/engineWarmUp.ts), whose trace records tensor ids as a fresh process makes them. */
export function tensorIdCounter(): number {
  return nextTensorId;
}
export function setTensorIdCounter(next: number): void {
  nextTensorId = next;
}

type Scalar = Tensor | number;
export type NestedArray = number | boolean | NestedArray[];

// A strided view over a Storage, with PyTorch's autograd fields. Ops live in src/engine/ops; the
// methods here only forward to them so that `x.mul(2)` reads like PyTorch.
export class Tensor {
  readonly id = nextTensorId++;
  /** set by nn for parameters and buffers (qualified name), and by tools that name leaves */
  name: string | null = null;
  private _gradFnField: Node | null = null;
  /** for a differentiable view: its base's version when its history was last made (see gradFn) */
  _viewVersion = -1;
  /** the tensor this one is a view of (shares storage), if any */
  base: Tensor | null = null;
  /** a view made by a shape op (not detach): in-place changes to it must reach its base's history */
  _differentiableView = false;
  /** a view made under noGrad of a tensor that requires grad (in-place on it with grad on is an error) */
  _noGradView = false;
  /** one of several views returned together (split/chunk/unbind), or a view of one: no in-place (PyTorch) */
  _multiOutputView: { index: number; gradFn: string | null } | null = null;
  private _requiresGrad = false;
  private _accumulator: AccumulateGrad | null = null;
  private _retainsGrad = false;
  private _retainHook: ((grad: Tensor) => void) | null = null;
  private _grad: Tensor | null = null;
  /** `_grad` is memory only the engine holds: backward made it and nothing has read `.grad` since, so
   * zeroGrad(setToNone) may hand it to the buffer pool (a fresh weight-sized array each step cost
   * ~1 ms of the MLP step in allocation and page faults) */
  private _gradPrivate = false;
  /** hooks registered on a leaf, run before its gradient is accumulated */
  readonly _leafHooks: GradHook[] = [];

  constructor(
    public storage: Storage,
    public shape: number[],
    public strides: number[],
    public offset: number,
    public readonly dtype: DType,
  ) {}

  // ---- metadata ----------------------------------------------------------------------------
  dim(): number {
    return this.shape.length;
  }
  get ndim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numelOf(this.shape);
  }
  size(dim?: number): number | number[] {
    return dim === undefined ? [...this.shape] : this.shape[normalizeDim(dim, this.dim())];
  }
  /**
   * The counter in-place writes bump and saved tensors compare (PyTorch's version counter): the
   * storage's by default, shared by every view, detach() and alias of the tensor; `.data` gets its
   * own, so writing through it is not seen as modifying a saved tensor (PyTorch's documented
   * difference between .data and detach()).
   */
  _counter: { version: number } | null = null;
  get _versionCounter(): { version: number } {
    return this._counter ?? this.storage;
  }
  /** A tensor over the same memory that shares this one's version counter. */
  _sameCounterAs(other: Tensor): this {
    this._counter = other._versionCounter;
    return this;
  }
  get version(): number {
    return this._versionCounter.version;
  }
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }
  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }

  // ---- autograd fields ---------------------------------------------------------------------
  /**
   * The node that made this tensor. A view whose base was changed in place since (through the base or
   * another view) gets a fresh history from the base's, as PyTorch regenerates it (AsStridedBackward0).
   */
  get gradFn(): Node | null {
    if (this._staleView()) regenerateView(this);
    return this._gradFnField;
  }
  /** The history as recorded, without a stale view's regeneration (error messages). */
  get _recordedGradFn(): Node | null {
    return this._gradFnField;
  }
  /** A view whose base changed in place since its history was made (PyTorch compares versions too;
   * like PyTorch's grad_fn(), it skips a view with no history of a base that does not require grad). */
  private _staleView(): boolean {
    const base = this.base;
    return this._differentiableView && base !== null && base.version !== this._viewVersion &&
      (this._gradFnField !== null || base.requiresGrad);
  }
  set gradFn(node: Node | null) {
    this._gradFnField = node;
  }
  get requiresGrad(): boolean {
    const base = this._differentiableView ? this.base : null;
    if (base === null) return this._requiresGrad;
    // PyTorch's requires_grad() of a view: its own flag, or a history, or a base that requires grad
    // (now, not when the view was made); it reads them without grad_fn(), so no refusal here
    if (this._staleView() && this._multiOutputView === null && !this._noGradView) regenerateView(this);
    return this._requiresGrad || this._gradFnField !== null || base.requiresGrad;
  }
  /** The tensor's own flag (PyTorch's requires_grad_): a leaf view has an AccumulateGrad only with it. */
  get _ownRequiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(flag: boolean) {
    this.setRequiresGrad(flag, "requiresGrad");
  }
  requiresGrad_(flag = true): this {
    this.setRequiresGrad(flag, "requiresGrad_");
    return this;
  }
  private setRequiresGrad(flag: boolean, via: "requiresGrad" | "requiresGrad_"): void {
    if (!this.isLeaf) {
      // As PyTorch: requires_grad_(True) on a non-leaf is a no-op; any assignment to the property throws.
      if (!flag) throw new Error(NON_LEAF_REQUIRES_GRAD);
      if (via === "requiresGrad") throw new Error(NON_LEAF_REQUIRES_GRAD_SHORT);
      return;
    }
    if (flag && !isFloating(this.dtype)) throw new Error(INT_REQUIRES_GRAD);
    this._requiresGrad = flag;
    if (observer !== null) observer.onRequiresGradChange?.(this, flag, via);
  }
  /** The accumulated gradient. Assigning it (`p.grad = null`, PyTorch's `p.grad = None`) is reported
   * to the observer, so a check sees a hand-written gradient clear as it sees zeroGrad(). */
  get grad(): Tensor | null {
    this._gradPrivate = false; // the caller may keep it
    return this._grad;
  }
  set grad(value: Tensor | null) {
    // PyTorch's checks: a wrong-shape gradient would otherwise reach the optimizer (NaN weights)
    if (value !== null && !(value instanceof Tensor)) {
      throw new TypeError(`assigned grad expected to be a Tensor or None but got grad of type${value === undefined ? "undefined" : typeof value === "number" ? (Number.isInteger(value) ? "int" : "float") : typeof value}`);
    }
    if (value !== null && !shapesEqualLocal(value.shape, this.shape)) throw new Error("assigned grad has data of a different size");
    if (value !== null && value.dtype !== this.dtype) throw new Error("assigned grad has data of a different type");
    this._grad = value;
    this._gradPrivate = false;
    if (observer !== null) observer.onEvent?.({ kind: "grad-set", tensor: this, cleared: value === null });
  }
  /** For the engine (backward, zeroGrad): writes `.grad` without the user-assignment event.
   * `enginePrivate`: no one but this leaf holds the tensor or its memory (see _takePrivateGrad). */
  _setGradQuietly(value: Tensor | null, enginePrivate = false): void {
    this._grad = value;
    this._gradPrivate = enginePrivate && value !== null;
  }
  /** `.grad` for the engine's own reads that hand it to no one (optimizer updates, backward). */
  _peekGrad(): Tensor | null {
    return this._grad;
  }
  /** Clears `.grad`; returns the old gradient when only the engine ever held it (its memory may be reused). */
  _takePrivateGrad(): Tensor | null {
    const g = this._gradPrivate ? this._grad : null;
    this._grad = null;
    this._gradPrivate = false;
    return g;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get retainsGrad(): boolean {
    return this._retainsGrad;
  }
  /** The AccumulateGrad node of a leaf that requires grad (created once, as in PyTorch). */
  gradAccumulator(): AccumulateGrad {
    if (this._accumulator === null) this._accumulator = new AccumulateGrad(this);
    return this._accumulator;
  }
  /** For ops: makes this freshly computed tensor the output of `node`. */
  _setGradFn(node: Node | null): void {
    // retainGrad() follows the tensor to its new history after an in-place op (PyTorch 2.x)
    // (also after detach_(), as PyTorch 1.13 does); not when the hook stayed on an older node
    const old = this._gradFnField;
    if (this._retainHook !== null && node !== old) {
      const i = old === null ? -1 : old.retainGradHooks.indexOf(this._retainHook);
      if (i >= 0) old!.retainGradHooks.splice(i, 1);
      if (old === null || i >= 0) node?.retainGradHooks.push(this._retainHook);
    }
    this._gradFnField = node;
    this._requiresGrad = node !== null;
  }
  /** A base rebased through an in-place op on one of its views keeps its retainGrad() hook on its old
   * node: PyTorch's rebase_history moves hooks only for the tensor modified itself. */
  _keepRetainHookOn(old: Node | null): void {
    const hook = this._retainHook, now = this._gradFnField;
    if (hook === null || old === null || now === null || now === old) return;
    const i = now.retainGradHooks.indexOf(hook);
    if (i >= 0) now.retainGradHooks.splice(i, 1);
    if (!old.retainGradHooks.includes(hook)) old.retainGradHooks.push(hook);
  }
  /** For the engine: marks a fresh leaf as requiring grad without observer noise or checks. */
  _initRequiresGrad(flag: boolean): this {
    if (flag && !isFloating(this.dtype)) throw new Error(INT_REQUIRES_GRAD);
    this._requiresGrad = flag;
    return this;
  }

  backward(gradientOrOptions?: Tensor | BackwardOptions | null, options?: BackwardOptions): void {
    if (gradientOrOptions instanceof Tensor) runBackward(this, gradientOrOptions, options);
    else if (gradientOrOptions === null || gradientOrOptions === undefined) runBackward(this, null, options);
    else runBackward(this, null, gradientOrOptions);
  }

  /** Keeps `.grad` for a non-leaf after backward (a no-op on leaves). As in PyTorch 2.x it sees the
   * gradient after every hook registered with registerHook, whatever the order of registration. */
  retainGrad(): void {
    if (!this.requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.isLeaf || this._retainsGrad) return;
    this._retainsGrad = true;
    this._retainHook = (g) => {
      this._grad = this._grad === null ? g.clone() : binary.add(this._grad, g);
    };
    this.gradFn!.retainGradHooks.push(this._retainHook);
  }

  /** Registers a hook called with this tensor's gradient; it may return a replacement. Returns a handle. */
  registerHook(hook: GradHook): { remove(): void } {
    if (!this.requiresGrad) throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    const list = this.isLeaf ? this._leafHooks : this.gradFn!.preHooks;
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  /**
   * PyTorch's `.data`: reading gives a tensor that shares storage but is outside autograd (unlike
   * detach(), not a cut the tracer reports: `p.data.add_(p.grad, { alpha: -lr })` is an update);
   * assigning replaces this tensor's values, shape and dtype in place, keeping its identity.
   */
  get data(): Tensor {
    const out = new Tensor(this.storage, [...this.shape], [...this.strides], this.offset, this.dtype);
    // not a view of this tensor (PyTorch: p.data._base is None): an in-place op on a view of it, as
    // p.data.narrow(…).mul_(…), must not be refused as writing into a leaf that requires grad
    out.base = null;
    out._counter = { version: 0 };
    return out;
  }
  set data(src: Tensor) {
    const values = allocate(src.dtype, src.numel());
    values.set(contiguousData(src));
    const self = this as unknown as { storage: Storage; shape: number[]; strides: number[]; offset: number; dtype: DType };
    this._counter = this._versionCounter; // new memory, the same version counter (PyTorch's set_data)
    self.storage = new Storage(values);
    self.shape = [...src.shape];
    self.strides = contiguousStrides(src.shape);
    self.offset = 0;
    self.dtype = src.dtype;
    if (observer !== null) observer.onEvent?.({ kind: "data-set", tensor: this, source: src });
  }

  /** A new tensor sharing storage, cut from the graph. */
  detach(): Tensor {
    const out = new Tensor(this.storage, [...this.shape], [...this.strides], this.offset, this.dtype)._sameCounterAs(this);
    // shares storage but is not a differentiable view: views of it have it as their base (PyTorch)
    out.base = null;
    if (observer !== null) observer.onDetach?.(this, out, false);
    return out;
  }
  /** Cuts this tensor from the graph in place: it becomes a leaf that does not require grad. */
  detach_(): this {
    if (this._differentiableView) {
      throw new Error(
        "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.",
      );
    }
    this.gradFn = null;
    this._requiresGrad = false;
    if (observer !== null) observer.onDetach?.(this, this, true);
    return this;
  }

  // ---- data access -------------------------------------------------------------------------
  /** The elements in row-major order (a copy when the tensor is a non-contiguous view). */
  dataSync(): TypedArray {
    return contiguousData(this);
  }
  item(): number {
    if (this.numel() !== 1) {
      throw new Error(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    const v = this.storage.data[this.offset];
    return this.dtype === "bool" ? Number(v !== 0) : v;
  }
  tolist(): NestedArray {
    const data = contiguousData(this);
    const asValue = (v: number): number | boolean => (this.dtype === "bool" ? v !== 0 : v);
    if (this.shape.length === 0) return asValue(data[0]) as NestedArray;
    const build = (dim: number, start: number): NestedArray[] => {
      const size = this.shape[dim];
      const step = numelOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < size; i++) {
        out.push(dim === this.shape.length - 1 ? (asValue(data[start + i]) as NestedArray) : build(dim + 1, start + i * step));
      }
      return out;
    };
    return build(0, 0);
  }
  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- conversions -------------------------------------------------------------------------
  to(dtype: DType): Tensor {
    return unary.toDtype(this, dtype);
  }
  float(): Tensor {
    return this.to("float32");
  }
  double(): Tensor {
    return this.to("float64");
  }
  long(): Tensor {
    return this.to("int64");
  }
  clone(): Tensor {
    return shapeOps.clone(this);
  }
  contiguous(): Tensor {
    return this.isContiguous() ? this : shapeOps.clone(this);
  }

  // ---- elementwise -------------------------------------------------------------------------
  add(other: Scalar, options?: { alpha?: number }): Tensor {
    return binary.add(this, other, options?.alpha);
  }
  sub(other: Scalar, options?: { alpha?: number }): Tensor {
    return binary.sub(this, other, options?.alpha);
  }
  mul(other: Scalar): Tensor {
    return binary.mul(this, other);
  }
  div(other: Scalar): Tensor {
    return binary.div(this, other);
  }
  pow(exponent: Scalar): Tensor {
    return binary.pow(this, exponent);
  }
  maximum(other: Tensor): Tensor {
    return binary.maximum(this, other);
  }
  minimum(other: Tensor): Tensor {
    return binary.minimum(this, other);
  }
  where(condition: Tensor, other: Scalar): Tensor {
    return binary.where(condition, this, other);
  }
  neg(): Tensor {
    return binary.neg(this);
  }
  square(): Tensor {
    return binary.square(this);
  }
  exp(): Tensor {
    return unary.exp(this);
  }
  log1p(): Tensor {
    return unary.log1p(this);
  }
  rsqrt(): Tensor {
    return unary.rsqrt(this);
  }
  sin(): Tensor {
    return unary.sin(this);
  }
  cos(): Tensor {
    return unary.cos(this);
  }
  sign(): Tensor {
    return unary.sign(this);
  }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor {
    return binary.maskedFill(this, mask, value);
  }
  log(): Tensor {
    return unary.log(this);
  }
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  abs(): Tensor {
    return unary.abs(this);
  }
  tanh(): Tensor {
    return unary.tanh(this);
  }
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  relu(): Tensor {
    return unary.relu(this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return unary.leakyRelu(this, negativeSlope);
  }
  gelu(approximate: "none" | "tanh" = "none"): Tensor {
    return unary.gelu(this, approximate);
  }
  clamp(min: number | null = null, max: number | null = null): Tensor {
    return unary.clamp(this, min, max);
  }

  // ---- matmul ------------------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return dot(this, other);
  }
  mv(vec: Tensor): Tensor {
    return mv(this, vec);
  }

  // ---- reductions --------------------------------------------------------------------------
  sum(dim?: number | number[] | null, keepdim = false): Tensor {
    return reduce.sum(this, dim, keepdim);
  }
  mean(dim?: number | number[] | null, keepdim = false): Tensor {
    return reduce.mean(this, dim, keepdim);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? reduce.maxAll(this, "max") : reduce.maxDim(this, dim, keepdim, "max");
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? reduce.maxAll(this, "min") : reduce.maxDim(this, dim, keepdim, "min");
  }
  amax(dim: number | number[] = [], keepdim = false): Tensor {
    return reduce.amax(this, dim, keepdim, "max");
  }
  amin(dim: number | number[] = [], keepdim = false): Tensor {
    return reduce.amax(this, dim, keepdim, "min");
  }
  var(dim?: number | number[] | null, options?: { unbiased?: boolean; correction?: number; keepdim?: boolean }): Tensor {
    return reduce.variance(this, dim, options, false);
  }
  std(dim?: number | number[] | null, options?: { unbiased?: boolean; correction?: number; keepdim?: boolean }): Tensor {
    return reduce.variance(this, dim, options, true);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return reduce.argmax(this, dim, keepdim, "max");
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return reduce.argmax(this, dim, keepdim, "min");
  }

  // ---- shape -------------------------------------------------------------------------------
  reshape(...shape: Array<number | number[]>): Tensor {
    return shapeOps.reshape(this, parseShapeArgs(shape));
  }
  view(...shape: Array<number | number[]>): Tensor {
    return shapeOps.view(this, parseShapeArgs(shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return shapeOps.flatten(this, startDim, endDim);
  }
  squeeze(dim?: number): Tensor {
    return shapeOps.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return shapeOps.unsqueeze(this, dim);
  }
  expand(...shape: Array<number | number[]>): Tensor {
    return shapeOps.expand(this, parseShapeArgs(shape));
  }
  expandAs(other: Tensor): Tensor {
    return shapeOps.expand(this, other.shape);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return shapeOps.transpose(this, dim0, dim1);
  }
  permute(...dims: Array<number | number[]>): Tensor {
    return shapeOps.permute(this, parseShapeArgs(dims));
  }
  /** x.t(): the transpose of a tensor of at most 2 dims (TBackward0). */
  t(): Tensor {
    return shapeOps.t(this);
  }
  get T(): Tensor {
    return shapeOps.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return shapeOps.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return shapeOps.select(this, dim, index);
  }
  /** `x.slice(dim, start, end)`: like `x[:, start:end]` in PyTorch (no step). */
  slice(dim: number, start = 0, end?: number): Tensor {
    return shapeOps.slice(this, dim, start, end);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return indexing.indexSelect(this, dim, index);
  }
  gather(dim: number, index: Tensor): Tensor {
    return indexing.gather(this, dim, index);
  }
  unbind(dim = 0): Tensor[] {
    return indexing.unbind(this, dim);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return indexing.scatterAdd(this, dim, index, src);
  }
  split(splitSize: number | number[], dim = 0): Tensor[] {
    return indexing.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return indexing.chunk(this, chunks, dim);
  }
  softmax(dim: number): Tensor {
    return softmaxOps.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return softmaxOps.logSoftmax(this, dim);
  }

  // ---- comparisons (no gradient) -----------------------------------------------------------
  eq(other: Scalar): Tensor {
    return compare.compare(this, other, "eq");
  }
  ne(other: Scalar): Tensor {
    return compare.compare(this, other, "ne");
  }
  gt(other: Scalar): Tensor {
    return compare.compare(this, other, "gt");
  }
  lt(other: Scalar): Tensor {
    return compare.compare(this, other, "lt");
  }
  ge(other: Scalar): Tensor {
    return compare.compare(this, other, "ge");
  }
  le(other: Scalar): Tensor {
    return compare.compare(this, other, "le");
  }

  // ---- in place ----------------------------------------------------------------------------
  add_(other: Scalar, options?: { alpha?: number }): this {
    return inplace.applyInPlace(this, "add_", (self) => binary.add(self, other, options?.alpha));
  }
  sub_(other: Scalar, options?: { alpha?: number }): this {
    return inplace.applyInPlace(this, "sub_", (self) => binary.sub(self, other, options?.alpha));
  }
  mul_(other: Scalar): this {
    return inplace.applyInPlace(this, "mul_", (self) => binary.mul(self, other));
  }
  div_(other: Scalar): this {
    return inplace.applyInPlace(this, "div_", (self) => binary.div(self, other));
  }
  pow_(exponent: Scalar): this {
    return inplace.applyInPlace(this, "pow_", (self) => binary.pow(self, exponent));
  }
  clamp_(min: number | null = null, max: number | null = null): this {
    return inplace.applyInPlace(this, "clamp_", (self) => unary.clamp(self, min, max));
  }
  relu_(): this {
    return inplace.applyInPlace(this, "relu_", (self) => unary.relu(self));
  }
  neg_(): this {
    return inplace.applyInPlace(this, "neg_", (self) => binary.neg(self));
  }
  sqrt_(): this {
    return inplace.applyInPlace(this, "sqrt_", (self) => unary.sqrt(self));
  }
  copy_(src: Tensor): this {
    const same = src.storage === this.storage && src.offset === this.offset && shapesEqual(src.shape, this.shape) &&
      shapesEqual(src.strides, this.strides);
    return inplace.applyInPlace(this, "copy_", (self) => inplace.copyFrom(self, src), same);
  }
  maskedFill_(mask: Tensor, value: number): this {
    return inplace.applyInPlace(this, "maskedFill_", (self) => binary.maskedFill(self, mask, value));
  }
  fill_(value: number): this {
    return inplace.fillInPlace(this, "fill_", () => value);
  }
  zero_(): this {
    return inplace.fillInPlace(this, "zero_", () => 0);
  }
  /** Fills with U(low, high) from the seeded generator; records no graph. */
  uniform_(low = 0, high = 1): this {
    return inplace.fillInPlace(this, "uniform_", inplace.uniformSampler(low, high));
  }
  /** Fills with N(mean, std²) from the seeded generator; records no graph. */
  normal_(mean = 0, std = 1): this {
    return inplace.fillInPlace(this, "normal_", inplace.normalSampler(mean, std));
  }

  /** Raw in-place add of a same-shaped tensor's values, no autograd bookkeeping (gradient accumulation). */
  _addInPlaceRaw(other: Tensor): void {
    inplace.addRaw(this, other);
  }

  static fromArray(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return makeTensor(data, shape, dtype);
  }
}

export function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

function shapesEqualLocal(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
