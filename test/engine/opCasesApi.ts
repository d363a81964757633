import { randn, rand, tensor, type Tensor } from "gradlens";
import type { Case } from "./opCases";

// Gradient-check cases for the ops of the wider PyTorch API (src/engine/ops/mathExtra.ts, linalg.ts),
// merged into opCases so the first- and second-order suites run them.

const f64 = { dtype: "float64" as const, requiresGrad: true };
const r = (...shape: number[]) => randn(shape, f64);
/** values in (-0.8, 0.8) (asin, acos) */
const unit = (...shape: number[]) => rand(shape, { dtype: "float64" }).mul(1.6).sub(0.8).requiresGrad_();
/** values kept away from integers and half-integers (floor, round: piecewise constant) */
const offGrid = (...shape: number[]) => rand(shape, { dtype: "float64" }).mul(0.3).add(0.1).add(randn(shape).round().double()).requiresGrad_();
/** a well-conditioned matrix (identity plus small noise) */
const wellConditioned = (n: number) => randn([n, n], { dtype: "float64" }).mul(0.3).add(tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 : 0))), { dtype: "float64" })).requiresGrad_();

/** distinct values far apart (sort, topk, median: no ties for finite differences to cross) */
const distinct = (...shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => ((i * 7) % n) * 0.5 - n / 4), { dtype: "float64" }).reshape(shape).detach().requiresGrad_();
};

export const apiOpCases: Record<string, Case[]> = {
  sort: [["sort dim 1 descending", (a) => a.sort(1, true), () => [distinct(3, 4)]], ["sort dim 0", (a) => a.sort(0), () => [distinct(3, 4)]]],
  topk: [["topk 2 of dim 1", (a) => a.topk(2, 1), () => [distinct(3, 5)]], ["topk smallest", (a) => a.topk(2, { dim: 0, largest: false }), () => [distinct(4, 2)]]],
  kthvalue: [["kthvalue", (a) => a.kthvalue(2, 1), () => [distinct(3, 4)]], ["kthvalue keepdim", (a) => a.kthvalue(3, 0, true), () => [distinct(4, 2)]]],
  median: [["median dim", (a) => a.median(1), () => [distinct(3, 5)]], ["median dim keepdim", (a) => a.median(0, true), () => [distinct(4, 3)]]],
  medianAll: [["median of all", (a) => a.median(), () => [distinct(3, 5)]]],
  mode: [["mode (distinct: the smallest)", (a) => a.mode(1), () => [distinct(3, 4)]]],
  cummax: [["cummax", (a) => a.cummax(1), () => [distinct(3, 5)]]],
  asin: [["asin", (a) => a.asin(), () => [unit(2, 3)]]],
  acos: [["acos", (a) => a.acos(), () => [unit(2, 3)]]],
  atan: [["atan", (a) => a.atan(), () => [r(2, 3)]]],
  atan2: [["atan2 broadcast", (y, x) => y.atan2(x), () => [r(2, 3), r(3).abs().add(0.5).detach().requiresGrad_()]]],
  erf: [["erf", (a) => a.erf(), () => [r(2, 3)]]],
  expm1: [["expm1", (a) => a.expm1(), () => [r(2, 3)]]],
  reciprocal: [["reciprocal", (a) => a.reciprocal(), () => [rand([2, 3], { dtype: "float64" }).add(0.5).requiresGrad_()]]],
  floor: [["floor (zero gradient)", (a) => a.floor(), () => [offGrid(2, 3)]]],
  ceil: [["ceil (zero gradient)", (a) => a.ceil(), () => [offGrid(2, 3)]]],
  trunc: [["trunc (zero gradient)", (a) => a.trunc(), () => [offGrid(2, 3)]]],
  round: [["round (zero gradient)", (a) => a.round(), () => [offGrid(2, 3)]]],
  nanToNum: [["nanToNum of finite values", (a) => a.nanToNum(0), () => [r(2, 3)]]],
  inverse: [["inverse batched", (a) => a.inverse(), () => [wellConditioned(3), ].map((m) => m.detach().reshape([1, 3, 3]).expand([2, 3, 3]).contiguous().requiresGrad_())]],
  det: [["det", (a) => a.det(), () => [wellConditioned(3)]]],
};

export type { Tensor };
