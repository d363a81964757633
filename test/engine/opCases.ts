import { apiOpCases } from "./opCasesApi";
import { Tensor, tensor, randn, rand, manualSeed, cat, stack, where, maximum, minimum, pow, scatterAdd, F, zeros, autograd, enableGrad } from "gradlens";
import { geluBackward } from "../../src/engine/ops/unary";
import { leakyReluBackward, thresholdBackward } from "../../src/engine/ops/maskBackward";
import { stridedGather, stridedScatter } from "../../src/engine/ops/strided";

// One table of float64 cases per registered op (the key is the name given to registerOp), shared by
// the first-order (gradcheck.test.ts) and second-order (gradgradcheck.test.ts) suites. A new op adds
// its entry here; both suites fail for a registered op without one.

export type Case = [
  label: string,
  fn: (...xs: Tensor[]) => Tensor | Tensor[] | { values: Tensor },
  inputs: () => Tensor[],
  /** finite-difference settings where float64 central differences need them (a float32 round trip) */
  options?: {
    eps?: number; atol?: number; rtol?: number;
    /** why second order is not checked here: at a tie the first derivative jumps, so no finite difference holds */
    firstOrderOnly?: string;
  },
];

const f64 = { dtype: "float64" as const, requiresGrad: true };
/** standard normal float64 leaf requiring grad */
const r = (...shape: number[]) => randn(shape, f64);
/** positive float64 leaf in [0.5, 1.5) (for log, sqrt, pow with tensor exponents, denominators) */
const pos = (...shape: number[]) => rand(shape, { dtype: "float64" }).add(0.5).requiresGrad_();
/** values kept at least 0.1 away from zero (abs, relu, sign, clamp kinks) */
const away = (...shape: number[]) => {
  const x = randn(shape, { dtype: "float64" });
  return x.add(x.sign().mul(0.1)).requiresGrad_();
};
const idx = (data: number[] | number[][]) => tensor(data, { dtype: "int64" });
const mask = (data: boolean[] | boolean[][]) => tensor(data);
/** distinct values (a unique max in every pooling window) */
const distinct = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, i) => ((i * 37) % n) / 3 - n / 6);
  return tensor(vals, { dtype: "float64" }).reshape(shape).detach().requiresGrad_(true);
};

/** A pool's backward as a function of its incoming gradient g (the input's values do not enter it). */
const avgPoolBackward = (g: Tensor, pool: (x: Tensor) => Tensor, inShape: number[]) => enableGrad(() => {
  const x = zeros(inShape, { dtype: "float64", requiresGrad: true });
  return autograd.grad(pool(x), x, { gradOutputs: g, createGraph: true })[0]!;
});

export const opCases: Record<string, Case[]> = {
  add: [
    ["[2,3] + [3]", (a, b) => a.add(b), () => [r(2, 3), r(3)]],
    ["[2,1,3] + [4,1]", (a, b) => a.add(b), () => [r(2, 1, 3), r(4, 1)]],
    ["[2,3] + number", (a) => a.add(2.5), () => [r(2, 3)]],
    ["[2,3] + 0-dim", (a, b) => a.add(b), () => [r(2, 3), r()]],
    ["0-dim + [2,3]", (a, b) => a.add(b), () => [r(), r(2, 3)]],
    ["alpha", (a, b) => a.add(b, { alpha: -1.5 }), () => [r(2, 3), r(3)]],
    ["a + a", (a) => a.add(a), () => [r(2, 3)]],
  ],
  sub: [
    ["[2,3] - [3]", (a, b) => a.sub(b), () => [r(2, 3), r(3)]],
    ["[2,1,3] - [4,1]", (a, b) => a.sub(b), () => [r(2, 1, 3), r(4, 1)]],
    ["number", (a) => a.sub(-0.75), () => [r(2, 3)]],
    ["0-dim first", (a, b) => a.sub(b), () => [r(), r(2, 3)]],
    ["alpha", (a, b) => a.sub(b, { alpha: 2 }), () => [r(3, 1), r(1, 4)]],
  ],
  mul: [
    ["[2,3] * [3]", (a, b) => a.mul(b), () => [r(2, 3), r(3)]],
    ["[2,1,3] * [4,1]", (a, b) => a.mul(b), () => [r(2, 1, 3), r(4, 1)]],
    ["number", (a) => a.mul(2.5), () => [r(2, 3)]],
    ["0-dim", (a, b) => a.mul(b), () => [r(2, 3), r()]],
    ["a * a", (a) => a.mul(a), () => [r(2, 3)]],
    ["only one input requires grad", (a, b) => a.mul(b), () => [r(2, 3), randn([3], { dtype: "float64" })]],
  ],
  div: [
    ["[2,3] / [3]", (a, b) => a.div(b), () => [r(2, 3), pos(3)]],
    ["[2,1,3] / [4,1]", (a, b) => a.div(b), () => [r(2, 1, 3), pos(4, 1)]],
    ["number", (a) => a.div(-0.75), () => [r(2, 3)]],
    ["0-dim / tensor", (a, b) => a.div(b), () => [r(), pos(2, 3)]],
  ],
  neg: [["neg", (a) => a.neg(), () => [r(2, 3)]]],
  pow: [
    ["x^2", (a) => a.pow(2), () => [r(2, 3)]],
    ["x^3", (a) => a.pow(3), () => [r(2, 3)]],
    ["x^0.5", (a) => a.pow(0.5), () => [pos(2, 3)]],
    ["x^-1", (a) => a.pow(-1), () => [pos(2, 3)]],
    ["x^0", (a) => a.pow(0), () => [r(2, 3)]],
    ["x^y", (a, b) => a.pow(b), () => [pos(2, 3), r(2, 3)]],
    ["x^y broadcast [2,3]^[3]", (a, b) => a.pow(b), () => [pos(2, 3), r(3)]],
    ["x^(0-dim)", (a, b) => a.pow(b), () => [pos(2, 3), r()]],
    ["2^x (number base)", (a) => pow(2, a), () => [r(2, 3)]],
    ["square()", (a) => a.square(), () => [r(2, 3)]],
  ],
  exp: [["exp", (a) => a.exp(), () => [r(2, 3)]]],
  log: [["log", (a) => a.log(), () => [pos(2, 3)]]],
  log1p: [["log1p", (a) => a.log1p(), () => [pos(2, 3)]]],
  sqrt: [["sqrt", (a) => a.sqrt(), () => [pos(2, 3)]]],
  rsqrt: [["rsqrt", (a) => a.rsqrt(), () => [pos(2, 3)]]],
  abs: [["abs", (a) => a.abs(), () => [away(2, 3)]]],
  sign: [["sign (zero gradient)", (a) => a.sign(), () => [away(2, 3)]]],
  sin: [["sin", (a) => a.sin(), () => [r(2, 3)]]],
  cos: [["cos", (a) => a.cos(), () => [r(2, 3)]]],
  tanh: [["tanh", (a) => a.tanh(), () => [r(2, 3)]]],
  sigmoid: [["sigmoid", (a) => a.sigmoid(), () => [r(2, 3)]]],
  relu: [["relu", (a) => a.relu(), () => [away(3, 4)]]],
  leakyRelu: [
    ["leakyRelu 0.01", (a) => a.leakyRelu(), () => [away(3, 4)]],
    ["leakyRelu 0.2", (a) => a.leakyRelu(0.2), () => [away(3, 4)]],
  ],
  gelu: [
    ["gelu none", (a) => a.gelu(), () => [r(3, 4)]],
    ["gelu tanh", (a) => a.gelu("tanh"), () => [r(3, 4)]],
  ],
  clamp: [
    ["min", (a) => a.clamp(-0.5), () => [tensor([-1.3, -0.2, 0.4, 2.1], f64)]],
    ["max", (a) => a.clamp(null, 0.5), () => [tensor([-1.3, -0.2, 0.4, 2.1], f64)]],
    ["both", (a) => a.clamp(-0.5, 0.5), () => [tensor([[-1.3, -0.2], [0.4, 2.1]], f64)]],
  ],
  where: [
    ["[2,3]", (c, a, b) => where(c, a, b), () => [mask([[true, false, true], [false, false, true]]), r(2, 3), r(2, 3)]],
    ["broadcast [3], [2,3], [1]", (c, a, b) => where(c, a, b), () => [mask([true, false, true]), r(2, 3), r(1)]],
    ["number other", (c, a) => where(c, a, 0), () => [mask([true, false, true]), r(2, 3)]],
    ["method form", (c, a, b) => a.where(c, b), () => [mask([false, true, true]), r(2, 3), r(3)]],
  ],
  maskedFill: [
    ["maskedFill broadcast mask", (a, m) => a.maskedFill(m, -1), () => [r(2, 3), mask([true, false, true])]],
  ],
  maximum: [
    ["[2,3] [3]", (a, b) => maximum(a, b), () => [r(2, 3), r(3)]],
    ["ties split evenly", (a, b) => a.maximum(b), () => [tensor([1, 2, 3], f64), tensor([1, 0, 3], f64)], { firstOrderOnly: "a tie" }],
  ],
  minimum: [
    ["[2,3] [3]", (a, b) => minimum(a, b), () => [r(2, 3), r(3)]],
    ["ties split evenly", (a, b) => a.minimum(b), () => [tensor([1, 2, 3], f64), tensor([1, 0, 3], f64)], { firstOrderOnly: "a tie" }],
  ],
  matmul: [
    ["1-D · 1-D", (a, b) => a.matmul(b), () => [r(4), r(4)]],
    ["2-D · 1-D", (a, b) => a.matmul(b), () => [r(3, 4), r(4)]],
    ["1-D · 2-D", (a, b) => a.matmul(b), () => [r(4), r(4, 5)]],
    ["2-D · 2-D", (a, b) => a.matmul(b), () => [r(3, 4), r(4, 5)]],
    ["3-D · 3-D", (a, b) => a.matmul(b), () => [r(2, 3, 4), r(2, 4, 5)]],
    ["3-D · 2-D", (a, b) => a.matmul(b), () => [r(2, 3, 4), r(4, 5)]],
    ["2-D · 3-D", (a, b) => a.matmul(b), () => [r(3, 4), r(2, 4, 5)]],
    ["1-D · 3-D", (a, b) => a.matmul(b), () => [r(4), r(2, 4, 5)]],
    ["3-D · 1-D", (a, b) => a.matmul(b), () => [r(2, 3, 4), r(4)]],
    ["batched broadcast [2,1,3,4] · [5,4,2]", (a, b) => a.matmul(b), () => [r(2, 1, 3, 4), r(5, 4, 2)]],
    ["transposed operand", (a, b) => a.T.matmul(b), () => [r(4, 3), r(4, 2)]],
  ],
  mm: [
    ["mm", (a, b) => a.mm(b), () => [r(3, 4), r(4, 5)]],
    ["mm of transposes", (a, b) => a.t().mm(b.t()), () => [r(4, 3), r(5, 4)]],
  ],
  dot: [["dot", (a, b) => a.dot(b), () => [r(4), r(4)]]],
  mv: [
    ["mv", (a, b) => a.mv(b), () => [r(3, 4), r(4)]],
    ["mv of a transposed matrix", (a, b) => a.t().mv(b), () => [r(4, 3), r(4)]],
  ],
  bmm: [
    ["bmm", (a, b) => a.bmm(b), () => [r(2, 3, 4), r(2, 4, 5)]],
    ["bmm of transposed batches", (a, b) => a.transpose(1, 2).bmm(b), () => [r(2, 4, 3), r(2, 4, 5)]],
  ],
  sum: [
    ["all", (a) => a.sum(), () => [r(2, 3, 4)]],
    ["dim 1", (a) => a.sum(1), () => [r(2, 3, 4)]],
    ["dim -1 keepdim", (a) => a.sum(-1, true), () => [r(2, 3, 4)]],
    ["dims [0, 2]", (a) => a.sum([0, 2]), () => [r(2, 3, 4)]],
    ["of a transposed view", (a) => a.transpose(0, 1).sum(0), () => [r(2, 3)]],
  ],
  mean: [
    ["all", (a) => a.mean(), () => [r(2, 3, 4)]],
    ["dim 0", (a) => a.mean(0), () => [r(2, 3, 4)]],
    ["dim 1 keepdim", (a) => a.mean(1, true), () => [r(2, 3, 4)]],
    ["dims [0, -1] keepdim", (a) => a.mean([0, -1], true), () => [r(2, 3, 4)]],
  ],
  max: [
    ["max()", (a) => a.max(), () => [r(3, 4)]],
    ["max() with a two-way tie", (a) => a.max(), () => [tensor([[1, 5], [5, 2]], f64)], { firstOrderOnly: "a tie" }],
    ["max(1)", (a) => a.max(1), () => [r(3, 4)]],
    ["max(-1, keepdim)", (a) => a.max(-1, true), () => [r(2, 3, 4)]],
  ],
  min: [
    ["min()", (a) => a.min(), () => [r(3, 4)]],
    ["min(0)", (a) => a.min(0), () => [r(3, 4)]],
  ],
  amax: [
    ["amax dim 1", (a) => a.amax(1), () => [r(3, 4)]],
    ["amax dims [0,1] keepdim", (a) => a.amax([0, 1], true), () => [r(3, 4)]],
    ["amax with two-way ties", (a) => a.amax(1), () => [tensor([[1, 3, 3], [2, 0, 2]], f64)], { firstOrderOnly: "a tie" }],
  ],
  amin: [["amin dim -1", (a) => a.amin(-1), () => [r(2, 3, 4)]]],
  var: [
    ["var()", (a) => a.var(), () => [r(3, 4)]],
    ["var(1)", (a) => a.var(1), () => [r(3, 4)]],
    ["var(0, unbiased false)", (a) => a.var(0, { unbiased: false }), () => [r(3, 4)]],
    ["var([0,2], keepdim)", (a) => a.var([0, 2], { keepdim: true }), () => [r(2, 3, 4)]],
  ],
  std: [
    ["std()", (a) => a.std(), () => [r(3, 4)]],
    ["std(1, keepdim)", (a) => a.std(1, { keepdim: true }), () => [r(3, 4)]],
    ["std(-1, unbiased false)", (a) => a.std(-1, { unbiased: false }), () => [r(2, 3, 4)]],
  ],
  view: [
    ["view(6, 4)", (a) => a.view(6, 4), () => [r(2, 3, 4)]],
    ["view(-1)", (a) => a.view([-1]), () => [r(2, 3, 4)]],
    ["view of a non-contiguous but compatible tensor", (a) => a.t().unsqueeze(0).view(3, 2), () => [r(2, 3)]],
  ],
  reshape: [
    ["reshape(4, 6)", (a) => a.reshape(4, 6), () => [r(2, 3, 4)]],
    ["reshape of a transpose (copies)", (a) => a.t().reshape(-1), () => [r(2, 3)]],
  ],
  flatten: [
    ["flatten()", (a) => a.flatten(), () => [r(2, 3, 4)]],
    ["flatten(1, 2)", (a) => a.flatten(1, 2), () => [r(2, 3, 4, 2)]],
  ],
  squeeze: [
    ["squeeze()", (a) => a.squeeze(), () => [r(1, 3, 1, 2)]],
    ["squeeze(2)", (a) => a.squeeze(2), () => [r(1, 3, 1, 2)]],
    ["squeeze(1) no-op", (a) => a.squeeze(1), () => [r(1, 3, 1, 2)]],
  ],
  unsqueeze: [
    ["unsqueeze(0)", (a) => a.unsqueeze(0), () => [r(2, 3)]],
    ["unsqueeze(-1)", (a) => a.unsqueeze(-1), () => [r(2, 3)]],
  ],
  expand: [
    ["[3,1] → [3,4]", (a) => a.expand(3, 4), () => [r(3, 1)]],
    ["[3] → [2,3]", (a) => a.expand([2, 3]), () => [r(3)]],
    ["[1,3,1] → [2,-1,4]", (a) => a.expand(2, -1, 4), () => [r(1, 3, 1)]],
  ],
  transpose: [
    ["transpose(0, 2)", (a) => a.transpose(0, 2), () => [r(2, 3, 4)]],
    ["transpose(-1, -2)", (a) => a.transpose(-1, -2), () => [r(2, 3, 4)]],
  ],
  t: [
    ["t()", (a) => a.t(), () => [r(2, 3)]],
    ["t() of 1-D", (a) => a.t(), () => [r(3)]],
  ],
  permute: [
    ["permute(2, 0, 1)", (a) => a.permute(2, 0, 1), () => [r(2, 3, 4)]],
    ["T", (a) => a.T, () => [r(2, 3)]],
  ],
  narrow: [
    ["narrow(0, 1, 2)", (a) => a.narrow(0, 1, 2), () => [r(4, 3)]],
    ["narrow(-1, 0, 2)", (a) => a.narrow(-1, 0, 2), () => [r(2, 3, 4)]],
  ],
  slice: [
    ["slice(1, 1)", (a) => a.slice(1, 1), () => [r(2, 4)]],
    ["slice(0, -2, 3)", (a) => a.slice(0, -2, 3), () => [r(4, 2)]],
  ],
  select: [
    ["select(0, 1)", (a) => a.select(0, 1), () => [r(3, 4)]],
    ["select(1, -1)", (a) => a.select(1, -1), () => [r(3, 4)]],
  ],
  clone: [["clone", (a) => a.clone(), () => [r(2, 3)]]],
  indexSelect: [
    ["dim 0 repeated", (a, i) => a.indexSelect(0, i), () => [r(4, 3), idx([0, 2, 0, 3])]],
    ["dim 1", (a, i) => a.indexSelect(1, i), () => [r(3, 4), idx([3, 1])]],
  ],
  gather: [
    ["dim 1", (a, i) => a.gather(1, i), () => [r(3, 4), idx([[0, 3], [1, 1], [2, 0]])]],
    ["dim 0", (a, i) => a.gather(0, i), () => [r(3, 4), idx([[0, 1, 2, 0], [2, 2, 1, 1]])]],
  ],
  scatterAdd: [
    ["dim 1", (s, i, src) => scatterAdd(s, 1, i, src), () => [r(2, 3), idx([[0, 0], [1, 2]]), r(2, 2)]],
    ["src larger than index", (s, i, src) => s.scatterAdd(0, i, src), () => [r(3, 2), idx([[2, 0]]), r(2, 3)]],
  ],
  cat: [
    ["dim 0, 3 inputs", (a, b, c) => cat([a, b, c], 0), () => [r(2, 3), r(1, 3), r(3, 3)]],
    ["dim -1", (a, b) => cat([a, b], -1), () => [r(2, 2, 1), r(2, 2, 3)]],
  ],
  stack: [
    ["dim 0", (a, b, c) => stack([a, b, c]), () => [r(2, 3), r(2, 3), r(2, 3)]],
    ["dim -1", (a, b) => stack([a, b], -1), () => [r(2, 3), r(2, 3)]],
  ],
  split: [
    ["split(2)", (a) => a.split(2), () => [r(5, 3)]],
    ["split([1, 3, 1], 1)", (a) => a.split([1, 3, 1], 1), () => [r(2, 5)]],
  ],
  chunk: [
    ["chunk(3)", (a) => a.chunk(3), () => [r(5, 2)]],
    ["chunk(2, -1)", (a) => a.chunk(2, -1), () => [r(2, 3, 4)]],
  ],
  unbind: [["unbind(1)", (a) => a.unbind(1), () => [r(2, 3)]]],
  softmax: [
    ["dim 1", (a) => a.softmax(1), () => [r(3, 4)]],
    ["dim 0 of 3-D", (a) => a.softmax(0), () => [r(2, 3, 4)]],
  ],
  logSoftmax: [
    ["dim -1", (a) => a.logSoftmax(-1), () => [r(3, 4)]],
    ["dim 1 of 3-D", (a) => a.logSoftmax(1), () => [r(2, 3, 4)]],
  ],
  // In-place ops on non-leaves: the graph goes through the op, and through CopySlices on views.
  inplace: [
    ["add_", (a, b) => a.mul(1).add_(b), () => [r(2, 3), r(3)]],
    ["sub_ alpha", (a, b) => a.mul(1).sub_(b, { alpha: 2 }), () => [r(2, 3), r(2, 3)]],
    ["mul_", (a, b) => a.mul(1).mul_(b), () => [r(2, 3), r(3)]],
    ["div_", (a, b) => a.mul(1).div_(b), () => [r(2, 3), pos(3)]],
    ["pow_", (a) => a.mul(1).pow_(3), () => [r(2, 3)]],
    ["clamp_", (a) => a.mul(1).clamp_(-0.5, 0.5), () => [tensor([-1.3, -0.2, 0.4, 2.1], f64)]],
    ["relu_", (a) => a.mul(1).relu_(), () => [away(2, 3)]],
    ["neg_ then sqrt_ (sqrt_ saves its output, so it must come last)", (a) => a.mul(-1).neg_().sqrt_(), () => [pos(2, 3)]],
    ["maskedFill_", (a) => a.mul(1).maskedFill_(mask([true, false, true]), 0), () => [r(2, 3)]],
  ],
  copy_: [["copy_", (a, b) => a.mul(1).copy_(b.mul(2)), () => [r(2, 3), r(3)]]],
  fill_: [["fill_ then mul", (a, b) => a.mul(1).fill_(2).mul(b), () => [r(3), r(3)]]],
  zero_: [["zero_ then add", (a, b) => b.mul(b).add(a.mul(1).zero_()), () => [r(3), r(3)]]],
  // reseeded so that every evaluation draws the same values
  uniform_: [["uniform_ then add", (a, b) => (manualSeed(5), b.mul(b).add(a.mul(1).uniform_())), () => [r(3), r(3)]]],
  normal_: [["normal_ then add", (a, b) => (manualSeed(5), b.mul(b).add(a.mul(1).normal_())), () => [r(3), r(3)]]],
  to: [
    ["float64 → float32 → float64", (a) => a.mul(a).to("float32").to("float64"), () => [tensor([0.5, -1.25, 2], f64)],
      { eps: 1e-3, atol: 1e-3 }],
  ],
  copySlices: [
    ["in-place on a view of a non-leaf (CopySlices)", (a, b) => {
      const y = a.mul(1);
      y.select(0, 1).mul_(b);
      return y.mul(y);
    }, () => [r(3, 2), r(2)]],
  ],
  asStrided: [
    ["a view read after an in-place op on it", (a) => {
      const y = a.mul(2);
      const v = y.narrow(1, 0, 2);
      v.add_(1);
      return v.mul(v);
    }, () => [r(2, 3)]],
  ],
  geluBackward: [
    ["gelu's backward as a function of (g, x)", (g, x) => geluBackward(g, x, "none"), () => [r(2, 3), r(2, 3)]],
    ["tanh approximation", (g, x) => geluBackward(g, x, "tanh"), () => [r(2, 3), r(2, 3)]],
  ],
  thresholdBackward: [
    ["relu's backward as a function of (g, y)", (g, y) => thresholdBackward(g, y), () => [r(2, 3), away(2, 3)]],
  ],
  leakyReluBackward: [
    ["leakyRelu's backward as a function of (g, x)", (g, x) => leakyReluBackward(g, x, 0.2), () => [r(2, 3), away(2, 3)]],
  ],
  stridedScatter: [
    ["into zeros [3,4] at a transposed region", (g) => stridedScatter(g, [3, 4], { shape: [2, 3], strides: [1, 4], offset: 1 }), () => [r(2, 3)]],
  ],
  stridedGather: [
    ["a [2,2] region of [3,4]", (x) => stridedGather(x, { shape: [2, 2], strides: [4, 2], offset: 1 }), () => [r(3, 4)]],
  ],
  // nn.functional ops with their own nodes
  addmm: [["addmm", (b, x, w) => F.addmm(b, x, w.t()), () => [r(4), r(3, 5), r(4, 5)]]],
  conv1d: [
    ["conv1d groups", (x, w, b) => F.conv1d(x, w, b, { groups: 2 }), () => [r(4, 5), r(2, 2, 2), r(2)]],
    ["conv1d stride 2, padding, dilation, batched", (x, w) => F.conv1d(x, w, null, { stride: 2, padding: 1, dilation: 2 }), () => [r(2, 2, 7), r(3, 2, 2)]],
  ],
  conv2d: [
    ["conv2d stride/padding", (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }), () => [r(1, 2, 5, 5), r(2, 2, 3, 3), r(2)]],
    ["conv2d groups, dilation, uneven stride", (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], dilation: [1, 2], groups: 2 }), () => [r(2, 4, 5, 6), r(2, 2, 2, 2), r(2)]],
    ["conv2d unbatched, padding same", (x, w) => F.conv2d(x, w, null, { padding: "same" }), () => [r(1, 4, 4), r(2, 1, 3, 3)]],
  ],
  maxPool2d: [
    ["maxPool2d", (x) => F.maxPool2d(x, 2), () => [distinct([1, 2, 4, 4])]],
    ["maxPool2d stride 1, padding, ceilMode", (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), () => [distinct([2, 1, 5, 6])]],
  ],
  avgPool2d: [
    ["avgPool2d", (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), () => [r(1, 2, 5, 5)]],
    ["avgPool2d countIncludePad false, ceilMode", (x) => F.avgPool2d(x, 2, { padding: 1, countIncludePad: false, ceilMode: true }), () => [r(2, 4, 5)]],
  ],
  avgPool2dBackward: [
    ["avg_pool2d's backward as a function of grad", (g) => avgPoolBackward(g, (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), [1, 2, 5, 5]), () => [r(1, 2, 3, 3)]],
  ],
  adaptiveAvgPool2d: [["adaptiveAvgPool2d", (x) => F.adaptiveAvgPool2d(x, [3, 2]), () => [r(1, 2, 5, 7)]]],
  adaptiveAvgPool2dBackward: [
    ["adaptive_avg_pool2d's backward as a function of grad", (g) => avgPoolBackward(g, (x) => F.adaptiveAvgPool2d(x, [3, 2]), [2, 5, 7]), () => [r(2, 3, 2)]],
  ],
  layerNorm: [
    ["layerNorm", (x, w, b) => F.layerNorm(x, [4], w, b), () => [r(2, 3, 4), r(4), r(4)]],
    ["layerNorm over two dims, no affine", (x) => F.layerNorm(x, [2, 3]), () => [r(2, 2, 3)]],
    ["layerNorm weight only", (x, w) => F.layerNorm(x, [3], w), () => [r(4, 3), r(3)]],
  ],
  batchNorm: [
    ["batchNorm train", (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), () => [r(4, 3), r(3), r(3)]],
    ["batchNorm train [N,C,H,W], no affine", (x) => F.batchNorm(x, null, null, { training: true }), () => [r(2, 3, 2, 2)]],
    ["batchNorm eval with running stats", (x, w, b) => F.batchNorm(x, tensor([0.1, -0.2], { dtype: "float64" }), tensor([0.8, 1.3], { dtype: "float64" }), { weight: w, bias: b }), () => [r(3, 2, 2), r(2), r(2)]],
  ],
  embedding: [
    ["embedding", (w) => F.embedding(idx([[1, 0, 4, 1], [3, 0, 0, 2]]), w), () => [r(5, 3)]],
  ],
  dropout: [["dropout", (x) => {
    manualSeed(3);
    return F.dropout(x, 0.4, true);
  }, () => [r(3, 4)]]],
  nllLoss: [
    ["nllLoss weighted", (x) => F.nllLoss(x, idx([1, 0, 2]), { weight: tensor([0.5, 2, 1], { dtype: "float64" }) }), () => [r(3, 3)]],
    ["nllLoss none, ignoreIndex", (x) => F.nllLoss(x, idx([1, -100, 2]), { reduction: "none" }), () => [r(3, 3)]],
    ["nllLoss [N,C,H,W] sum", (x) => F.nllLoss(x, tensor([[[0, 1], [1, 0]]], { dtype: "int64" }), { reduction: "sum" }), () => [r(1, 2, 2, 2)]],
    ["nllLoss unbatched", (x) => F.nllLoss(x, tensor(2, { dtype: "int64" })), () => [r(3)]],
  ],
  mseLoss: [
    ["mseLoss broadcast target", (x, y) => F.mseLoss(x, y), () => [r(3, 4), r(4)]],
    ["mseLoss none", (x, y) => F.mseLoss(x, y, { reduction: "none" }), () => [r(3, 4), r(3, 4)]],
  ],
  l1Loss: [["l1Loss sum", (x, y) => F.l1Loss(x, y, { reduction: "sum" }), () => [away(3, 4), tensor(0, f64)]]],
  smoothL1Loss: [
    ["smoothL1Loss none", (x, y) => F.smoothL1Loss(x, y, { reduction: "none", beta: 0.5 }), () => [r(3, 4), r(3, 4)]],
    ["smoothL1Loss mean, beta 0 (l1)", (x, y) => F.smoothL1Loss(x, y, { beta: 0 }), () => [away(3, 4), tensor(0, f64)]],
  ],
  binaryCrossEntropy: [
    ["binaryCrossEntropy", (x, y) => F.binaryCrossEntropy(x, y), () => [
      rand([3, 4], { dtype: "float64" }).mul(0.8).add(0.1).requiresGrad_(), rand([3, 4], f64)]],
    ["binaryCrossEntropy weighted, sum", (x, y) => F.binaryCrossEntropy(x, y, { weight: tensor([1, 2, 0.5, 1.5], { dtype: "float64" }), reduction: "sum" }), () => [
      rand([3, 4], { dtype: "float64" }).mul(0.8).add(0.1).requiresGrad_(), rand([3, 4], f64)]],
  ],
  binaryCrossEntropyWithLogits: [
    ["binaryCrossEntropyWithLogits posWeight", (x, y) =>
      F.binaryCrossEntropyWithLogits(x, y, { posWeight: tensor([1, 2, 0.5, 1.5], { dtype: "float64" }) }), () => [r(3, 4), rand([3, 4], f64)]],
    ["binaryCrossEntropyWithLogits weight, none", (x, y) =>
      F.binaryCrossEntropyWithLogits(x, y, { weight: tensor([1, 2, 0.5, 1.5], { dtype: "float64" }), reduction: "none" }), () => [r(3, 4), rand([3, 4], f64)]],
  ],
  // the wider PyTorch API (issue 15)
  ...apiOpCases,
};
