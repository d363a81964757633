import { Tensor } from "../tensor";
import { aliasOf } from "../functional/raw";
import { allocate } from "../dtype";
import { normalizeDim, numelOf, broadcastShapes } from "../shape";
import { makeTensor, contiguousData } from "./kernel";
import { add, mul, where } from "./binary";
import { indexSelect, gather, scatterAdd } from "./indexing";
import { expand, reshape, select, slice, unsqueeze, permute } from "./shapeOps";
import { longTensor, movedim } from "./shapeExtra";
import { recordNonDifferentiable } from "../autograd/record";
import { applyInPlace } from "./inplace";

// Indexing as PyTorch users write it, composed of indexSelect / gather / scatterAdd / where so that
// gradients come from those ops: `x.index(0, ":", "1:5:2", null, "...", mask, [0, 2])` is
// `x[0, :, 1:5:2, None, ..., mask, [0, 2]]`; `x.indexPut_([mask], v)` is `x[mask] = v`.

/** One index item: an int, a slice (":", "1:5:2" or { start, stop, step }), null (new axis), "..."
 * (ellipsis), a long tensor / number array (gather), or a bool tensor (mask). */
export type IndexItem = number | string | null | { start?: number | null; stop?: number | null; step?: number | null } | Tensor | number[] | boolean[];

interface SliceSpec { start: number | null; stop: number | null; step: number }

function parseSlice(item: string | { start?: number | null; stop?: number | null; step?: number | null }): SliceSpec {
  if (typeof item === "object") return { start: item.start ?? null, stop: item.stop ?? null, step: item.step ?? 1 };
  const parts = item.split(":").map((s) => s.trim());
  if (parts.length < 2 || parts.length > 3) throw new TypeError(`index: '${item}' is not a slice (write ":", "1:3" or "::2")`);
  const num = (s: string | undefined): number | null => {
    if (s === undefined || s === "") return null;
    const v = Number(s);
    if (!Number.isInteger(v)) throw new TypeError(`index: '${item}' is not a slice of integers`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) ?? 1 };
}

/** x[start:stop:step] along dim (a view without step; with a step, a gather of the picked rows). */
export function sliceStep(x: Tensor, dim: number, start: number | null, stop: number | null, step = 1): Tensor {
  if (step <= 0) throw new Error("slice step must be positive");
  const d = normalizeDim(dim, x.dim());
  const v = slice(x, d, start ?? 0, stop ?? undefined);
  if (step === 1) return v;
  const n = v.shape[d];
  return indexSelect(v, d, longTensor(Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step)));
}

function asIndexTensor(item: Tensor | number[] | boolean[]): Tensor {
  if (item instanceof Tensor) return item;
  if (item.length > 0 && typeof item[0] === "boolean") {
    const data = allocate("bool", item.length);
    item.forEach((b, i) => (data[i] = b ? 1 : 0));
    return makeTensor(data, [item.length], "bool");
  }
  return longTensor(item as number[]);
}

/** A bool mask over k dims as k long index tensors (its nonzero coordinates). */
function maskToIndices(mask: Tensor): Tensor[] {
  const coords = nonzeroCoords(mask);
  return mask.shape.map((_, k) => longTensor(coords.map((c) => c[k])));
}

function nonzeroCoords(t: Tensor): number[][] {
  const data = contiguousData(t);
  const out: number[][] = [];
  const strides = t.shape.map((_, i) => numelOf(t.shape.slice(i + 1)));
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) out.push(strides.map((s, k) => Math.floor(i / s) % t.shape[k]));
  return out;
}

/** PyTorch's `x[...]`. */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  const used = items.reduce<number>((n, it) => n + (it === null || it === "..." ? 0 : it instanceof Tensor && it.dtype === "bool" ? it.dim() : 1), 0);
  if (used > x.dim()) throw new Error(`too many indices for tensor of dimension ${x.dim()}`);
  if (items.filter((it) => it === "...").length > 1) throw new Error("an index can only have a single ellipsis ('...')");
  let v = x, d = 0;
  const advanced: Array<{ dim: number; index: Tensor }> = [];
  for (const it of items) {
    if (it === "...") { d += x.dim() - used; continue; }
    if (it === null) { v = unsqueeze(v, d); d++; continue; }
    if (typeof it === "number") {
      const size = v.shape[d];
      if (it < -size || it >= size) throw new Error(`index ${it} is out of bounds for dimension ${d} with size ${size}`);
      v = select(v, d, it);
      for (const a of advanced) if (a.dim > d) a.dim--;
      continue;
    }
    if (typeof it === "string" || (typeof it === "object" && !(it instanceof Tensor) && !Array.isArray(it))) {
      const s = parseSlice(it);
      v = sliceStep(v, d, s.start, s.stop, s.step);
      d++;
      continue;
    }
    const t = asIndexTensor(it);
    if (t.dtype === "bool") {
      for (let k = 0; k < t.dim(); k++) {
        if (t.shape[k] !== v.shape[d + k]) {
          throw new Error(`The shape of the mask [${t.shape.join(", ")}] at index ${k} does not match the shape of the indexed tensor [${v.shape.join(", ")}] at index ${d + k}`);
        }
      }
      maskToIndices(t).forEach((ix, k) => advanced.push({ dim: d + k, index: ix }));
      d += t.dim();
    } else {
      if (t.dtype !== "int64") throw new Error("tensors used as indices must be long, int, byte or bool tensors");
      const size = v.shape[d];
      const fixed = t.dataSync().some((i) => i < 0) ? makeTensor(allocate("int64", t.numel()).map((_, i) => { const k = t.dataSync()[i]; return k < 0 ? k + size : k; }), t.shape, "int64") : t;
      for (const k of fixed.dataSync()) if (k < 0 || k >= size) throw new Error(`index ${k} is out of bounds for dimension ${d} with size ${size}`);
      advanced.push({ dim: d, index: fixed });
      d++;
    }
  }
  return advanced.length === 0 ? v : advancedIndex(v, advanced);
}

/** Gathers with broadcast long indices on some dims: the result dims of the indices go where PyTorch
 * puts them (in place of adjacent indexed dims, else first). */
function advancedIndex(v: Tensor, adv: Array<{ dim: number; index: Tensor }>): Tensor {
  const B = adv.reduce<number[]>((s, a) => broadcastShapes(s, a.index.shape, "index"), []);
  const dims = adv.map((a) => a.dim);
  const rest = [...Array(v.dim()).keys()].filter((i) => !dims.includes(i));
  const moved = permute(v, [...dims, ...rest]);
  const advSizes = dims.map((dd) => v.shape[dd]);
  const flat = reshape(moved, [numelOf(advSizes), ...rest.map((i) => v.shape[i])]);
  const n = numelOf(B);
  const lin = new Array<number>(n).fill(0);
  adv.forEach((a, k) => {
    const stride = numelOf(advSizes.slice(k + 1));
    const vals = contiguousData(expand(a.index, B).contiguous());
    for (let i = 0; i < n; i++) lin[i] += vals[i] * stride;
  });
  const picked = reshape(indexSelect(flat, 0, longTensor(lin)), [...B, ...rest.map((i) => v.shape[i])]);
  const adjacent = dims.every((dd, k) => k === 0 || dd === dims[k - 1] + 1);
  if (!adjacent || dims[0] === 0 || B.length === 0) return picked;
  // put the index dims where the first indexed dim was
  return movedim(picked, [...B.keys()], [...B.keys()].map((k) => dims[0] + k));
}

/** `x[indices] = values` (or `+=` with accumulate), in place. */
export function indexPut_<T extends Tensor>(x: T, indices: IndexItem[], values: Tensor | number, accumulate = false): T {
  return applyInPlace(x, "indexPut_", (self) => indexPut(self, indices, values, accumulate));
}

/** Out-of-place `index_put`: the selected positions replaced by (or increased by) `values`. */
export function indexPut(x: Tensor, indices: IndexItem[], values: Tensor | number, accumulate = false): Tensor {
  // the same indexing applied to the positions 0..n-1 gives the flat position of every selected element
  const n = x.numel();
  const posData = allocate("int64", n);
  for (let i = 0; i < n; i++) posData[i] = i;
  const pos = index(makeTensor(posData, x.shape, "int64"), ...indices).contiguous();
  const flatPos = reshape(pos, [-1]);
  const vals = typeof values === "number" ? null : reshape(expand(values.to(x.dtype === "bool" ? x.dtype : values.isFloatingPoint() ? values.dtype : x.dtype), [...pos.shape]).contiguous(), [-1]);
  const flatX = reshape(x, [-1]);
  const hit = allocate("bool", n);
  for (const p of contiguousData(flatPos)) hit[p] = 1;
  const hitT = makeTensor(hit, [n], "bool");
  if (vals === null) {
    const v = values as number;
    if (accumulate) {
      const counts = allocate(x.dtype, n);
      for (const p of contiguousData(flatPos)) counts[p] += v;
      return reshape(add(flatX, makeTensor(counts, [n], x.dtype)), [...x.shape]);
    }
    return reshape(where(hitT, v, flatX), [...x.shape]);
  }
  const zero = makeTensor(allocate(vals.isFloatingPoint() ? vals.dtype : x.dtype, n), [n], vals.isFloatingPoint() ? vals.dtype : x.dtype);
  const scattered = scatterAdd(zero, 0, flatPos, vals);
  const out = accumulate ? add(flatX, scattered) : where(hitT, scattered, flatX);
  return reshape(out, [...x.shape]);
}

function expandIndexAlong(index: Tensor, d: number, shape: readonly number[]): Tensor {
  const view = reshape(index, shape.map((s, i) => (i === d ? index.numel() : 1)));
  return expand(view, shape.map((s, i) => (i === d ? index.numel() : s)));
}

/** self.index_add(dim, index, source, alpha): source's slices added at index along dim. */
export function indexAdd(self: Tensor, dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
  const d = normalizeDim(dim, self.dim());
  if (index.dim() > 1) throw new Error("index_add_(): Index is supposed to be a vector");
  const src = alpha === 1 ? source : mul(source, alpha);
  return scatterAdd(self, d, expandIndexAlong(index, d, source.shape).contiguous(), src);
}

function rowMask(self: Tensor, d: number, index: Tensor): Tensor {
  const mask = allocate("bool", self.shape[d]);
  for (const i of index.dataSync()) mask[i < 0 ? i + self.shape[d] : i] = 1;
  return reshape(makeTensor(mask, [self.shape[d]], "bool"), self.shape.map((s, i) => (i === d ? s : 1)));
}

/** self.index_fill(dim, index, value). */
export function indexFill(self: Tensor, dim: number, index: Tensor, value: number | Tensor): Tensor {
  const d = normalizeDim(dim, self.dim());
  return where(rowMask(self, d, index), value, self);
}

/** self.index_copy(dim, index, source): source's slices written at index along dim. */
export function indexCopy(self: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const d = normalizeDim(dim, self.dim());
  const zero = aliasOf(mul(self, 0));
  const placed = scatterAdd(zero, d, expandIndexAlong(index, d, source.shape).contiguous(), source);
  return where(rowMask(self, d, index), placed, self);
}

/** self.scatter(dim, index, src | value): a copy with src (or value) written at index along dim. */
export function scatter(self: Tensor, dim: number, index: Tensor, src: Tensor | number, options: { reduce?: "add" | "multiply" } = {}): Tensor {
  const d = normalizeDim(dim, self.dim());
  if (options.reduce === "multiply") throw new Error("scatter(reduce='multiply') is not supported; use scatterReduce");
  const hit = scatterAdd(makeTensor(allocate("float64", self.numel()), self.shape, "float64"), d, index, expand(makeTensor(new Float64Array([1]), [], "float64"), [...index.shape]).contiguous());
  const mask = makeTensor(allocate("bool", self.numel()).map((_, i) => (hit.dataSync()[i] > 0 ? 1 : 0)), self.shape, "bool");
  const srcT = typeof src === "number" ? expand(makeTensor(allocate(self.dtype, 1).fill(src), [], self.dtype), [...index.shape]).contiguous() : src;
  const zero = makeTensor(allocate(srcT.isFloatingPoint() ? srcT.dtype : self.dtype, self.numel()), self.shape, srcT.isFloatingPoint() ? srcT.dtype : self.dtype);
  const placed = scatterAdd(zero, d, index, srcT);
  if (options.reduce === "add") return add(self, placed);
  return where(mask, placed, self);
}

/** self.masked_scatter(mask, source): the true positions take source's elements in order. */
export function maskedScatter(self: Tensor, mask: Tensor, source: Tensor): Tensor {
  const m = expand(mask, [...self.shape]).contiguous();
  const md = contiguousData(m);
  const idx: number[] = [];
  let k = 0;
  for (let i = 0; i < md.length; i++) idx.push(md[i] ? k++ : 0);
  if (k > source.numel()) throw new Error("masked_scatter: expected source to have at least as many elements as ones in mask");
  const picked = reshape(indexSelect(reshape(source, [-1]), 0, longTensor(idx)), [...self.shape]);
  return where(m, picked, self);
}

export function take(x: Tensor, index: Tensor): Tensor {
  const n = x.numel();
  const ix = index.dataSync().map((i) => (i < 0 ? i + n : i));
  return reshape(indexSelect(reshape(x, [-1]), 0, longTensor(ix)), [...index.shape]);
}

export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number): Tensor {
  if (dim === undefined) return take(x, indices);
  const d = normalizeDim(dim, x.dim());
  const shape = broadcastShapes(x.shape.map((s, i) => (i === d ? 1 : s)), indices.shape.map((s, i) => (i === d ? 1 : s)), "take_along_dim");
  const xe = expand(x, shape.map((s, i) => (i === d ? x.shape[d] : s)));
  const ie = expand(indices, shape.map((s, i) => (i === d ? indices.shape[d] : s))).contiguous();
  return gather(xe.contiguous(), d, ie);
}

/** torch.nonzero: [n, ndim] coordinates (or one tensor per dim with asTuple). */
export function nonzero(x: Tensor, options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  const coords = nonzeroCoords(x);
  const out = options.asTuple
    ? x.shape.map((_, k) => longTensor(coords.map((c) => c[k])))
    : [makeTensor(allocate("int64", coords.length * x.dim()).map((_, i) => coords[Math.floor(i / x.dim())][i % x.dim()]), [coords.length, x.dim()], "int64")];
  recordNonDifferentiable("nonzero", [x], out);
  return options.asTuple ? out : out[0];
}

/** Tensor.unfold(dim, size, step): sliding windows along dim, as a new last dim. */
export function unfoldWindows(x: Tensor, dim: number, size: number, step: number): Tensor {
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  const n = x.shape[d];
  if (size > n) throw new Error(`maximum size for tensor at dimension ${d} is ${n} but size is ${size}`);
  const windows = Math.floor((n - size) / step) + 1;
  const idx: number[] = [];
  for (let w = 0; w < windows; w++) for (let k = 0; k < size; k++) idx.push(w * step + k);
  const picked = indexSelect(x, d, longTensor(idx));
  const split = reshape(picked, [...x.shape.slice(0, d), windows, size, ...x.shape.slice(d + 1)]);
  return movedim(split, d + 1, -1);
}

/** torch.nn.functional.one_hot. */
export function oneHot(t: Tensor, numClasses = -1): Tensor {
  if (t.dtype !== "int64") throw new Error("one_hot is only applicable to index tensor.");
  const vals = t.dataSync();
  const C = numClasses === -1 ? (vals.length === 0 ? 0 : Math.max(...vals) + 1) : numClasses;
  const out = allocate("int64", vals.length * C);
  for (let i = 0; i < vals.length; i++) {
    if (vals[i] < 0 || vals[i] >= C) throw new Error("Class values must be smaller than num_classes.");
    out[i * C + vals[i]] = 1;
  }
  const res = makeTensor(out, [...t.shape, C], "int64");
  recordNonDifferentiable("oneHot", [t], [res]);
  return res;
}
