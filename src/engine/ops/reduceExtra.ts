import type { Tensor } from "../tensor";
import { aliasOf } from "../functional/raw";
import { normalizeDim } from "../shape";
import { allocate } from "../dtype";
import { makeTensor, contiguousData } from "./kernel";
import { add, mul, sub, pow, where, maskedFill } from "./binary";
import { exp, log, abs, sqrt, clamp } from "./unary";
import { sum, amax } from "./reduce";
import { matmul } from "./matmul";
import { gather, stack } from "./indexing";
import { narrow, reshape, select, squeeze, unsqueeze, permute } from "./shapeOps";
import { movedim, longTensor } from "./shapeExtra";
import { recordNonDifferentiable } from "../autograd/record";
import { mapUnary } from "./elementwise";
import { selectAlong } from "./selectAlong";

// Reductions and scans composed of differentiable ops (sums, products, gathers), so their gradients
// (and second derivatives) come from ops with their own checks; sort/topk pick with gather.

type Dims = number | number[] | null | undefined;

/** torch.logsumexp, stabilised by the (detached) max; an all -inf slice gives -inf as PyTorch does. */
export function logsumexp(x: Tensor, dim: number | number[], keepdim = false): Tensor {
  const m = aliasOf(amax(x, dim, true, "max"));
  const safe = where(mapUnary(m, (v) => (Number.isFinite(v) ? 1 : 0), "bool"), m, 0);
  const out = add(log(sum(exp(sub(x, safe)), dim, true)), safe);
  if (keepdim) return out;
  const ds = (Array.isArray(dim) ? dim : [dim]).map((d) => normalizeDim(d, x.dim())).sort((a, b) => b - a);
  let r = out;
  for (const d of ds) r = squeeze(r, d);
  return r;
}

/** torch.cumsum: a product with the upper-triangular ones matrix along dim. */
export function cumsum(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  if (x.dim() === 0) return x.clone();
  const n = x.shape[d];
  const tri = allocate(x.isFloatingPoint() ? x.dtype : "float64", n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) tri[i * n + j] = 1;
  const src = x.isFloatingPoint() ? x : x.to("float64");
  const out = movedim(matmul(movedim(src, d, -1), makeTensor(tri, [n, n], src.dtype)), -1, d);
  return x.isFloatingPoint() ? out : out.to("int64");
}

/** torch.cumprod: running products, one multiplication per step. */
export function cumprod(x: Tensor, dim: number): Tensor {
  if (x.dim() === 0) return x.clone();
  const d = normalizeDim(dim, x.dim());
  const parts: Tensor[] = [];
  for (let i = 0; i < x.shape[d]; i++) {
    const s = select(x, d, i);
    parts.push(i === 0 ? s : mul(parts[i - 1], s));
  }
  return stack(parts, d);
}

/** torch.prod over all elements or one dim. */
export function prod(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) {
    const flat = reshape(x, [-1]);
    let acc: Tensor = flat.numel() === 0 ? makeTensor(allocate(x.dtype, 1), [], x.dtype).fill_(1) : select(flat, 0, 0);
    for (let i = 1; i < flat.shape[0]; i++) acc = mul(acc, select(flat, 0, i));
    return acc;
  }
  const d = normalizeDim(dim, x.dim());
  let acc = select(x, d, 0);
  for (let i = 1; i < x.shape[d]; i++) acc = mul(acc, select(x, d, i));
  return keepdim ? unsqueeze(acc, d) : acc;
}

/** torch.norm / Tensor.norm(p, dim, keepdim): the vector p-norm (p = 2 by default, "fro" is 2). */
export function norm(x: Tensor, p: number | "fro" = 2, dim?: Dims, keepdim = false): Tensor {
  const q = p === "fro" ? 2 : p;
  const dims = dim === null || dim === undefined ? null : dim;
  if (q === Infinity) return amax(abs(x), dims ?? [], keepdim, "max");
  if (q === -Infinity) return amax(abs(x), dims ?? [], keepdim, "min");
  if (q === 1) return sum(abs(x), dims, keepdim);
  if (q === 2) return sqrt(sum(mul(x, x), dims, keepdim));
  if (q === 0) return sum(mapUnary(x, (v) => (v !== 0 ? 1 : 0)), dims, keepdim);
  return pow(sum(pow(abs(x), q), dims, keepdim), 1 / q);
}

export function clampMin(x: Tensor, min: number): Tensor {
  return clamp(x, min, null);
}
export function clampMax(x: Tensor, max: number): Tensor {
  return clamp(x, null, max);
}

/** The permutation that sorts each slice along dim (stable, NaN last as PyTorch). */
function sortIndices(x: Tensor, d: number, descending: boolean): Tensor {
  const moved = movedim(x, d, -1);
  const data = contiguousData(moved.contiguous());
  const n = x.shape[d], rows = n === 0 ? 0 : data.length / n;
  const idx = allocate("int64", data.length);
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: n }, (_, i) => i);
    const base = r * n;
    order.sort((a, b) => {
      const va = data[base + a], vb = data[base + b];
      if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) === Number.isNaN(vb) ? a - b : (Number.isNaN(va) ? 1 : -1) * (descending ? -1 : 1);
      const c = descending ? key(vb) - key(va) : key(va) - key(vb);
      return c !== 0 ? c : a - b;
    });
    for (let i = 0; i < n; i++) idx[base + i] = order[i];
  }
  return movedim(makeTensor(idx, moved.shape, "int64"), -1, d);
}

export interface SortOptions { dim?: number; descending?: boolean; stable?: boolean }

/** torch.sort: { values, indices }; the values are a gather, so they carry the gradient. */
export function sort(x: Tensor, dimOrOptions: number | SortOptions = -1, descending = false): { values: Tensor; indices: Tensor } {
  const o = typeof dimOrOptions === "number" ? { dim: dimOrOptions, descending } : dimOrOptions;
  if (x.dim() === 0) return { values: x.clone(), indices: longTensor([0], []) };
  const d = normalizeDim(o.dim ?? -1, x.dim());
  const indices = sortIndices(x, d, o.descending ?? false);
  recordNonDifferentiable("sort", [x], [indices]);
  return { values: selectAlong("sort", x, d, indices), indices };
}

export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  return sort(x, dim, descending).indices;
}

export interface TopkOptions { dim?: number; largest?: boolean; sorted?: boolean }

/** torch.topk: the k largest (or smallest) along dim, as { values, indices }. */
export function topk(x: Tensor, k: number, dimOrOptions: number | TopkOptions = -1, largest = true): { values: Tensor; indices: Tensor } {
  const o = typeof dimOrOptions === "number" ? { dim: dimOrOptions, largest } : dimOrOptions;
  const d = normalizeDim(o.dim ?? -1, Math.max(x.dim(), 1));
  const size = x.dim() === 0 ? 1 : x.shape[d];
  if (k < 0 || k > size) throw new Error("selected index k out of range");
  const all = sortIndices(x, d, o.largest ?? true);
  const indices = narrow(all, d, 0, k).contiguous();
  return { values: selectAlong("topk", x, d, indices), indices };
}

/** torch.kthvalue: the k-th smallest (1-based) along dim. */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): { values: Tensor; indices: Tensor } {
  return kthSelect("kthvalue", x, k, dim, keepdim);
}

function kthSelect(op: "kthvalue" | "median", x: Tensor, k: number, dim: number, keepdim: boolean): { values: Tensor; indices: Tensor } {
  const d = normalizeDim(dim, x.dim());
  const indices0 = narrow(sortIndices(x, d, false), d, k - 1, 1).contiguous();
  const values = selectAlong(op, x, d, indices0, keepdim);
  return { values, indices: keepdim ? indices0 : squeeze(indices0, d) };
}

/** torch.median: the lower median (all elements, or along dim as { values, indices }). */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  if (dim === undefined) {
    const flat = reshape(x, [-1]);
    const index = narrow(sortIndices(flat, 0, false), 0, Math.floor((flat.numel() - 1) / 2), 1).contiguous();
    return selectAlong("medianAll", flat, 0, index, false);
  }
  const n = x.shape[normalizeDim(dim, x.dim())];
  return kthSelect("median", x, Math.floor((n - 1) / 2) + 1, dim, keepdim);
}

/** torch.mode: the most frequent value along dim (the smallest among ties), with an index of it. */
export function mode(x: Tensor, dim = -1, keepdim = false): { values: Tensor; indices: Tensor } {
  const d = normalizeDim(dim, x.dim());
  const moved = movedim(x, d, -1).contiguous();
  const data = contiguousData(moved);
  const n = x.shape[d], rows = data.length / n;
  const idx = allocate("int64", rows);
  for (let r = 0; r < rows; r++) {
    const counts = new Map<number, { c: number; last: number }>();
    for (let i = 0; i < n; i++) {
      const v = data[r * n + i], e = counts.get(v);
      counts.set(v, { c: (e?.c ?? 0) + 1, last: i });
    }
    let best: number | null = null, bestC = -1, bestI = 0;
    for (const [v, { c, last }] of counts) if (c > bestC || (c === bestC && v < (best as number))) { best = v; bestC = c; bestI = last; }
    idx[r] = bestI;
  }
  const keptShape = [...moved.shape.slice(0, -1), 1];
  const indices = movedim(makeTensor(idx, keptShape, "int64"), -1, d);
  return { values: selectAlong("mode", x, d, indices, keepdim), indices: keepdim ? indices : squeeze(indices, d) };
}

/** cummax along dim: running maxima and the index where each was reached. */
export function cummax(x: Tensor, dim: number): { values: Tensor; indices: Tensor } {
  const d = normalizeDim(dim, x.dim());
  const moved = movedim(x, d, -1).contiguous();
  const data = contiguousData(moved);
  const n = x.shape[d], rows = n === 0 ? 0 : data.length / n;
  const idx = allocate("int64", data.length);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let i = 0; i < n; i++) {
      const v = data[r * n + i], b = data[r * n + best];
      if (v >= b || Number.isNaN(v)) best = Number.isNaN(b) ? best : i;
      idx[r * n + i] = best;
    }
  }
  const indices = movedim(makeTensor(idx, moved.shape, "int64"), -1, d);
  return { values: selectAlong("cummax", x, d, indices), indices };
}

function boolReduce(x: Tensor, dim: number | undefined, keepdim: boolean, anyMode: boolean): Tensor {
  const truth = mapUnary(x, (v) => (v !== 0 ? 1 : 0), "bool");
  const counts = sum(truth.to("int64"), dim, keepdim);
  const need = dim === undefined ? x.numel() : x.shape[normalizeDim(dim, x.dim())];
  const out = mapUnary(counts, (c) => (anyMode ? (c > 0 ? 1 : 0) : c === need ? 1 : 0), "bool");
  recordNonDifferentiable(anyMode ? "any" : "all", [x], [out]);
  return out;
}

export function all(x: Tensor, dim?: number, keepdim = false): Tensor {
  return boolReduce(x, dim, keepdim, false);
}
export function any(x: Tensor, dim?: number, keepdim = false): Tensor {
  return boolReduce(x, dim, keepdim, true);
}

export function countNonzero(x: Tensor, dim?: number | number[]): Tensor {
  return sum(mapUnary(x, (v) => (v !== 0 ? 1 : 0), "int64"), dim);
}

/** nansum / nanmean: NaN treated as zero (and not counted). */
export function nansum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return sum(maskedFill(x, mapUnary(x, (v) => (Number.isNaN(v) ? 1 : 0), "bool"), 0), dim, keepdim);
}
export function nanmean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const count = sum(mapUnary(x, (v) => (Number.isNaN(v) ? 0 : 1), x.dtype), dim, keepdim);
  return nansum(x, dim, keepdim).div(count);
}

/** torch.unique (sorted): the distinct values; with returnInverse/returnCounts as PyTorch. */
export function unique(x: Tensor, options: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean } = {}): Tensor | Tensor[] {
  const data = Array.from(contiguousData(x));
  const values = [...new Set(data)].sort((a, b) => a - b);
  const pos = new Map(values.map((v, i) => [v, i]));
  const out = makeTensor(allocate(x.dtype, values.length).map((_, i) => values[i]), [values.length], x.dtype);
  if (!options.returnInverse && !options.returnCounts) return out;
  const res = [out];
  if (options.returnInverse) res.push(makeTensor(allocate("int64", data.length).map((_, i) => pos.get(data[i])!), x.shape, "int64"));
  if (options.returnCounts) {
    const c = allocate("int64", values.length);
    for (const v of data) c[pos.get(v)!]++;
    res.push(makeTensor(c, [values.length], "int64"));
  }
  return res;
}

/**
 * torch.einsum: "bij,bjk->bik", implicit output ("ij,jk"), an index repeated within an operand
 * (a diagonal: "ii->i", the trace "ii") and an ellipsis for broadcast dims ("...ij,...jk->...ik").
 */
export function einsum(equation: string, ...operands: Array<Tensor | Tensor[]>): Tensor {
  const ops = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  const eq = equation.replace(/\s+/g, "");
  const [lhs, rhsRaw] = eq.split("->");
  const rawTerms = lhs.split(",");
  if (rawTerms.length !== ops.length) throw new Error("einsum(): more operands were provided than specified in the equation");
  // an ellipsis stands for an operand's leading unnamed dims, right-aligned across operands: name them
  const ellipsisDims = rawTerms.map((t, k) => (t.includes("...") ? ops[k].dim() - (t.length - 3) : 0));
  const nEllipsis = Math.max(0, ...ellipsisDims);
  const placeholders = Array.from({ length: nEllipsis }, (_, i) => String.fromCharCode(0x100 + i));
  const expand = (t: string, dims: number) => t.replace("...", placeholders.slice(nEllipsis - dims).join(""));
  const terms0 = rawTerms.map((t, k) => expand(t, ellipsisDims[k]));
  const counts = new Map<string, number>();
  for (const t of terms0) for (const c of t) counts.set(c, (counts.get(c) ?? 0) + 1);
  const rhs = rhsRaw !== undefined
    ? expand(rhsRaw, nEllipsis)
    : placeholders.join("") + [...counts.keys()].filter((c) => counts.get(c) === 1 && !placeholders.includes(c)).sort().join("");
  for (const c of rhs) {
    if (!counts.has(c)) throw new Error(`einsum(): output subscript ${c} does not appear in the equation for any input operand`);
    if (rhs.indexOf(c) !== rhs.lastIndexOf(c)) throw new Error(`einsum(): output subscript ${c} appears more than once in the output`);
  }
  // an index repeated within one operand takes that operand's diagonal (its last dim afterwards)
  const xs: Tensor[] = [];
  const terms = terms0.map((t0, k) => {
    if (t0.length !== ops[k].dim()) {
      throw new Error(`einsum(): the number of subscripts in the equation (${t0.length}) does not match the number of dimensions (${ops[k].dim()}) for operand ${k} and no ellipsis was given`);
    }
    let t = t0, x = ops[k];
    for (let i = 0; i < t.length; i++) {
      const j = t.indexOf(t[i], i + 1);
      if (j < 0) continue;
      if (x.shape[i] !== x.shape[j]) throw new Error(`einsum(): subscript ${t[i]} is repeated for operand ${k} but the sizes don't match, ${x.shape[i]} != ${x.shape[j]}`);
      x = x.diagonal(0, i, j);
      t = t.slice(0, i) + t.slice(i + 1, j) + t.slice(j + 1) + t[i];
      i = -1;
    }
    xs.push(x);
    return t;
  });
  const letters = [...new Set([...rhs, ...[...counts.keys()].filter((c) => !rhs.includes(c))])];
  const sizes = new Map<string, number>();
  let prodT: Tensor | null = null;
  terms.forEach((t, k) => {
    const x = xs[k];
    [...t].forEach((c, i) => {
      const s = x.shape[i], prev = sizes.get(c);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw new Error(`einsum(): operands do not broadcast with remapped shapes (original->remapped)`);
      }
      sizes.set(c, Math.max(prev ?? 1, s));
    });
    const present = letters.filter((c) => t.includes(c));
    const p = permute(x, present.map((c) => t.indexOf(c)));
    const v = reshape(p, letters.map((c) => (t.includes(c) ? x.shape[t.indexOf(c)] : 1)));
    prodT = prodT === null ? v : mul(prodT, v);
  });
  const reduced = letters.map((c, i) => (rhs.includes(c) ? -1 : i)).filter((i) => i >= 0);
  let out = prodT as unknown as Tensor;
  if (reduced.length > 0) out = sum(out, reduced);
  // broadcast size-1 output dims to the equation's sizes
  const outShape = [...rhs].map((c) => sizes.get(c)!);
  return out.shape.every((s, i) => s === outShape[i]) ? out : out.expand(outShape);
}

