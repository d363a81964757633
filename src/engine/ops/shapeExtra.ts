import type { Tensor } from "../tensor";
import { normalizeDim, numelOf, formatShape } from "../shape";
import { makeTensor } from "./kernel";
import { allocate } from "../dtype";
import { cat, indexSelect } from "./indexing";
import { expand, permute, reshape, unsqueeze } from "./shapeOps";
import { mul, where } from "./binary";
import { sum } from "./reduce";
import { compare } from "./compare";

// Shape and index ops that PyTorch users reach for, composed of the engine's differentiable ops
// (indexSelect, cat, expand, permute, where), so gradients and double-backward come from those.

/** An int64 index tensor (never requires grad). */
export function longTensor(values: ArrayLike<number>, shape: readonly number[] = [values.length]): Tensor {
  const data = allocate("int64", values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i];
  return makeTensor(data, shape, "int64");
}

function dimsOf(dims: number | readonly number[]): number[] {
  return typeof dims === "number" ? [dims] : [...dims];
}

/** torch.flip: reverses the order along each of `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  let out = x;
  for (const raw of dimsOf(dims)) {
    const d = normalizeDim(raw, x.dim()), n = x.shape[d];
    out = indexSelect(out, d, longTensor(Array.from({ length: n }, (_, i) => n - 1 - i)));
  }
  return out;
}

/** torch.roll: shifts elements along dims (flattened when dims is omitted), wrapping around. */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const s = dimsOf(shifts);
  if (dims === undefined) return reshape(roll(reshape(x, [-1]), s[0], 0), [...x.shape]);
  const ds = dimsOf(dims);
  if (ds.length !== s.length) throw new Error(`shifts and dimensions must align. shifts: ${s.length}, dims:${ds.length}`);
  let out = x;
  ds.forEach((raw, k) => {
    const d = normalizeDim(raw, x.dim()), n = x.shape[d];
    out = indexSelect(out, d, longTensor(Array.from({ length: n }, (_, i) => ((((i - s[k]) % n) + n) % n))));
  });
  return out;
}

/** Tensor.repeat: tiles the tensor `repeats[i]` times along dim i (leading new dims allowed). */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  if (repeats.length < x.dim()) {
    throw new Error("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  }
  const lead = repeats.length - x.dim();
  const shape = [...Array(lead).fill(1), ...x.shape];
  // [.., s_i, ..] -> [.., r_i, s_i, ..] by expand, then merge each pair
  let v = reshape(x, shape.flatMap((s) => [1, s]));
  v = expand(v, shape.flatMap((s, i) => [repeats[i], s]));
  return reshape(v, shape.map((s, i) => s * repeats[i]));
}

/** torch.tile: repeat with missing leading repeats taken as 1. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const r = reps.length < x.dim() ? [...Array(x.dim() - reps.length).fill(1), ...reps] : [...reps];
  return repeat(x, r);
}

/** torch.repeat_interleave: repeats each element (or slice along dim) `repeats` times. */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, dim?: number): Tensor {
  const flat = dim === undefined;
  const src = flat ? reshape(x, [-1]) : x;
  const d = flat ? 0 : normalizeDim(dim, x.dim());
  const n = src.shape[d];
  const counts = typeof repeats === "number" ? Array(n).fill(repeats) : Array.from(repeats.dataSync());
  if (counts.length === 1 && n !== 1) counts.length = n, counts.fill(counts[0]);
  if (counts.length !== n) throw new Error("repeats must have the same size as input along dim");
  const index: number[] = [];
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) index.push(i); });
  return indexSelect(src, d, longTensor(index));
}

function triMask(x: Tensor, diagonal: number, upper: boolean): Tensor {
  if (x.dim() < 2) throw new Error(`${upper ? "triu" : "tril"}: input tensor must have at least 2 dimensions`);
  const rows = x.shape[x.dim() - 2], cols = x.shape[x.dim() - 1];
  const m = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m[i * cols + j] = (upper ? j - i >= diagonal : j - i <= diagonal) ? 1 : 0;
  return makeTensor(m, [rows, cols], "bool");
}

/** torch.tril: zeros above the `diagonal`-th diagonal. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return where(triMask(x, diagonal, false), x, 0);
}

/** torch.triu: zeros below the `diagonal`-th diagonal. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return where(triMask(x, diagonal, true), x, 0);
}

/** torch.diagonal: the diagonal of the (dim1, dim2) planes, moved last. */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const nd = x.dim(), d1 = normalizeDim(dim1, nd), d2 = normalizeDim(dim2, nd);
  if (d1 === d2) throw new Error(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const rest = [...Array(nd).keys()].filter((i) => i !== d1 && i !== d2);
  const p = permute(x, [...rest, d1, d2]);
  const R = x.shape[d1], C = x.shape[d2];
  const len = Math.max(0, offset >= 0 ? Math.min(R, C - offset) : Math.min(R + offset, C));
  const flat = reshape(p, [...rest.map((i) => x.shape[i]), R * C]);
  const idx = Array.from({ length: len }, (_, k) => (offset >= 0 ? k * C + k + offset : (k - offset) * C + k));
  return indexSelect(flat, flat.dim() - 1, longTensor(idx));
}

/** torch.diag: a 1-D input becomes a diagonal matrix; a 2-D input gives its diagonal. */
export function diag(x: Tensor, offset = 0): Tensor {
  if (x.dim() === 2) return diagonal(x, offset);
  if (x.dim() !== 1) throw new Error("diag(): Supports 1D or 2D tensors. Got " + x.dim() + "D");
  const n = x.shape[0] + Math.abs(offset);
  const zero = mul(reshape(x, [-1]).narrow(0, 0, 1), 0).reshape([1]);
  const padded = cat([x, zero], 0); // index n-> zero
  const idx: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) idx.push(j - i === offset ? (offset >= 0 ? i : j) : x.shape[0]);
  return reshape(indexSelect(padded, 0, longTensor(idx)), [n, n]);
}

/** torch.trace: the sum of a matrix's diagonal. */
export function trace(x: Tensor): Tensor {
  if (x.dim() !== 2) throw new Error("trace: expected a matrix");
  return sum(diagonal(x));
}

/** torch.movedim: moves `source` dims to `destination`, keeping the others' order. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const nd = x.dim();
  const src = dimsOf(source).map((d) => normalizeDim(d, nd)), dst = dimsOf(destination).map((d) => normalizeDim(d, nd));
  if (src.length !== dst.length) throw new Error("movedim: Invalid source or destination dims");
  const order = new Array<number>(nd).fill(-1);
  src.forEach((s, i) => (order[dst[i]] = s));
  const rest = [...Array(nd).keys()].filter((i) => !src.includes(i));
  for (let i = 0, k = 0; i < nd; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, order);
}

/** Tensor.unflatten: splits dim into `sizes` (one of them may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.dim());
  const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
  const full = sizes.map((s) => (s === -1 ? x.shape[d] / known : s));
  if (numelOf(full) !== x.shape[d]) {
    throw new Error(`unflatten: Provided sizes ${formatShape(sizes)} don't multiply up to the size of dim ${dim} (${x.shape[d]}) in the input tensor`);
  }
  return reshape(x, [...x.shape.slice(0, d), ...full, ...x.shape.slice(d + 1)]);
}

/** torch.outer: a[i] * b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new Error("outer: expected 1-D tensors");
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/** Keeps x's elements where mask holds, flattened (torch.masked_select). */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== "bool") throw new Error("masked_select: expected BoolTensor for mask");
  const shape = x.shape.length >= mask.shape.length ? x.shape : mask.shape;
  const xe = x.dim() < shape.length || x.shape.some((s, i) => s !== shape[i]) ? expand(x, [...mask.shape]) : x;
  const m = mask.shape.length < shape.length ? expand(mask, [...shape]) : mask;
  const md = m.dataSync();
  const idx: number[] = [];
  for (let i = 0; i < md.length; i++) if (md[i]) idx.push(i);
  return indexSelect(reshape(xe, [-1]), 0, longTensor(idx));
}

/** Row-major positions where `mask` is true (for indexing helpers). */
export function truePositions(mask: Tensor): number[] {
  const md = mask.dataSync();
  const out: number[] = [];
  for (let i = 0; i < md.length; i++) if (md[i]) out.push(i);
  return out;
}

export function isTrue(t: Tensor): Tensor {
  return compare(t, 0, "ne");
}
