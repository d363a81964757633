import { Tensor } from "../tensor";
import { allocate } from "../dtype";
import { contiguousStrides, formatShape, normalizeDim, numelOf, shapesEqual } from "../shape";
import { record } from "../autograd/record";
import { contiguousData, makeTensor, scatterStrided } from "./kernel";
import { unbroadcast } from "./broadcast";
import { registerOp } from "./registry";
import { isGradEnabled } from "../gradMode";
import { stridedScatter } from "./strided";

// Shape ops. Views share storage with their base (as in PyTorch); each backward maps the gradient
// back to the input's shape.

function viewOf(x: Tensor, shape: number[], strides: number[], offset = x.offset): Tensor {
  const out = new Tensor(x.storage, shape, strides, offset, x.dtype)._sameCounterAs(x);
  out.base = x.base ?? x;
  out._differentiableView = true;
  out._viewVersion = x.version;
  // a view of a split/unbind output is refused in-place too; PyTorch names the view's own node
  out._multiOutputView = x._multiOutputView === null ? null : { index: 0, gradFn: null };
  // PyTorch's CreationMeta::NO_GRAD_MODE: such a view is a leaf that requires grad while its base does,
  // and an in-place op on it (or on its base, then reading it) with grad mode on is an error
  if (!isGradEnabled()) out._noGradView = true;
  return out;
}

function inferShape(shape: number[], numel: number, op: string, from: readonly number[]): number[] {
  const invalid = () => new Error(`shape '${formatShape(shape)}' is invalid for input of size ${numel} (${op}: input shape ${formatShape(from)})`);
  const free = shape.indexOf(-1);
  if (shape.indexOf(-1, free + 1) > free && free >= 0) throw new Error("only one dimension can be inferred");
  if (free >= 0) {
    const known = numelOf(shape.filter((_, i) => i !== free));
    if (known === 0 || numel % known !== 0) throw invalid();
    shape = shape.map((s, i) => (i === free ? numel / known : s));
  }
  if (numelOf(shape) !== numel) throw invalid();
  return shape;
}

/**
 * Strides that let a tensor of (shape, strides) be viewed as `target` without copying, or null when
 * some target dim would span two non-mergeable runs (ATen's computeStride).
 */
function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  if (shape.length === 0) return target.map(() => 1);
  if (numelOf(shape) === 0) return contiguousStrides(target);
  const out = new Array<number>(target.length);
  let viewD = target.length - 1;
  let chunkBaseStride = strides[strides.length - 1];
  let tensorNumel = 1, viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= target[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBaseStride = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

registerOp({ name: "view", gradFns: ["ViewBackward0"] });
export function view(x: Tensor, shape: number[]): Tensor {
  const target = inferShape(shape, x.numel(), "view", x.shape);
  const strides = x.isContiguous() ? contiguousStrides(target) : viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new Error(
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (view: shape ${formatShape(x.shape)} with strides ${formatShape(x.strides)} to ${formatShape(target)})`,
    );
  }
  const out = viewOf(x, target, strides);
  const from = [...x.shape];
  return record("view", "ViewBackward0", [x], out, (g) => [reshape(g, from)]);
}

registerOp({ name: "reshape", gradFns: ["UnsafeViewBackward0"] });
export function reshape(x: Tensor, shape: number[]): Tensor {
  const target = inferShape(shape, x.numel(), "reshape", x.shape);
  if (x.isContiguous() || viewStrides(x.shape, x.strides, target) !== null) return view(x, target);
  const out = makeTensor(contiguousData(x), target, x.dtype);
  const from = [...x.shape];
  return record("reshape", "UnsafeViewBackward0", [x], out, (g) => [reshape(g, from)]);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.dim()), e = normalizeDim(endDim, x.dim());
  if (s > e) throw new Error("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return x; // PyTorch returns the input itself (no view, no node): flatten(d, d), 1-D
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

registerOp({ name: "squeeze", gradFns: ["SqueezeBackward0", "SqueezeBackward1"] });
export function squeeze(x: Tensor, dim?: number): Tensor {
  const keep = (i: number) => (dim === undefined ? x.shape[i] !== 1 : i !== normalizeDim(dim, x.dim()) || x.shape[i] !== 1);
  const idx = x.shape.map((_, i) => i).filter(keep);
  const out = viewOf(x, idx.map((i) => x.shape[i]), idx.map((i) => x.strides[i]));
  const from = [...x.shape];
  return record("squeeze", dim === undefined ? "SqueezeBackward0" : "SqueezeBackward1", [x], out, (g) => [reshape(g, from)]);
}

registerOp({ name: "unsqueeze", gradFns: ["UnsqueezeBackward0"] });
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim() + 1);
  const shape = [...x.shape], strides = [...x.strides];
  const stride = d < x.dim() ? x.strides[d] * x.shape[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  const out = viewOf(x, shape, strides);
  return record("unsqueeze", "UnsqueezeBackward0", [x], out, (g) => [squeeze(g, d)]);
}

registerOp({ name: "expand", gradFns: ["ExpandBackward0"] });
export function expand(x: Tensor, shape: number[]): Tensor {
  const lead = shape.length - x.dim();
  if (lead < 0) {
    throw new Error(
      `expand(torch.FloatTensor{${formatShape(x.shape)}}, size=${formatShape(shape)}): the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`,
    );
  }
  shape.forEach((s, i) => {
    if (!Number.isInteger(s)) throw new TypeError(`expand(): argument 'size' must be tuple of ints, but found element of type float at pos ${i}`);
    if (s === -1 && i < lead) throw new Error(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
    if (s < 0 && s !== -1) throw new Error(`The expanded size of the tensor (${s}) must match the existing size (${i < lead ? 1 : x.shape[i - lead]}) at non-singleton dimension ${i}.  Target sizes: ${formatShape(shape)}.  Tensor sizes: ${formatShape(x.shape)}`);
  });
  const target = shape.map((s, i) => (s === -1 ? x.shape[i - lead] : s));
  const strides = target.map((s, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead];
    if (own === s) return x.strides[i - lead];
    if (own !== 1) {
      throw new Error(
        `The expanded size of the tensor (${s}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: ${formatShape(target)}.  Tensor sizes: ${formatShape(x.shape)}`,
      );
    }
    return 0;
  });
  const out = viewOf(x, target, strides); // a new view even for the same shape, as PyTorch
  const from = [...x.shape];
  return record("expand", "ExpandBackward0", [x], out, (g) => [unbroadcast(g, from)]);
}

registerOp({ name: "transpose", gradFns: ["TransposeBackward0"] });
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.dim()), b = normalizeDim(dim1, x.dim());
  if (x.dim() === 0) return record("transpose", "TransposeBackward0", [x], viewOf(x, [], []), (g) => [g]);
  const shape = [...x.shape], strides = [...x.strides];
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  const out = viewOf(x, shape, strides);
  return record("transpose", "TransposeBackward0", [x], out, (g) => [transpose(g, a, b)]);
}

registerOp({ name: "t", gradFns: ["TBackward0"] });
/** x.t(): transposes a 2-D tensor, returns 0-D and 1-D tensors as views of themselves (TBackward0). */
export function t(x: Tensor): Tensor {
  if (x.dim() > 2) throw new Error(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  const shape = [...x.shape].reverse(), strides = [...x.strides].reverse();
  const out = viewOf(x, shape, strides);
  return record("t", "TBackward0", [x], out, (g) => [t(g)]);
}

registerOp({ name: "permute", gradFns: ["PermuteBackward0"] });
export function permute(x: Tensor, dims: number[]): Tensor {
  if (dims.length !== x.dim()) {
    throw new Error(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.dim()} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const d = dims.map((v) => normalizeDim(v, x.dim()));
  if (new Set(d).size !== d.length) throw new Error("permute(): duplicate dims are not allowed.");
  const out = viewOf(x, d.map((i) => x.shape[i]), d.map((i) => x.strides[i]));
  const inverse = new Array<number>(d.length);
  d.forEach((p, i) => (inverse[p] = i));
  return record("permute", "PermuteBackward0", [x], out, (g) => [permute(g, inverse)]);
}

registerOp({ name: "narrow", gradFns: ["SliceBackward0"] });
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.dim() === 0) throw new Error("narrow() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || s + length > size || length < 0) {
    throw new Error(`start (${start}) + length (${length}) exceeds dimension size (${size}).`);
  }
  return sliceView(x, d, s, s + length, "narrow");
}

registerOp({ name: "slice", gradFns: ["SliceBackward0"] });
export function slice(x: Tensor, dim: number, start = 0, end?: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIndex(start), e = Math.max(s, clampIndex(end ?? size));
  return sliceView(x, d, s, e, "slice");
}

/** A view of [s, e) along dim d; `gradFnName` lets split/chunk name their nodes as PyTorch does. */
export function sliceView(x: Tensor, d: number, s: number, e: number, op: string, gradFnName = "SliceBackward0"): Tensor {
  const shape = [...x.shape];
  shape[d] = e - s;
  const out = viewOf(x, shape, [...x.strides], x.offset + s * x.strides[d]);
  const from = [...x.shape];
  return record(op, gradFnName, [x], out, (g) => [embed(g, from, d, s, "SliceBackwardBackward0")]);
}

registerOp({ name: "select", gradFns: ["SelectBackward0"] });
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (!Number.isInteger(dim) || !Number.isInteger(index)) {
    const kind = (v: number) => (Number.isInteger(v) ? "int" : typeof v === "number" ? "float" : typeof v);
    throw new TypeError(`select() received an invalid combination of arguments - got (${kind(dim)}, ${kind(index)}), but expected one of:\n * (int dim, int index)`);
  }
  if (x.dim() === 0) throw new Error("select() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  if (index < -size || index >= size) {
    throw new Error(`select(): index ${index} out of range for tensor of size ${formatShape(x.shape)} at dimension ${d}`);
  }
  return selectView(x, d, index < 0 ? index + size : index, "select", "SelectBackward0");
}

/** The view at position i along dim d (dims already checked); unbind reuses it with its own node name. */
export function selectView(x: Tensor, d: number, i: number, op: string, gradFnName: string): Tensor {
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.strides.filter((_, k) => k !== d);
  const out = viewOf(x, shape, strides, x.offset + i * x.strides[d]);
  const from = [...x.shape];
  return record(op, gradFnName, [x], out, (g) => [embed(unsqueeze(g, d), from, d, i, "SelectBackwardBackward0")]);
}

/** Zeros of `shape` with `g` written at positions [start, start + g.shape[d]) along dim d (differentiable). */
function embed(g: Tensor, shape: number[], d: number, start: number, gradFn: "SliceBackwardBackward0" | "SelectBackwardBackward0"): Tensor {
  const strides = contiguousStrides(shape);
  return stridedScatter(g, shape, { shape: [...g.shape], strides, offset: start * strides[d] }, gradFn);
}

registerOp({ name: "clone", gradFns: ["CloneBackward0"] });
export function clone(x: Tensor): Tensor {
  const src = contiguousData(x);
  const out = makeTensor(src === x.storage.data || x.isContiguous() ? src.slice() : src, x.shape, x.dtype);
  return record("clone", "CloneBackward0", [x], out, (g) => [g]);
}
