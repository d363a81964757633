import type { Tensor } from "../tensor";
import { allocate, promote } from "../dtype";
import { formatShape, normalizeDim, numelOf } from "../shape";
import { record } from "../autograd/record";
import { contiguousData, makeTensor } from "./kernel";
import { narrow, select, selectView, sliceView } from "./shapeOps";
import { registerOp } from "./registry";

// Index-based ops and joining/splitting.

function checkIndex(index: Tensor, op: string): void {
  if (index.dtype !== "int64") throw new Error(`${op}(): Expected dtype int64 for index`);
}

registerOp({ name: "indexSelect", gradFns: ["IndexSelectBackward0"] });
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, "index_select");
  const d = normalizeDim(dim, x.dim());
  const idx = contiguousData(index);
  const size = x.shape[d];
  for (const i of idx) if (i < 0 || i >= size) throw new Error(`index out of range in self (index ${i}, size ${size})`);
  const outer = numelOf(x.shape.slice(0, d)), inner = numelOf(x.shape.slice(d + 1));
  const src = contiguousData(x);
  const shape = [...x.shape];
  shape[d] = idx.length;
  const out = allocate(x.dtype, numelOf(shape));
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < idx.length; k++) {
      const from = (o * size + idx[k]) * inner, to = (o * idx.length + k) * inner;
      for (let i = 0; i < inner; i++) out[to + i] = src[from + i];
    }
  const from = [...x.shape];
  return record("indexSelect", "IndexSelectBackward0", [x], makeTensor(out, shape, x.dtype), (g, node) => {
    const ix = contiguousData(node.saved(0));
    const gd = contiguousData(g);
    const res = allocate(g.dtype, numelOf(from));
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < ix.length; k++) {
        const to = (o * size + ix[k]) * inner, fromAt = (o * ix.length + k) * inner;
        for (let i = 0; i < inner; i++) res[to + i] += gd[fromAt + i];
      }
    return [makeTensor(res, from, g.dtype)];
  }, { saved: [index] });
}

registerOp({ name: "gather", gradFns: ["GatherBackward0"] });
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndex(index, "gather");
  const d = normalizeDim(dim, x.dim());
  if (index.dim() !== x.dim()) throw new Error("Index tensor must have the same number of dimensions as input tensor");
  const positions = gatherPositions(x.shape, d, index);
  const src = contiguousData(x);
  const out = allocate(x.dtype, positions.length);
  for (let i = 0; i < positions.length; i++) out[i] = src[positions[i]];
  const from = [...x.shape];
  return record("gather", "GatherBackward0", [x], makeTensor(out, index.shape, x.dtype), (g) => {
    const gd = contiguousData(g);
    const res = allocate(g.dtype, numelOf(from));
    for (let i = 0; i < positions.length; i++) res[positions[i]] += gd[i];
    return [makeTensor(res, from, g.dtype)];
  }, { saved: [index] });
}

/** For each element of `index` (row-major), the flat position in a contiguous tensor of `shape` it reads. */
function gatherPositions(shape: number[], d: number, index: Tensor): Int32Array {
  const idx = contiguousData(index);
  const ishape = index.shape;
  const strides = shape.map((_, i) => numelOf(shape.slice(i + 1)));
  const out = new Int32Array(idx.length);
  const coord = new Array<number>(ishape.length).fill(0);
  for (let n = 0; n < idx.length; n++) {
    let pos = 0;
    for (let k = 0; k < ishape.length; k++) {
      const c = k === d ? idx[n] : coord[k];
      if (k === d && (c < 0 || c >= shape[d])) throw new Error(`index ${c} is out of bounds for dimension ${d} with size ${shape[d]}`);
      if (k !== d && c >= shape[k]) throw new Error(`Size does not match at dimension ${k} expected index ${formatShape(ishape)} to be smaller than self ${formatShape(shape)} apart from dimension ${d}`);
      pos += c * strides[k];
    }
    out[n] = pos;
    for (let k = ishape.length - 1; k >= 0; k--) {
      if (++coord[k] < ishape[k]) break;
      coord[k] = 0;
    }
  }
  return out;
}

registerOp({ name: "cat", gradFns: ["CatBackward0"] });
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("torch.cat(): expected a non-empty list of Tensors");
  const ref = tensors[0];
  const d = normalizeDim(dim, ref.dim());
  const dtype = tensors.reduce((acc, t) => promote(acc, t.dtype), ref.dtype);
  tensors.forEach((t, n) => {
    if (t.dim() !== ref.dim()) {
      throw new Error(
        `Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()} (cat: shapes ${formatShape(ref.shape)} and ${formatShape(t.shape)} for tensor number ${n})`,
      );
    }
    const bad = t.shape.findIndex((s, i) => i !== d && s !== ref.shape[i]);
    if (bad >= 0) {
      throw new Error(
        `Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[bad]} but got size ${t.shape[bad]} for tensor number ${n} in the list. (cat: shapes ${formatShape(ref.shape)} and ${formatShape(t.shape)})`,
      );
    }
  });
  const sizes = tensors.map((t) => t.shape[d]);
  const shape = [...ref.shape];
  shape[d] = sizes.reduce((a, b) => a + b, 0);
  const outer = numelOf(ref.shape.slice(0, d)), inner = numelOf(ref.shape.slice(d + 1));
  const out = allocate(dtype, numelOf(shape));
  let at = 0;
  for (const t of tensors) {
    const src = contiguousData(t);
    const run = t.shape[d] * inner;
    for (let o = 0; o < outer; o++) {
      const to = o * shape[d] * inner + at * inner;
      for (let i = 0; i < run; i++) out[to + i] = src[o * run + i];
    }
    at += t.shape[d];
  }
  return record("cat", "CatBackward0", tensors, makeTensor(out, shape, dtype), (g, node) => {
    let start = 0;
    return sizes.map((s, i) => {
      const part = node.needsInputGrad[i] ? narrow(g, d, start, s) : null;
      start += s;
      return part;
    });
  });
}

registerOp({ name: "stack", gradFns: ["StackBackward0"] });
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error("stack expects a non-empty TensorList");
  const ref = tensors[0];
  tensors.forEach((t, n) => {
    if (t.dim() !== ref.dim() || t.shape.some((s, i) => s !== ref.shape[i])) {
      throw new Error(`stack expects each tensor to be equal size, but got ${formatShape(ref.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${n}`);
    }
  });
  const d = normalizeDim(dim, ref.dim() + 1);
  // built as cat of unsqueezed views, but recorded as one StackBackward0 node
  const joined = joinRaw(tensors.map((t) => unsqueezeRaw(t, d)), d);
  return record("stack", "StackBackward0", tensors, joined, (g, node) =>
    tensors.map((_, i) => (node.needsInputGrad[i] ? select(g, d, i) : null)),
  );
}

function unsqueezeRaw(t: Tensor, d: number): Tensor {
  const shape = [...t.shape];
  shape.splice(d, 0, 1);
  return makeTensor(contiguousData(t), shape, t.dtype);
}

function joinRaw(parts: Tensor[], d: number): Tensor {
  const dtype = parts.reduce((acc, t) => promote(acc, t.dtype), parts[0].dtype);
  const shape = [...parts[0].shape];
  shape[d] = parts.length;
  const outer = numelOf(shape.slice(0, d)), inner = numelOf(shape.slice(d + 1));
  const out = allocate(dtype, numelOf(shape));
  parts.forEach((p, k) => {
    const src = contiguousData(p);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[(o * parts.length + k) * inner + i] = src[o * inner + i];
  });
  return makeTensor(out, shape, dtype);
}

registerOp({ name: "split", gradFns: ["SplitBackward0", "SplitWithSizesBackward0"] });
export function split(x: Tensor, splitSize: number | number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  let sizes: number[];
  if (Array.isArray(splitSize)) {
    if (splitSize.reduce((a, b) => a + b, 0) !== size) {
      throw new Error(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=${formatShape(splitSize)}`);
    }
    sizes = splitSize;
  } else {
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
    if (sizes.length === 0) sizes.push(0);
  }
  let start = 0;
  const name = Array.isArray(splitSize) ? "SplitWithSizesBackward0" : "SplitBackward0";
  return sizes.map((s) => {
    const part = sliceView(x, d, start, start + s, "split", name);
    start += s;
    return part;
  });
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!(chunks > 0)) throw new Error("chunk expects `chunks` to be greater than 0, got: " + chunks);
  const d = normalizeDim(dim, x.dim());
  return split(x, Math.ceil(x.shape[d] / chunks), d);
}

registerOp({ name: "unbind", gradFns: ["UnbindBackward0"] });
/** x.unbind(dim): the slices along dim, as views (each recorded as an UnbindBackward0 node). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.dim());
  return Array.from({ length: x.shape[d] }, (_, i) => selectView(x, d, i, "unbind", "UnbindBackward0"));
}

registerOp({ name: "scatterAdd", gradFns: ["ScatterAddBackward0"] });
/** self.scatter_add(dim, index, src): a copy of self with src[i] added at index[i] along dim (out of place). */
export function scatterAdd(self: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndex(index, "scatter_add");
  const d = normalizeDim(dim, self.dim());
  if (index.dim() !== self.dim() || src.dim() !== self.dim()) {
    throw new Error("Index tensor must have the same number of dimensions as self tensor");
  }
  if (index.shape.some((s, i) => s > src.shape[i])) {
    throw new Error(`Expected index ${formatShape(index.shape)} to be smaller than src ${formatShape(src.shape)} in every dimension`);
  }
  const positions = gatherPositions(self.shape, d, index);
  const srcPositions = positionsIn(src.shape, index.shape);
  const dtype = promote(self.dtype, src.dtype);
  const out = allocate(dtype, self.numel());
  out.set(contiguousData(self));
  const sd = contiguousData(src);
  for (let n = 0; n < positions.length; n++) out[positions[n]] += sd[srcPositions[n]];
  const srcShape = [...src.shape];
  return record("scatterAdd", "ScatterAddBackward0", [self, src], makeTensor(out, self.shape, dtype), (g, node) => {
    let gradSrc: Tensor | null = null;
    if (node.needsInputGrad[1]) {
      const gd = contiguousData(g);
      const res = allocate(g.dtype, numelOf(srcShape));
      for (let n = 0; n < positions.length; n++) res[srcPositions[n]] = gd[positions[n]];
      gradSrc = makeTensor(res, srcShape, g.dtype);
    }
    return [node.needsInputGrad[0] ? g : null, gradSrc];
  }, { saved: [index] });
}

/** Flat positions in a contiguous tensor of `shape` of every coordinate of `sub` (row-major), sub <= shape. */
function positionsIn(shape: number[], sub: number[]): Int32Array {
  const n = numelOf(sub);
  const out = new Int32Array(n);
  const strides = shape.map((_, i) => numelOf(shape.slice(i + 1)));
  const coord = new Array<number>(sub.length).fill(0);
  for (let k = 0; k < n; k++) {
    let pos = 0;
    for (let i = 0; i < sub.length; i++) pos += coord[i] * strides[i];
    out[k] = pos;
    for (let i = sub.length - 1; i >= 0; i--) {
      if (++coord[i] < sub[i]) break;
      coord[i] = 0;
    }
  }
  return out;
}
