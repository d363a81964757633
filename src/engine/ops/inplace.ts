import { Tensor } from "../tensor";
import { isGradEnabled } from "../gradMode";
import { LEAF_INPLACE, VIEW_OF_LEAF_INPLACE } from "../errors";
import { observer } from "../observer";
import { shapesEqual, formatShape, numelOf } from "../shape";
import { allocate } from "../dtype";
import { record } from "../autograd/record";
import { contiguousData, scatterStrided } from "./kernel";
import { expandRaw } from "./elementwise";
import { unbroadcast } from "./broadcast";
import { mul } from "./binary";
import { randomNormal, randomUniform } from "../random";
import { registerOp } from "./registry";

// In-place ops compute out of place, then write the result into the tensor's own storage and bump its
// version (so autograd notices saved tensors that changed). When a graph is recorded, the op reads a
// snapshot of the old values carrying the old gradFn, and the tensor takes the new node as its gradFn.

registerOp({ name: "copySlices", gradFns: ["CopySlices"] });
registerOp({ name: "asStrided", gradFns: ["AsStridedBackward0"] });
registerOp({ name: "copy_", gradFns: ["CopyBackwards"] });
registerOp({ name: "fill_", gradFns: ["FillBackward2"] });
registerOp({ name: "zero_", gradFns: ["ZeroBackward0"] });
registerOp({ name: "uniform_", gradFns: ["UniformBackward0"] });
registerOp({ name: "normal_", gradFns: ["NormalBackward0"] });

function checkLeaf(t: Tensor): void {
  if (!isGradEnabled() || !t.requiresGrad) return;
  if (t.isLeaf) throw new Error(LEAF_INPLACE);
  const base = t.base;
  if (t._differentiableView && base !== null && base.isLeaf && base.requiresGrad) throw new Error(VIEW_OF_LEAF_INPLACE);
}

function writeInto(t: Tensor, values: Tensor): void {
  if (!shapesEqual(values.shape, t.shape)) {
    throw new Error(`output with shape ${formatShape(t.shape)} doesn't match the broadcast shape ${formatShape(values.shape)}`);
  }
  scatterStrided(contiguousData(values), t.storage.data, t.offset, t.shape, t.strides);
  t.storage.version++;
}

function snapshot(t: Tensor): Tensor {
  const copy = Tensor.fromArray(contiguousData(t).slice(), t.shape, t.dtype);
  copy.gradFn = t.gradFn;
  copy._initRequiresGrad(t.requiresGrad);
  return copy;
}

export function applyInPlace<T extends Tensor>(t: T, op: string, compute: (self: Tensor) => Tensor): T {
  checkLeaf(t);
  const recording = isGradEnabled();
  const result = compute(recording ? snapshot(t) : t);
  if (result.dtype !== t.dtype && !(t.isFloatingPoint() || !result.isFloatingPoint())) {
    throw new Error(`result type ${result.dtype} can't be cast to the desired output type ${t.dtype}`);
  }
  writeInto(t, result);
  if (result.gradFn !== null) rebaseHistory(t, result);
  if (observer !== null) observer.onInplace?.(t, op);
  return t;
}

/**
 * Makes `result` (the recorded op on the old values) the history of `t`. When t is a view of a graph
 * tensor, its base takes a CopySlices node (gradient outside the view goes to the base's old history,
 * inside it through the op) and t becomes a view of the new base, as PyTorch does.
 */
function rebaseHistory(t: Tensor, result: Tensor): void {
  const base = t.base;
  if (!t._differentiableView || base === null) {
    t._setGradFn(result.gradFn);
    return;
  }
  if (!base.isContiguous()) throw new Error("in-place operation on a view of a non-contiguous tensor is not supported");
  const geometry = { shape: [...t.shape], strides: [...t.strides], offset: t.offset - base.offset };
  const oldBase = new Tensor(base.storage, base.shape, base.strides, base.offset, base.dtype);
  oldBase.gradFn = base.gradFn;
  if (base.isLeaf) oldBase._initRequiresGrad(base.requiresGrad);
  else oldBase._setGradFn(base.gradFn);
  const baseShape = [...base.shape];
  record("copySlices", "CopySlices", [oldBase, result], base, (g, node) => {
    const outside = Tensor.fromArray(contiguousData(g).slice(), baseShape, g.dtype);
    const region = regionOf(outside, geometry);
    const inside = Tensor.fromArray(contiguousData(region).slice(), geometry.shape, g.dtype);
    scatterStrided(allocate(g.dtype, inside.numel()), outside.storage.data, geometry.offset, geometry.shape, geometry.strides);
    return [node.needsInputGrad[0] ? outside : null, node.needsInputGrad[1] ? inside : null];
  });
  record("asStrided", "AsStridedBackward0", [base], t, (g) => {
    const out = Tensor.fromArray(allocateLike(g, baseShape), baseShape, g.dtype);
    scatterStrided(contiguousData(g), out.storage.data, geometry.offset, geometry.shape, geometry.strides);
    return [out];
  });
}

function regionOf(x: Tensor, geometry: { shape: number[]; strides: number[]; offset: number }): Tensor {
  return new Tensor(x.storage, geometry.shape, geometry.strides, geometry.offset, x.dtype);
}

function allocateLike(g: Tensor, shape: number[]): Float32Array | Float64Array | Uint8Array {
  return allocate(g.dtype, numelOf(shape));
}

/** fill_/zero_/uniform_/normal_: values from `next()`, no graph (the old values no longer matter). */
export function fillInPlace<T extends Tensor>(t: T, op: string, next: () => number): T {
  checkLeaf(t);
  const values = contiguousData(t).slice();
  for (let i = 0; i < values.length; i++) values[i] = next();
  let result = Tensor.fromArray(values, t.shape, t.dtype);
  if (isGradEnabled() && t.requiresGrad) {
    // a non-leaf keeps a node whose gradient to the old values is zero (PyTorch's FillBackward0 etc.)
    result = record(op, fillNodeName[op] ?? "FillBackward0", [snapshot(t)], result, (g) => [mul(g, 0)]);
  }
  writeInto(t, result);
  if (result.gradFn !== null) rebaseHistory(t, result);
  if (observer !== null) observer.onInplace?.(t, op);
  return t;
}

const fillNodeName: Record<string, string> = {
  fill_: "FillBackward2",
  zero_: "ZeroBackward0",
  uniform_: "UniformBackward0",
  normal_: "NormalBackward0",
};

export function uniformSampler(low: number, high: number): () => number {
  return () => low + (high - low) * randomUniform();
}

export function normalSampler(mean: number, std: number): () => number {
  return () => mean + std * randomNormal();
}

/** copy_: src broadcast to self's shape and cast to its dtype; the gradient flows to src only. */
export function copyFrom(self: Tensor, src: Tensor): Tensor {
  const values = Tensor.fromArray(contiguousData(expandRaw(src, self.shape)).slice(), self.shape, self.dtype);
  const from = [...src.shape];
  return record("copy_", "CopyBackwards", [self, src], values, (g) => [null, unbroadcast(g, from)]);
}

/** Adds other's values into t (same shape), no autograd: used to accumulate `.grad`. */
export function addRaw(t: Tensor, other: Tensor): void {
  const src = contiguousData(other);
  if (t.isContiguous()) {
    const d = t.storage.data, o = t.offset;
    for (let i = 0; i < src.length; i++) d[o + i] += src[i];
  } else {
    const cur = contiguousData(t);
    for (let i = 0; i < src.length; i++) cur[i] += src[i];
    scatterStrided(cur, t.storage.data, t.offset, t.shape, t.strides);
  }
  t.storage.version++;
}
