import { describe, it } from "vitest";
import { Tensor, tensor, randn, rand, manualSeed, F } from "gradlens";
import { gradgradcheck } from "../../helpers/gradgradcheck";

// Second order through the F ops composed of registered ones (transposed convs, group/instance norm,
// the losses built from ops, 1-D and adaptive pools, fold/unfold): gradgradcheck against float64
// central differences. Inputs keep clear of kinks (hinges, margins, ties) where no finite difference holds.

manualSeed(7);

const f64 = { dtype: "float64" as const, requiresGrad: true };
const r = (...shape: number[]) => randn(shape, f64);
const pos = (...shape: number[]) => rand(shape, { dtype: "float64" }).add(0.5).requiresGrad_();
const data = (values: number[], shape?: number[]) => {
  const t = tensor(values, { dtype: "float64" });
  return shape ? t.reshape(shape) : t;
};
const idx = (values: number[]) => tensor(values, { dtype: "int64" });
/** distinct values, a unique max in every pooling window */
const distinct = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return data(Array.from({ length: n }, (_, i) => ((i * 37) % n) / 3 - n / 6), shape).requiresGrad_();
};

type Case = [label: string, fn: (...xs: Tensor[]) => Tensor, inputs: () => Tensor[]];

const cases: Case[] = [
  ["convTranspose2d stride 2, outputPadding, groups", (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, outputPadding: 1, groups: 2, padding: 1 }), () => [r(1, 2, 3, 3), r(2, 1, 3, 3), r(2)]],
  ["convTranspose1d dilation", (x, w) => F.convTranspose1d(x, w, null, { dilation: 2 }), () => [r(2, 2, 4), r(2, 3, 2)]],
  ["groupNorm affine", (x, w, b) => F.groupNorm(x, 2, { weight: w, bias: b }), () => [r(2, 4, 3), r(4), r(4)]],
  ["instanceNorm", (x) => F.instanceNorm(x), () => [r(2, 2, 3, 2)]],
  ["crossEntropy label smoothing, weight", (x) => F.crossEntropy(x, idx([2, 0, 1]), { labelSmoothing: 0.1, weight: data([1, 2, 0.5]) }), () => [r(3, 3)]],
  ["crossEntropy probability targets", (x) => F.crossEntropy(x, data([0.2, 0.5, 0.3, 0.6, 0.1, 0.3], [2, 3])), () => [r(2, 3)]],
  ["crossEntropy [N,C,H,W]", (x) => F.crossEntropy(x, tensor([[[0, 2], [1, 1]]], { dtype: "int64" })), () => [r(1, 3, 2, 2)]],
  ["klDiv batchmean", (x, y) => F.klDiv(x.logSoftmax(1), y, { reduction: "batchmean" }), () => [r(2, 3), pos(2, 3)]],
  ["klDiv logTarget", (x, y) => F.klDiv(x, y, { logTarget: true }), () => [r(2, 3), r(2, 3)]],
  ["huberLoss", (x, y) => F.huberLoss(x, y, { delta: 0.7 }), () => [r(3, 4), r(3, 4)]],
  ["softMarginLoss", (x) => F.softMarginLoss(x, data([1, -1, 1, -1])), () => [r(4)]],
  ["marginRankingLoss", (a, b) => F.marginRankingLoss(a, b, data([1, -1, 1]), { margin: 0.1 }), () => [data([0.5, -0.4, 2]).requiresGrad_(), data([-1, 0.6, 0.2]).requiresGrad_()]],
  ["cosineEmbeddingLoss", (a, b) => F.cosineEmbeddingLoss(a, b, data([1, -1])), () => [r(2, 3), r(2, 3)]],
  ["tripletMarginLoss", (a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 5 }), () => [r(2, 3), r(2, 3), r(2, 3)]],
  ["poissonNllLoss", (x) => F.poissonNllLoss(x, data([1, 0, 3, 2])), () => [r(4)]],
  ["gaussianNllLoss", (x, v) => F.gaussianNllLoss(x, data([0.5, -1, 2]), v), () => [r(3), pos(3)]],
  ["maxPool1d", (x) => F.maxPool1d(x, 2), () => [distinct([2, 2, 6])]],
  ["avgPool1d padding", (x) => F.avgPool1d(x, 3, { stride: 2, padding: 1 }), () => [r(1, 2, 7)]],
  ["adaptiveAvgPool1d", (x) => F.adaptiveAvgPool1d(x, 3), () => [r(2, 7)]],
  ["adaptiveMaxPool2d", (x) => F.adaptiveMaxPool2d(x, [2, 3]), () => [distinct([1, 2, 5, 5])]],
  ["unfold", (x) => F.unfold(x, 2, { stride: 1 }), () => [r(1, 2, 3, 3)]],
  ["fold", (c) => F.fold(c, [3, 3], 2), () => [r(1, 8, 4)]],
];

describe("gradgradcheck through composed F ops", () => {
  for (const [label, fn, inputs] of cases) it(label, () => gradgradcheck(fn, inputs(), { label }));
});
