import { Tensor } from "./tensor";
import "./tensorMethods";
import { allocate, type DType } from "./dtype";
import { broadcastShapes } from "./shape";
import { tensor, zeros, zerosLike, type TensorOptions } from "./creation";
import { randomInt } from "./random";
import { makeTensor } from "./ops/kernel";
import { cat } from "./ops/indexing";
import { expand, reshape } from "./ops/shapeOps";
import { sub } from "./ops/binary";
import { noGrad } from "./gradMode";
import { observer } from "./observer";
import * as r from "./ops/reduceExtra";
import * as s from "./ops/shapeExtra";
import * as m from "./ops/mathExtra";
import type { NestedArray } from "./tensor";

// torch.* free functions beyond the core exports: factories, joins, and functional forms of Tensor methods.

/** torch.as_tensor: the tensor itself when it already is one (and of the dtype), else a new one. */
export function asTensor(data: NestedArray | Tensor, options: TensorOptions = {}): Tensor {
  if (data instanceof Tensor && (options.dtype === undefined || options.dtype === data.dtype)) return data;
  return tensor(data as NestedArray, options);
}

/** torch.empty: uninitialised in PyTorch; zeros here. */
export function empty(...args: Array<number | number[] | TensorOptions>): Tensor {
  return zeros(...args);
}
export function emptyLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zerosLike(t, options);
}

export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (steps < 0) throw new Error("number of steps must be non-negative");
  const dtype = options.dtype ?? "float32";
  const data = allocate(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end, so the last value is exactly `end`
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return leafOf(data, [steps], dtype, options, "linspace");
}

export function logspace(start: number, end: number, steps: number, options: TensorOptions & { base?: number } = {}): Tensor {
  const { base = 10, ...rest } = options;
  const lin = linspace(start, end, steps, { dtype: "float64" }).dataSync();
  const dtype = rest.dtype ?? "float32";
  const data = allocate(dtype, steps);
  for (let i = 0; i < steps; i++) data[i] = Math.pow(base, lin[i]);
  return leafOf(data, [steps], dtype, rest, "logspace");
}

/** torch.randperm: a random permutation of 0..n-1 (int64), from the seeded generator. */
export function randperm(n: number, options: TensorOptions = {}): Tensor {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const dtype = options.dtype ?? "int64";
  const data = allocate(dtype, n);
  perm.forEach((v, i) => (data[i] = v));
  return leafOf(data, [n], dtype, options, "randperm");
}

function leafOf(data: ReturnType<typeof allocate>, shape: number[], dtype: DType, options: TensorOptions, factory: string): Tensor {
  const t = makeTensor(data, shape, dtype);
  t._initRequiresGrad(options.requiresGrad ?? false);
  if (observer !== null) observer.onLeafCreated?.(t, factory);
  return t;
}

export const concat = cat;
export function hstack(tensors: Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.dim() === 0 ? reshape(t, [1]) : t)), tensors[0].dim() <= 1 ? 0 : 1);
}
export function vstack(tensors: Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.dim() === 0 ? reshape(t, [1, 1]) : t.dim() === 1 ? reshape(t, [1, t.shape[0]]) : t)), 0);
}

/** torch.meshgrid(tensors, { indexing: "ij" | "xy" }) (PyTorch's default is "ij"). */
export function meshgrid(tensors: Tensor[], options: { indexing?: "ij" | "xy" } = {}): Tensor[] {
  const indexing = options.indexing ?? "ij";
  const sizes = tensors.map((t) => t.numel());
  if (indexing === "xy" && tensors.length >= 2) [sizes[0], sizes[1]] = [sizes[1], sizes[0]];
  return tensors.map((t, i) => {
    const pos = indexing === "xy" && i < 2 ? 1 - i : i;
    const view = reshape(t, sizes.map((n, k) => (k === pos ? n : 1)));
    return expand(view, sizes);
  });
}

export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  const shape = tensors.reduce<number[]>((acc, t) => broadcastShapes(acc, t.shape, "broadcast_tensors"), []);
  return tensors.map((t) => expand(t, shape));
}

/** torch.inference_mode: like noGrad here (PyTorch's extra guarantees are not modelled). */
export function inferenceMode<T>(fn: () => T): T {
  return noGrad(fn);
}

/** torch.cdist: pairwise p-norm distances between the rows of x1 [.., P, M] and x2 [.., R, M]. */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  const diff = sub(x1.unsqueeze(-2), x2.unsqueeze(-3));
  return r.norm(diff, p, -1);
}

export const numel = (t: Tensor): number => t.numel();
export const logsumexp = r.logsumexp, cumsum = r.cumsum, prod = r.prod, sort = r.sort, topk = r.topk, argsort = r.argsort;
export const norm = r.norm, einsum = r.einsum;
export const outer = s.outer, tril = s.tril, triu = s.triu, flip = s.flip, roll = s.roll, diag = s.diag, maskedSelect = s.maskedSelect;
export const lerp = m.lerp, allclose = m.allclose, isclose = m.isclose, equal = m.equal;
export const broadcastTo = (t: Tensor, shape: number[]): Tensor => expand(t, shape);

export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  if (dimOrOther instanceof Tensor) return x.maximum(dimOrOther);
  return dimOrOther === undefined ? x.max() : x.max(dimOrOther, keepdim);
}
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  if (dimOrOther instanceof Tensor) return x.minimum(dimOrOther);
  return dimOrOther === undefined ? x.min() : x.min(dimOrOther, keepdim);
}
export const amax = (x: Tensor, dim: number | number[] = [], keepdim = false): Tensor => x.amax(dim, keepdim);
export const amin = (x: Tensor, dim: number | number[] = [], keepdim = false): Tensor => x.amin(dim, keepdim);
// exported as `var` (a reserved word as a binding, fine as an export name: `import { var as variance }`)
export const variance = (x: Tensor, dim?: number | number[] | null, options?: { unbiased?: boolean; correction?: number; keepdim?: boolean }): Tensor => x.var(dim, options);
export const std = (x: Tensor, dim?: number | number[] | null, options?: { unbiased?: boolean; correction?: number; keepdim?: boolean }): Tensor => x.std(dim, options);

